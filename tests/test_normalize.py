"""syndetect.text.normalize: every fold a named, tested step; offsets that point back at the published text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from syndetect.config import NormalizeConfig
from syndetect.text.normalize import (
    STEP_FUNCTIONS,
    STEPS,
    normalize,
    normalize_text,
    strip_clitics,
    tokenize,
    words,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"

# (input, expected with every step on, id): one or more cases per step.
GOLDEN = [
    ("ﻻ", "لا", "nfkc_lam_alef"),
    ("ﻷ", "لا", "nfkc_lam_alef_hamza_then_alef"),
    ("ﺑﻴﺖ", "بيت", "nfkc_presentation_forms_b"),
    ("\ufb50", "ا", "nfkc_presentation_forms_a_alef_wasla"),
    ("ﷺ", "صلي الله عليه وسلم", "nfkc_ligature_expands_to_words"),
    ("ﹰ", "", "nfkc_isolated_fathatan_is_space_plus_mark"),
    ("ﬁ", "fi", "nfkc_latin_ligature"),
    ("１２", "12", "nfkc_fullwidth_digits"),
    ("سلام\u200b", "سلام", "invisible_zero_width_space"),
    ("سل\u200cام", "سلام", "invisible_zwnj"),
    ("\u200fسلام\u200e", "سلام", "invisible_rtl_ltr_marks"),
    ("\u202bسلام\u202c", "سلام", "invisible_bidi_embedding"),
    ("\u2067سلام\u2069", "سلام", "invisible_bidi_isolate"),
    ("\u061cسلام", "سلام", "invisible_arabic_letter_mark"),
    ("\ufeffسلام", "سلام", "invisible_bom"),
    ("سل\u00adام", "سلام", "invisible_soft_hyphen"),
    ("كَتَبَ", "كتب", "diacritics_harakat"),
    ("مُحَمَّدٌ", "محمد", "diacritics_shadda_tanwin"),
    ("كتاباً", "كتابا", "diacritics_fathatan"),
    ("رحْمٰن", "رحمن", "diacritics_sukun_superscript_alef"),
    ("سلامۖ", "سلام", "diacritics_quranic_mark"),
    ("ا\u0654حمد", "احمد", "diacritics_combining_hamza_like_precomposed"),
    ("كـــتـاب", "كتاب", "tatweel"),
    ("کتاب", "كتاب", "persian_keheh"),
    ("ڪتاب", "كتاب", "persian_swash_kaf"),
    ("یک", "يك", "persian_farsi_yeh_and_keheh"),
    ("خانۀ", "خانه", "persian_heh_with_yeh_above"),
    ("خانە", "خانه", "persian_ae"),
    ("کہا", "كها", "urdu_heh_goal"),
    ("بھائی", "بهايي", "urdu_heh_doachashmee"),
    ("ہے", "هي", "urdu_yeh_barree"),
    ("زکوٰۃ", "زكوه", "urdu_teh_marbuta_goal_then_teh_marbuta"),
    ("أحمد", "احمد", "hamza_on_alef"),
    ("إسلام", "اسلام", "hamza_under_alef"),
    ("آمن", "امن", "alef_madda"),
    ("ٱلقمر", "القمر", "alef_wasla"),
    ("على", "علي", "alef_maqsura"),
    ("مصطفی", "مصطفي", "alef_maqsura_farsi_yeh"),
    ("مدرسة", "مدرسه", "teh_marbuta"),
    ("مسؤول", "مسوول", "hamza_on_waw"),
    ("رئيس", "رييس", "hamza_on_yeh"),
    ("سماء", "سماء", "bare_hamza_kept"),
    ("٣٤", "34", "digits_arabic_indic"),
    ("۱۲۳", "123", "digits_persian"),
    ("نعم، لا؛ لماذا؟", "نعم لا لماذا", "punctuation_arabic_comma_semicolon_question"),
    ("«خبر»", "خبر", "punctuation_guillemets"),
    ("٥٠٪", "50", "punctuation_arabic_percent"),
    ("انتهى۔", "انتهي", "punctuation_urdu_full_stop"),
    ('قال: "نعم" - (واس)', "قال نعم واس", "punctuation_latin"),
    ("سلام😀عليكم", "سلام عليكم", "punctuation_symbols_emoji"),
    ("CNN Arabic", "cnn arabic", "latin_case"),
    ("Straße", "strasse", "latin_casefold"),
    ("  كلام \n\n\t كلام\u00a0 ", "كلام كلام", "whitespace_collapsed_and_stripped"),
    ("", "", "empty"),
]


@pytest.mark.parametrize("text, expected", [(t, e) for t, e, _ in GOLDEN], ids=[i for *_, i in GOLDEN])
def test_golden(text, expected):
    assert normalize_text(text) == expected
    assert normalize(text).text == expected


# (step, input, output of that step function alone): each named step on its own.
STEP_CASES = [
    ("nfkc", "ﻻ ﷺ", "لا صلى الله عليه وسلم"),
    ("invisible", "a\u200fb\u00adc", "abc"),
    ("diacritics", "كَتَبَ", "كتب"),
    ("tatweel", "كـــتاب", "كتاب"),
    ("persian", "یک کتاب ے ۀ ہ ھ ە ۃ", "يك كتاب ي ه ه ه ه ة"),
    ("alef", "أإآٱ", "اااا"),
    ("alef_maqsura", "على", "علي"),
    ("teh_marbuta", "مدرسة", "مدرسه"),
    ("hamza", "مسؤول رئيس", "مسوول رييس"),
    ("digits", "٠١٢٣٤٥٦٧٨٩ ۰۹ ٣٫٥", "0123456789 09 3.5"),
    ("punctuation", "نعم،لا", "نعم لا"),
    ("latin_case", "CNN", "cnn"),
]


def test_persian_fold_is_switchable():
    """Off, Persian letters stay (a Persian-script corpus can keep them apart); on, a copy typed on a
    Persian keyboard normalizes like the Arabic original."""
    persian, arabic = "کتاب یک", "كتاب يك"
    off = dataclasses.replace(NormalizeConfig(), persian=False, alef_maqsura=False)
    assert normalize_text(persian, off) != normalize_text(arabic, off)
    assert normalize_text(persian) == normalize_text(arabic)


@pytest.mark.parametrize("step, text, expected", STEP_CASES, ids=[c[0] for c in STEP_CASES])
def test_step_function(step, text, expected):
    assert STEP_FUNCTIONS[step](text) == expected


def test_every_step_is_a_config_field_and_a_function():
    fields = {f.name for f in dataclasses.fields(NormalizeConfig)} - {"version"}
    assert set(STEPS) == fields == set(STEP_FUNCTIONS)


# (step switched off, input whose characters only that step touches): the text comes back unchanged.
OFF_CASES = [
    ("nfkc", "ﻻ"),
    ("invisible", "سل\u200bام\u200f"),
    ("diacritics", "كَتَبَ"),
    ("tatweel", "كـــتاب"),
    ("alef", "أحمد إسلام آمن ٱلقمر"),
    ("alef_maqsura", "على"),
    ("teh_marbuta", "مدرسة"),
    ("hamza", "مسؤول رئيس"),
    ("digits", "٣٤ ۱۲"),
    ("punctuation", "نعم، لا؛ «لماذا؟» ٪"),
    ("latin_case", "CNN"),
]


@pytest.mark.parametrize("step, text", OFF_CASES, ids=[f"{c[0]}_off" for c in OFF_CASES])
def test_step_switched_off_leaves_its_characters(step, text):
    cfg = dataclasses.replace(NormalizeConfig(), **{step: False})
    assert normalize_text(text, cfg) == text
    assert normalize_text(text) != text  # and the step does change them when on


def test_digits_keep_decimal_separator_when_punctuation_is_off():
    assert normalize_text("٣٫٥", NormalizeConfig(punctuation=False)) == "3.5"


def test_offsets_point_at_the_published_characters():
    text = "ﻻ تَـــرَ"
    n = normalize(text)
    assert n.text == "لا تر"
    assert n.offsets.tolist() == [0, 0, 1, 2, 7]


def test_offsets_of_collapsed_space_point_at_first_space():
    text = " «قال»  \n نعم "
    n = normalize(text)
    assert n.text == "قال نعم"
    assert n.offsets.tolist() == [2, 3, 4, 5, 10, 11, 12]


def test_tokens_spans_include_diacritics_and_tatweel():
    text = "قالَ الرئيسُ: الحلُّ سياسـيّ"
    toks = tokenize(text)
    assert toks.words == ["قال", "الرييس", "الحل", "سياسي"]
    assert [text[s:e] for s, e in zip(toks.starts, toks.ends, strict=True)] == [
        "قالَ",
        "الرئيسُ",
        "الحلُّ",
        "سياسـيّ",
    ]
    assert toks.starts.dtype == np.int32 and toks.ends.dtype == np.int32


def test_tokens_of_an_expanding_character_share_its_span():
    toks = tokenize("النبي ﷺ قال")
    assert toks.words == ["النبي", "صلي", "الله", "عليه", "وسلم", "قال"]
    assert toks.starts.tolist() == [0, 6, 6, 6, 6, 8]
    assert toks.ends.tolist() == [5, 7, 7, 7, 7, 11]


def test_astral_characters_take_the_slow_path_correctly():
    text = "𝐀𝐫𝐚𝐛 عربي 😀 \U000e0041"  # math bold (NFKC), emoji (symbol), tag character (invisible)
    n = normalize(text)
    assert n.text == "arab عربي"
    assert [text[o] for o in n.offsets] == [*"𝐀𝐫𝐚𝐛", " ", *"عربي"]


def test_lone_surrogate_passes_through():
    text = "a\ud800b"
    assert normalize_text(text) == "a\ud800b"
    assert tokenize(text).words == ["a", "b"]


# Clitics: variants of one word from the seed page agree.
CLITIC_GROUPS = [
    (["والعمليات", "العمليات", "عمليات"], "عمليات"),
    (["بالطائرة", "الطائرة", "طائرة"], "طايره"),
    (["للشعب", "الشعب", "شعب", "وللشعب"], "شعب"),
    (["بالأمس", "الأمس", "أمس"], "امس"),
    (["فالحج", "الحج", "حج"], "حج"),
    (["والوزير", "الوزير", "وزير", "ووزير"], "زير"),
]


@pytest.mark.parametrize("variants, stem", CLITIC_GROUPS, ids=[g[1] for g in CLITIC_GROUPS])
def test_clitic_variants_agree(variants, stem):
    assert {strip_clitics(w) for w in words(" ".join(variants))} == {stem}
    assert words(" ".join(variants), clitics=True) == [stem] * len(variants)


@pytest.mark.parametrize(
    "token, expected",
    [("بلد", "بلد"), ("لعب", "لعب"), ("الله", "الله"), ("والله", "الله"), ("لله", "لله"), ("من", "من")],
    ids=[
        "too_short_to_strip",
        "lam_kept_on_3_letters",
        "allah_keeps_article",
        "wa_allah",
        "lillah",
        "two_letters",
    ],
)
def test_clitics_keep_short_words(token, expected):
    assert strip_clitics(token) == expected


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="shared seed page not available")
def test_clitic_variants_in_the_seed_page_agree():
    vocab = set()
    for path in SEED_DIR.glob("*.txt"):
        vocab.update(words(path.read_text(encoding="utf-8")))
    prefixes = ["و", "ف", "ب", "ك", "ل", "ال", "وال", "بال", "فال", "كال", "لل", "ولل"]
    pairs = [
        (w, w[len(p) :])
        for w in vocab
        for p in prefixes
        if w.startswith(p) and w[len(p) :] in vocab and len(w) - len(p) >= 3
    ]
    assert len(pairs) > 50
    assert [(a, b) for a, b in pairs if strip_clitics(a) != strip_clitics(b)] == []


# Hypothesis: invariants on any text.
ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
INTERESTING = (
    ARABIC_LETTERS
    + "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0654\u0670\u06d6\u0640"  # marks, tatweel
    + "ﻻﻷﷺﹰ\ufb50ﺑﻴ½⑴ﬁ"  # expanding and presentation forms
    + "\u200b\u200c\u200f\u202b\u00ad\ufeff"  # invisible
    + "٠١٩۰۹0123٫"
    + "،؛؟«»٪۔.,:!?\"'()-"
    + " \n\t\u00a0\u2028"
    + "AbZß"
    + "😀𝐀\U000e0041\ud800"
)
any_text = st.text(st.characters(exclude_categories=()), max_size=60)
arabic_text = st.text(st.sampled_from(INTERESTING), max_size=60)
texts = st.one_of(any_text, arabic_text)
# Every step on, every step off, and each step alone switched off: 13 configurations whose character
# tables stay cached (building one takes about 0.1 s).
CONFIGS = [
    NormalizeConfig(),
    NormalizeConfig(**dict.fromkeys(STEPS, False)),
    *(dataclasses.replace(NormalizeConfig(), **{step: False}) for step in STEPS),
]
configs = st.sampled_from(CONFIGS)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts, configs)
@example("ﹰ ا", NormalizeConfig())
@example("x\u0651", NormalizeConfig(diacritics=False))
def test_idempotent_and_total(text, cfg):
    once = normalize_text(text, cfg)
    assert normalize_text(once, cfg) == once
    assert normalize(once, cfg).text == once
    assert normalize(text, cfg).text == once


@SETTINGS
@given(texts, configs)
def test_offsets_map_back_to_the_producing_character(text, cfg):
    n = normalize(text, cfg)
    assert len(n.offsets) == len(n.text)
    if len(n.offsets):
        assert n.offsets.min() >= 0 and n.offsets.max() < len(text)
        assert (np.diff(n.offsets) >= 0).all()
    for ch, o in zip(n.text, n.offsets.tolist(), strict=True):
        source = text[o]
        if ch == " ":  # the source separates words: whitespace, punctuation, or a form holding a space
            assert " " in normalize_text(f"x{source}x", cfg)
        else:
            assert ch in normalize_text(source, cfg)


@SETTINGS
@given(texts, configs)
def test_token_spans_are_ordered_and_hold_the_token(text, cfg):
    toks = tokenize(text, cfg)
    assert toks.words == words(text, cfg)
    assert len(toks.starts) == len(toks.ends) == len(toks.words)
    s, e = toks.starts.tolist(), toks.ends.tolist()
    assert all(0 <= a < b <= len(text) for a, b in zip(s, e, strict=True))
    assert s == sorted(s) and e == sorted(e)
    for i, word in enumerate(toks.words):
        inside = words(text[s[i] : e[i]], cfg)
        assert word in inside
        shared = (i > 0 and e[i - 1] > s[i]) or (i + 1 < len(s) and s[i + 1] < e[i])
        if not shared:
            assert inside == [word]


@SETTINGS
@given(texts)
def test_default_token_span_normalizes_to_the_token(text):
    toks = tokenize(text)
    s, e = toks.starts.tolist(), toks.ends.tolist()
    for i, word in enumerate(toks.words):
        shared = (i > 0 and e[i - 1] > s[i]) or (i + 1 < len(s) and s[i + 1] < e[i])
        if not shared:
            assert normalize_text(text[s[i] : e[i]]) == word


@SETTINGS
@given(texts, configs)
def test_clitics_change_words_not_spans(text, cfg):
    plain, stripped = tokenize(text, cfg), tokenize(text, cfg, clitics=True)
    assert stripped.words == [strip_clitics(w) for w in plain.words] == words(text, cfg, clitics=True)
    assert plain.starts.tolist() == stripped.starts.tolist()
    assert plain.ends.tolist() == stripped.ends.tolist()


NON_CLITIC_START = "تثجحخدذرزسشصضطظعغقمنهي"


@SETTINGS
@given(
    st.text(st.sampled_from(NON_CLITIC_START), min_size=1, max_size=1),
    st.text(st.sampled_from(ARABIC_LETTERS), min_size=2, max_size=8),
    st.sampled_from(["و", "ف", "ب", "ك", "ل", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "وبال"]),
)
def test_clitic_prefix_does_not_change_the_stem(first, rest, prefix):
    stem = first + rest
    assert strip_clitics(prefix + stem) == strip_clitics(stem) == stem


@SETTINGS
@given(st.text(st.sampled_from(ARABIC_LETTERS), min_size=3, max_size=8), st.sampled_from("وفبك"))
def test_clitic_stripping_is_consistent_for_any_word(word, prefix):
    assert strip_clitics(prefix + word) == strip_clitics(word)


@settings(max_examples=40, deadline=None)
@given(texts, st.builds(NormalizeConfig, **{step: st.booleans() for step in STEPS}))
def test_any_combination_of_steps_is_idempotent_with_exact_offsets(text, cfg):
    n = normalize(text, cfg)
    assert normalize_text(n.text, cfg) == n.text == normalize_text(text, cfg)
    assert len(n.offsets) == len(n.text) and (np.diff(n.offsets) >= 0).all()
    assert tokenize(text, cfg).words == words(text, cfg)
