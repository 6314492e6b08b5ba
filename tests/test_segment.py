"""syndetect.text.sentences: paragraph and sentence spans in original offsets, never on whitespace."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndetect.text.sentences import paragraphs, sentences


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


PARAGRAPH_CASES = [
    ("سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"], "newline"),
    ("  فقرة  \r\n\r\n  أخرى \n", ["فقرة", "أخرى"], "crlf_and_blank_lines_stripped"),
    ("\u200fفقرة\u200f\n\u200f\n", ["فقرة"], "bidi_marks_stripped_and_blank"),
    ("فقرة\u2029أخرى", ["فقرة", "أخرى"], "paragraph_separator"),
    ("", [], "empty"),
    (" \n\t\n ", [], "only_whitespace"),
]


@pytest.mark.parametrize(
    "text, expected", [c[:2] for c in PARAGRAPH_CASES], ids=[c[2] for c in PARAGRAPH_CASES]
)
def test_paragraphs(text, expected):
    assert _texts(text, paragraphs(text)) == expected


def test_paragraphs_at_blank_lines():
    text = "العنوان\n\nسطر أول\nسطر ثان\n \t\nالأخيرة"
    assert _texts(text, paragraphs(text, blank_lines=True)) == ["العنوان", "سطر أول\nسطر ثان", "الأخيرة"]


SENTENCE_CASES = [
    ("قال الوزير. وأضاف المتحدث", ["قال الوزير.", "وأضاف المتحدث"], "latin_full_stop"),
    ("هل نجحنا؟ نعم!", ["هل نجحنا؟", "نعم!"], "arabic_question_and_exclamation"),
    ("أولا؛ ثانيا", ["أولا؛", "ثانيا"], "arabic_semicolon"),
    ("جملة۔ أخرى", ["جملة۔", "أخرى"], "urdu_full_stop"),
    ("بلغ النمو 3.5 في المئة. ثم", ["بلغ النمو 3.5 في المئة.", "ثم"], "decimal_not_split"),
    ("بلغ ٣.٥ بالمئة", ["بلغ ٣.٥ بالمئة"], "arabic_indic_decimal_not_split"),
    ("الموقع spa.gov.sa الرسمي", ["الموقع spa.gov.sa الرسمي"], "domain_not_split"),
    ("قال د. أحمد إن", ["قال د. أحمد إن"], "one_letter_abbreviation"),
    ("قال: «انتهى.» ثم غادر", ["قال: «انتهى.»", "ثم غادر"], "closing_quote_kept"),
    ("ماذا؟! لا...", ["ماذا؟!", "لا..."], "terminator_runs"),
    ("عنوان\nنص الخبر", ["عنوان", "نص الخبر"], "newline"),
    ("  \n...\n", [], "no_letters"),
    ("", [], "empty"),
]


@pytest.mark.parametrize(
    "text, expected", [c[:2] for c in SENTENCE_CASES], ids=[c[2] for c in SENTENCE_CASES]
)
def test_sentences(text, expected):
    assert _texts(text, sentences(text)) == expected


text_strategy = st.text(st.sampled_from('ابت ثج 3.5٣٫.؟?!؛۔…«»"\n\r \u200f\u00a0د'), max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.one_of(text_strategy, st.text(max_size=80)))
def test_spans_are_ordered_disjoint_and_trimmed(text):
    for spans in (paragraphs(text), paragraphs(text, blank_lines=True), sentences(text)):
        previous_end = 0
        for start, end in spans:
            assert previous_end <= start < end <= len(text)
            assert not text[start].isspace() and not text[end - 1].isspace()
            previous_end = end


@settings(max_examples=300, deadline=None)
@given(text_strategy)
def test_sentences_stay_inside_paragraphs(text):
    paras = paragraphs(text)
    for start, end in sentences(text):
        assert any(ps <= start and end <= pe for ps, pe in paras)
