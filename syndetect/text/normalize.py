"""Arabic normalization with an exact map back to the original text.

Each fold is a named step whose characters are data (the shape of camel_tools' ``normalize``), switched
by :class:`~syndetect.config.NormalizeConfig`. The enabled steps are composed once per configuration into
one ``str.translate`` table, so a text is normalized in one pass; the offset map comes from the same table
with numpy. Steps, in order (each works on the previous step's output):

- ``nfkc``: per-character NFKC of every code point whose NFKC differs (Arabic presentation forms A and B:
  ``ﻻ`` -> ``لا``, ``ﷺ`` -> ``صلى الله عليه وسلم``; ligatures, full-width, super- and subscript forms).
  No composition across characters: a combining hamza or madda after a letter is removed by
  ``diacritics``, which gives what the precomposed letter gives under ``alef`` and ``hamza``.
- ``invisible``: format characters (category Cf: zero-width, bidi controls, BOM, U+061C, soft hyphen) and
  U+034F are deleted.
- ``diacritics``: harakat, shadda, sukun (U+064B-U+065F), superscript alef U+0670, U+0610-U+061A,
  Quranic marks U+06D6-U+06ED and Arabic Extended-A marks are deleted.
- ``tatweel``: U+0640 is deleted.
- ``persian``: Persian and Urdu letter forms to the Arabic letter (``PERSIAN_MAP``): keheh ``ک`` and swash
  kaf -> ``ك``, Farsi yeh ``ی`` and Urdu yeh barree ``ے`` -> ``ي``, ae ``ە``, ``ۀ``, Urdu heh goal ``ہ`` and
  heh doachashmee ``ھ`` -> ``ه``, Urdu teh marbuta goal ``ۃ`` -> ``ة`` (then folded by ``teh_marbuta``).
- ``alef``: ``أ إ آ ٱ ٲ ٳ`` -> ``ا``.  ``alef_maqsura``: ``ى`` and Farsi yeh ``ی`` -> ``ي``.
- ``teh_marbuta``: ``ة`` -> ``ه``.
- ``hamza``: ``ؤ`` -> ``و``, ``ئ`` -> ``ي`` (the seat letter: what the decomposed spelling gives with its
  hamza mark deleted, and what writers who drop the hamza type). Bare ``ء`` stays.
- ``digits``: ``٠-٩`` and ``۰-۹`` -> ``0-9``; the Arabic decimal and thousands separators -> ``.`` ``,``.
- ``punctuation``: every punctuation and symbol character (categories P and S: ``، ؛ ؟ ٪ « » ۔``, Latin
  punctuation, emoji) -> a space.
- ``latin_case``: ``str.casefold`` (Latin and every other cased script).

Always, whatever the configuration: whitespace and control characters become a space, runs of spaces
collapse to one and the ends are stripped; a kept space maps to the first character of its run.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np

from syndetect.config import NormalizeConfig

UNICODE_VERSION = unicodedata.unidata_version  # character tables depend on it: record it with results
STEPS = (  # the order in which they apply
    *(
        "nfkc",
        "invisible",
        "diacritics",
        "tatweel",
        "persian",
        "alef",
        "alef_maqsura",
        "teh_marbuta",
        "hamza",
    ),
    *("digits", "punctuation", "latin_case"),
)

# The character maps, as data.
TATWEEL = "\u0640"
DIACRITIC_RANGES = (
    (0x0610, 0x061A),  # honorific and Quranic signs above
    (0x064B, 0x065F),  # tanwin, harakat, shadda, sukun, maddah, hamza above and below, ...
    (0x0670, 0x0670),  # superscript alef
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x0898, 0x089F),
    (0x08CA, 0x08E1),
    (0x08E3, 0x08FF),  # Arabic Extended-A marks
)
INVISIBLE_EXTRA = ("\u034f",)  # combining grapheme joiner (Mn); every Cf character is deleted too
# Persian and Urdu forms of Arabic letters: the same word typed on a Persian or Urdu keyboard.
PERSIAN_MAP = {
    "\u06a9": "\u0643",  # ک keheh -> ك kaf
    "\u06aa": "\u0643",  # ڪ swash kaf -> ك
    "\u06cc": "\u064a",  # ی Farsi yeh -> ي yeh
    "\u06d2": "\u064a",  # ے yeh barree (Urdu) -> ي
    "\u06d3": "\u064a",  # ۓ yeh barree with hamza -> ي
    "\u06d5": "\u0647",  # ە ae -> ه heh
    "\u06c0": "\u0647",  # ۀ heh with yeh above (Persian ezafe) -> ه
    "\u06c1": "\u0647",  # ہ heh goal (Urdu) -> ه
    "\u06c2": "\u0647",  # ۂ heh goal with hamza -> ه
    "\u06be": "\u0647",  # ھ heh doachashmee (Urdu) -> ه
    "\u06c3": "\u0629",  # ۃ teh marbuta goal (Urdu) -> ة
}
ALEF_MAP = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "\u0672": "ا", "\u0673": "ا"}
ALEF_MAQSURA_MAP = {"ى": "ي", "ی": "ي"}
TEH_MARBUTA_MAP = {"ة": "ه"}
HAMZA_MAP = {"ؤ": "و", "ئ": "ي"}
DIGIT_MAP = {
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    "\u066b": ".",
    "\u066c": ",",
}
_PLANES = (range(0x0, 0x40000), range(0xE0000, 0xF0000))  # every assigned code point but private use
_NCODES = 0x110000


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and, for each of its characters, the original index that produced it."""

    text: str
    offsets: np.ndarray  # int64, len(text), non-decreasing


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalized tokens with their spans in the original text (``original[starts[i]:ends[i]]``)."""

    words: list[str]
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32, exclusive; trailing diacritics and tatweel of the word included


@functools.cache
def _unicode() -> dict[str, object]:
    """Character classes from ``unicodedata``, built once (about 0.3 s)."""
    nfkc: dict[int, str] = {}
    casefold: dict[int, str] = {}
    cf: list[int] = []
    punct: list[int] = []
    space: list[int] = []
    token = np.zeros(_NCODES, dtype=bool)
    for plane in _PLANES:
        for cp in plane:
            ch = chr(cp)
            cat = unicodedata.category(ch)
            major = cat[0]
            if major in "LMN":
                token[cp] = True
            elif major in "PS":
                punct.append(cp)
            elif cat == "Cf":
                cf.append(cp)
            if ch.isspace() or cat == "Cc":
                space.append(cp)
            if unicodedata.decomposition(ch) and (k := unicodedata.normalize("NFKC", ch)) != ch:
                nfkc[cp] = k
            if (f := ch.casefold()) != ch:
                casefold[cp] = f
    return {"nfkc": nfkc, "casefold": casefold, "cf": cf, "punct": punct, "space": space, "token": token}


def _ranges(pairs: tuple[tuple[int, int], ...]) -> list[int]:
    return [cp for lo, hi in pairs for cp in range(lo, hi + 1)]


@functools.cache
def _step_map(step: str) -> dict[int, str]:
    """The character map of one step: code point -> replacement ("" deletes)."""
    u = _unicode()
    if step == "nfkc":
        return dict(u["nfkc"])
    if step == "invisible":
        return {cp: "" for cp in [*u["cf"], *map(ord, INVISIBLE_EXTRA)]}
    if step == "diacritics":
        return {cp: "" for cp in _ranges(DIACRITIC_RANGES)}
    if step == "tatweel":
        return {ord(TATWEEL): ""}
    if step == "punctuation":
        return {cp: " " for cp in u["punct"]}
    if step == "latin_case":
        return dict(u["casefold"])
    data = {
        "persian": PERSIAN_MAP,
        "alef": ALEF_MAP,
        "alef_maqsura": ALEF_MAQSURA_MAP,
        "teh_marbuta": TEH_MARBUTA_MAP,
        "hamza": HAMZA_MAP,
        "digits": DIGIT_MAP,
    }[step]
    return {ord(k): v for k, v in data.items()}


@dataclass(frozen=True, slots=True)
class _Plan:
    table: dict[int, str]  # the composed translate table (identities left out)
    map16: np.ndarray  # uint32 per BMP code point: its output when that is one character
    len16: np.ndarray  # uint8 per BMP code point: length of its output (0 deleted, 1, or more)
    attach16: np.ndarray  # bool per BMP code point: a deleted mark or tatweel (part of the word before it)
    attach_astral: frozenset[int]


_SEP = "\ue000"  # a private-use character that no step touches: separates the entries while composing


@functools.lru_cache(maxsize=16)
def _plan(flags: tuple[bool, ...]) -> _Plan:
    """Compose the enabled steps (and the whitespace rule) into one table, closed under itself."""
    maps = [_step_map(step) for step, on in zip(STEPS, flags, strict=True) if on]
    maps.append({cp: " " for cp in _unicode()["space"]})
    domain = sorted(set().union(*maps))
    joined = _SEP.join(map(chr, domain))
    for m in maps:  # every step over every character of the domain at once
        joined = joined.translate(m)
    table = dict(zip(domain, joined.split(_SEP), strict=True))
    for _ in range(8):  # until every output character maps to itself: idempotence
        again = joined.translate(table)
        if again == joined:
            break
        joined = again
        table = dict(zip(domain, joined.split(_SEP), strict=True))
    table = {cp: out for cp, out in table.items() if out != chr(cp)}
    keys = np.fromiter(table, dtype=np.intp, count=len(table))
    lens = np.fromiter(map(len, table.values()), dtype=np.uint8, count=len(table))
    deleted = {cp for cp, out in table.items() if not out}
    attached = {cp for cp in deleted if unicodedata.category(chr(cp))[0] == "M" or chr(cp) == TATWEEL}
    bmp = keys < 0x10000
    map16 = np.arange(0x10000, dtype=np.uint32)
    len16 = np.ones(0x10000, dtype=np.uint8)
    attach16 = np.zeros(0x10000, dtype=bool)
    len16[keys[bmp]] = lens[bmp]
    single = keys[bmp & (lens == 1)]
    map16[single] = [ord(table[cp]) for cp in single.tolist()]
    attach16[[cp for cp in attached if cp < 0x10000]] = True
    return _Plan(table, map16, len16, attach16, frozenset(cp for cp in attached if cp >= 0x10000))


def _plan_for(cfg: NormalizeConfig | None) -> _Plan:
    """The plan of a configuration (configurations are frozen: the last one is remembered by identity)."""
    global _LAST
    last = _LAST
    if last[0] is cfg:
        return last[1]
    key = cfg if cfg is not None else _DEFAULT
    plan = _plan(tuple(bool(getattr(key, step)) for step in STEPS))
    _LAST = (cfg, plan)
    return plan


_LAST: tuple[object, _Plan] | tuple[object, None] = (object(), None)
_DEFAULT = NormalizeConfig()


def _step(step: str, text: str) -> str:
    return text.translate(_step_map(step))


def fold_nfkc(text: str) -> str:
    """Compatibility forms to their plain letters, per character: ``fold_nfkc("ﻻ") == "لا"``."""
    return _step("nfkc", text)


def remove_invisible(text: str) -> str:
    """Delete zero-width, bidi and other format characters: ``remove_invisible("a\\u200fb") == "ab"``."""
    return _step("invisible", text)


def remove_diacritics(text: str) -> str:
    """Delete Arabic harakat, shadda, sukun, superscript alef and Quranic marks.

    >>> remove_diacritics("كَتَبَ")
    'كتب'
    """
    return _step("diacritics", text)


def remove_tatweel(text: str) -> str:
    """Delete tatweel (kashida): ``remove_tatweel("كـــتاب") == "كتاب"``."""
    return _step("tatweel", text)


def fold_persian(text: str) -> str:
    """Persian and Urdu letter forms to the Arabic ones: ``fold_persian("کتاب") == "كتاب"``.

    >>> fold_persian("یک") == "يك"
    True
    """
    return _step("persian", text)


def normalize_alef(text: str) -> str:
    """Alef with hamza, madda or wasla to bare alef: ``normalize_alef("أحمد") == "احمد"``."""
    return _step("alef", text)


def normalize_alef_maqsura(text: str) -> str:
    """Alef maqsura (and Farsi yeh) to yeh: ``normalize_alef_maqsura("على") == "علي"``."""
    return _step("alef_maqsura", text)


def normalize_teh_marbuta(text: str) -> str:
    """Teh marbuta to heh: ``normalize_teh_marbuta("مدرسة") == "مدرسه"``."""
    return _step("teh_marbuta", text)


def normalize_hamza(text: str) -> str:
    """Hamza on waw or yeh to its seat letter: ``normalize_hamza("مسؤول") == "مسوول"``."""
    return _step("hamza", text)


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII: ``normalize_digits("٣٤") == "34"``."""
    return _step("digits", text)


def punctuation_to_space(text: str) -> str:
    """Punctuation and symbols (Arabic ones included) to spaces: ``"،"`` -> ``" "``."""
    return _step("punctuation", text)


def fold_latin_case(text: str) -> str:
    """Case-fold: ``fold_latin_case("CNN") == "cnn"``."""
    return _step("latin_case", text)


_FUNCTIONS = (fold_nfkc, remove_invisible, remove_diacritics, remove_tatweel, fold_persian, normalize_alef)
_FUNCTIONS += (normalize_alef_maqsura, normalize_teh_marbuta, normalize_hamza, normalize_digits)
_FUNCTIONS += (punctuation_to_space, fold_latin_case)
STEP_FUNCTIONS = dict(zip(STEPS, _FUNCTIONS, strict=True))  # step name -> the function applying it alone


def _codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` (uint32; lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _decode(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def _lengths(cps: np.ndarray, plan: _Plan) -> tuple[np.ndarray, np.ndarray]:
    """Output length and attached flag of each code point (astral ones looked up one by one)."""
    bmp = cps < 0x10000
    if bmp.all():
        return plan.len16[cps], plan.attach16[cps]
    lens = np.ones(len(cps), dtype=np.uint8)
    attach = np.zeros(len(cps), dtype=bool)
    lens[bmp] = plan.len16[cps[bmp]]
    attach[bmp] = plan.attach16[cps[bmp]]
    for i in (~bmp).nonzero()[0].tolist():
        cp = int(cps[i])
        lens[i] = len(plan.table.get(cp, "x"))
        attach[i] = cp in plan.attach_astral
    return lens, attach


def _attached(cps: np.ndarray, plan: _Plan) -> np.ndarray:
    """Whether each code point is a deleted mark or tatweel (it belongs to the word before it)."""
    if not len(cps) or cps.max() < 0x10000:
        return plan.attach16[cps]
    return _lengths(cps, plan)[1]


def _translate(
    cps: np.ndarray, text: str, plan: _Plan, offsets: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Apply the table to ``text`` (code points ``cps``, intp): the output's code points and origins.

    BMP text without expanding characters (nearly all news) is mapped with numpy lookups; anything
    else goes through ``str.translate`` with offsets from the output lengths. With ``offsets=False``
    the origins are left empty.
    """
    n = len(cps)
    none = np.zeros(0, dtype=np.intp)
    if n and cps.max() < 0x10000:
        lens = plan.len16[cps]
        if lens.max() <= 1:
            if lens.all():
                return plan.map16[cps], np.arange(n) if offsets else none
            keep = lens.view(bool)
            return plan.map16[cps[keep]], keep.nonzero()[0] if offsets else none
    else:
        lens = _lengths(cps, plan)[0]
    codes = _codepoints(text.translate(plan.table))
    return codes, np.repeat(np.arange(n), lens) if offsets else none


def _collapse(codes: np.ndarray) -> np.ndarray | None:
    """Which characters survive collapsing space runs and stripping the ends (None: all of them)."""
    sp = codes == 32
    if not len(sp) or not (sp[0] or sp[-1] or (sp[1:] & sp[:-1]).any()):
        return None
    keep = ~sp
    keep[1:] |= keep[:-1]  # the first space after a non-space survives
    if sp[-1]:  # ... unless it starts the trailing run
        keep[len(sp) - int(np.argmin(sp[::-1])) if not sp.all() else 0 :] = False
    return keep


def _normalize(text: str, plan: _Plan, offsets: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of the normalized text, their original indices, and the original's code points."""
    cps = _codepoints(text).astype(np.intp)
    codes, origins = _translate(cps, text, plan, offsets)
    keep = _collapse(codes)
    if keep is not None:
        codes = codes[keep]
        if offsets:
            origins = origins[keep]
    return codes, origins, cps


def normalize_text(text: str, cfg: NormalizeConfig | None = None) -> str:
    """The normalized text, without offsets (the fast path; same text as :func:`normalize`).

    >>> normalize_text("قالَ الرئيسُ: «إنّ الحلَّ سياسيّ»، في ٢٠١٥")
    'قال الرييس ان الحل سياسي في 2015'
    """
    return _decode(_normalize(text, _plan_for(cfg), offsets=False)[0])


def normalize(text: str, cfg: NormalizeConfig | None = None) -> Normalized:
    """Normalize ``text`` and map every normalized character back to the original one that produced it.

    Args:
        text: any string.
        cfg: which steps run (all by default).

    Returns:
        ``Normalized(text, offsets)``: ``offsets[i]`` is the index in ``text`` of normalized char ``i``.

    >>> n = normalize("ﻻ تَـــرَ")
    >>> n.text, n.offsets.tolist()
    ('لا تر', [0, 0, 1, 2, 7])
    """
    codes, offsets, _ = _normalize(text, _plan_for(cfg))
    return Normalized(_decode(codes), offsets)


def _split(codes: np.ndarray, spans: bool = True) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The tokens of a normalized text (runs of letters, marks, digits) and their start and end indices."""
    out = _decode(codes)
    tok = _unicode()["token"][codes.astype(np.intp)]
    sp = codes == 32
    if (tok | sp).all():  # single spaces between tokens: split is exact
        if not out or not spans:
            return (out.split(" ") if out else []), np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        gaps = sp.nonzero()[0]
        bounds = np.empty(len(gaps) + 2, dtype=np.intp)
        bounds[0], bounds[1:-1], bounds[-1] = -1, gaps, len(out)
        return out.split(" "), bounds[:-1] + 1, bounds[1:]
    padded = np.zeros(len(tok) + 2, dtype=bool)
    padded[1:-1] = tok
    edges = (padded[1:] != padded[:-1]).nonzero()[0]
    s_n, e_n = edges[0::2], edges[1::2]
    return [out[s:e] for s, e in zip(s_n.tolist(), e_n.tolist(), strict=True)], s_n, e_n


def tokenize(text: str, cfg: NormalizeConfig | None = None, clitics: bool = False) -> Tokens:
    """Normalized tokens (runs of letters, marks and digits) with their spans in ``text``.

    Args:
        text: any string.
        cfg: normalization steps.
        clitics: strip و ف ب ل ك ال prefixes from each word (the spans still cover the whole word).

    Returns:
        ``Tokens``: ``text[starts[i]:ends[i]]`` is token ``i`` as published, its diacritics and tatweel
        included. The tokens of one character that expands into several (``ﷺ``) share its span.

    >>> t = tokenize("وقالَ، الرئيسُ")
    >>> t.words, t.starts.tolist(), t.ends.tolist()
    (['وقال', 'الرييس'], [0, 7], [5, 14])
    """
    plan = _plan_for(cfg)
    codes, offsets, cps = _normalize(text, plan)
    found, s_n, e_n = _split(codes)
    starts = offsets[s_n]
    ends = offsets[e_n - 1] + 1
    attach = _attached(cps, plan)
    if attach.any():  # extend each end over the deleted marks and tatweel right after it
        hit = np.take(attach, ends, mode="clip")  # an end at len(text) follows a kept character
        if hit.any():
            run_ends = (attach[:-1] & ~attach[1:]).nonzero()[0] + 1
            if attach[-1]:
                run_ends = np.concatenate((run_ends, [len(attach)]))
            ends[hit] = run_ends[np.searchsorted(run_ends, ends[hit], side="right")]
    if clitics:
        found = [strip_clitics(w) for w in found]
    return Tokens(found, starts.astype(np.int32), ends.astype(np.int32))


def words(text: str, cfg: NormalizeConfig | None = None, clitics: bool = False) -> list[str]:
    """The normalized tokens only (the fast path; same as ``tokenize(...).words``).

    >>> words("والعملياتُ العسكرية، بالطائرة!", clitics=True)
    ['عمليات', 'عسكريه', 'طايره']
    """
    found = _split(_normalize(text, _plan_for(cfg), offsets=False)[0], spans=False)[0]
    return [strip_clitics(w) for w in found] if clitics else found


_ARTICLE = ("ال", "لل")  # the article, and the preposition li- fused with it
_PROCLITICS = frozenset("وفبكل")


def strip_clitics(token: str) -> str:
    """Strip proclitics و ف ب ك ل and the article ال (لل) from a normalized token.

    Prefixes are stripped one after another (و + ب + ال, ...) as long as at least 3 letters remain after
    a one-letter prefix and 2 after the article, so ``strip_clitics(p + w) == strip_clitics(w)`` for any
    clitic ``p`` and long enough ``w``: variants of one word agree. Light and lexicon-free: a word that
    starts with one of these letters loses it (``وزير`` -> ``زير``), consistently in every document.
    ``الله`` keeps its article.

    >>> [strip_clitics(w) for w in ["والعمليات", "العمليات", "عمليات", "بالطايره", "للشعب", "الحج"]]
    ['عمليات', 'عمليات', 'عمليات', 'طايره', 'شعب', 'حج']
    """
    i, n = 0, len(token)
    while True:
        if token.startswith(_ARTICLE, i) and n - i - 2 >= 2 and not token.startswith("له", i + 2):
            i += 2
        elif n - i - 1 >= 3 and token[i] in _PROCLITICS:
            i += 1
        else:
            return token[i:]
