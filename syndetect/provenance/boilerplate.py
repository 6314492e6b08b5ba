"""Per-outlet boilerplate: passages an outlet repeats across many of its documents.

Bylines, datelines, "اقرأ أيضاً", share prompts, copyright lines and navigation recur in an outlet's
pages and would link everything to everything (passim's ``series`` and ``pboiler`` idea). Each text is
cut into segments (lines, and sentences inside long lines); a segment's key is its normalized text with
digits masked (so ``// انتهى // 20:26 ت م`` and a dateline with another date are one segment). A key
found in at least ``min_docs`` documents of one outlet and in at least ``min_share`` of them is that
outlet's boilerplate. A verified pair whose span is mostly boilerplate of its document is dropped from
clusters and reports.

Corpus-wide **stock phrases** are the same idea across outlets: word n-grams found in many documents
(titles and formulas such as ``نائب خادم الحرمين الشريفين صاحب السمو الملكي ...``). A verified pair made
of them links stories that only share a formula; it is kept out of clusters too.

Example:
    >>> from syndetect.records import Document
    >>> footer = "جميع الحقوق محفوظة لصحيفة المثال 2015"
    >>> leads = ["ارتفعت أسعار الذهب اليوم.", "افتتح معرض الكتاب أمس.", "فاز الفريق بالكأس.", "هطلت أمطار غزيرة."]
    >>> docs = [Document(f"p{k}", f"{lead}\\n{footer}", "mithal") for k, lead in enumerate(leads)]
    >>> bp = find_boilerplate(docs)
    >>> [(d, docs[0].text[s:e]) for d, s, e in bp.spans_of("p0")]
    [('p0', 'جميع الحقوق محفوظة لصحيفة المثال 2015')]
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from syndetect.config import BoilerplateConfig
from syndetect.records import Document, Match
from syndetect.text.normalize import normalize, normalize_text

_SEGMENT = re.compile(r"[^\n.!?؟…]+[.!?؟…]*")
_DIGITS = re.compile(r"\d+")


def segments(text: str) -> list[tuple[int, int]]:
    """Lines and sentences of a text as ``(start, end)`` spans, trimmed of surrounding spaces.

    >>> t = "سطر أول. جملة ثانية\\nسطر ثالث"
    >>> [t[s:e] for s, e in segments(t)]
    ['سطر أول.', 'جملة ثانية', 'سطر ثالث']
    """
    out = []
    for m in _SEGMENT.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def segment_key(text: str) -> str:
    """A segment's key: normalized, digits masked.

    >>> segment_key("// انتهى //  20:26 ت م") == segment_key("// انتهى // 19:53 ت م")
    True
    """
    return _DIGITS.sub("0", normalize_text(text))


def _keyed_segments(text: str) -> list[tuple[int, int, str]]:
    """Every segment with its key, normalizing the text once (the same keys as :func:`segment_key`)."""
    spans = segments(text)
    if not spans:
        return []
    norm = normalize(text)
    offs = norm.offsets
    out = []
    for s, e in spans:
        lo, hi = int(np.searchsorted(offs, s)), int(np.searchsorted(offs, e))
        out.append((s, e, _DIGITS.sub("0", norm.text[lo:hi].strip())))
    return out


@dataclass
class Boilerplate:
    """The boilerplate found: spans per document, and per outlet the recurring segments."""

    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    by_outlet: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def spans_of(self, doc: str) -> list[tuple[str, int, int]]:
        """``(doc, start, end)`` of every boilerplate span of one document."""
        return [(doc, s, e) for s, e in self.spans.get(doc, [])]

    def share(self, doc: str, start: int, end: int) -> float:
        """The share of ``[start, end)`` of a document that is boilerplate."""
        if end <= start:
            return 0.0
        covered = sum(max(0, min(e, end) - max(s, start)) for s, e in self.spans.get(doc, []))
        return covered / (end - start)

    def to_json(self) -> dict[str, Any]:
        """Statistics: documents touched, characters, and each outlet's recurring segments."""
        return {
            "documents": len(self.spans),
            "characters": sum(e - s for spans in self.spans.values() for s, e in spans),
            "segments": sum(len(v) for v in self.by_outlet.values()),
            "by_outlet": self.by_outlet,
        }


def find_boilerplate(docs: Iterable[Document], cfg: BoilerplateConfig | None = None) -> Boilerplate:
    """The segments each outlet repeats across its documents, and where they are."""
    cfg = cfg or BoilerplateConfig()
    docs = sorted(docs, key=lambda d: d.id)
    per_outlet: dict[str, int] = Counter(d.outlet for d in docs)
    keyed: dict[str, list[tuple[str, int, int]]] = {}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    sample: dict[tuple[str, str], str] = {}
    for d in docs:
        if per_outlet[d.outlet] < cfg.min_docs:
            continue
        found = []
        for s, e, key in _keyed_segments(d.text):
            if len(key.split()) < cfg.min_tokens:
                continue
            found.append((key, s, e))
            seen[(d.outlet, key)].add(d.id)
            sample.setdefault((d.outlet, key), d.text[s:e])
        keyed[d.id] = found
    boiler: set[tuple[str, str]] = set()
    out = Boilerplate()
    for (outlet, key), ids in seen.items():
        need = max(cfg.min_docs, math.ceil(cfg.min_share * per_outlet[outlet]))
        if len(ids) >= need:
            boiler.add((outlet, key))
            out.by_outlet.setdefault(outlet, []).append(
                {"text": sample[(outlet, key)], "documents": len(ids)}
            )
    for outlet in out.by_outlet:
        out.by_outlet[outlet].sort(key=lambda r: (-r["documents"], r["text"]))
    for d in docs:
        spans = [(s, e) for key, s, e in keyed.get(d.id, []) if (d.outlet, key) in boiler]
        if spans:
            out.spans[d.id] = _merge(spans, d.text)
    out.by_outlet = dict(sorted(out.by_outlet.items()))
    return out


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join spans separated only by spaces and punctuation."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and not any(ch.isalnum() for ch in text[merged[-1][1] : s]):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def gram_document_frequency(grams: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, documents)``: every word n-gram hash of a corpus and how many documents hold it.

    Args:
        grams: each document's n-gram hashes (``Features.grams`` of the engine).
    """
    per_doc = [np.unique(g) for g in grams if len(g)]
    if not per_doc:
        empty = np.zeros(0, dtype=np.uint32)
        return empty, np.zeros(0, dtype=np.int64)
    values, counts = np.unique(np.concatenate(per_doc), return_counts=True)
    return values, counts


def specific_grams(grams: np.ndarray, df: tuple[np.ndarray, np.ndarray], min_docs: int) -> int:
    """How many of a passage's n-grams are rarer than ``min_docs`` documents (not stock)."""
    if len(grams) == 0:
        return 0
    values, counts = df
    pos = np.minimum(np.searchsorted(values, grams), len(values) - 1)
    stock = (values[pos] == grams) & (counts[pos] >= min_docs)
    return int((~stock).sum())


def drop_stock_pairs(
    matches: list[Match],
    docs: dict[str, Document],
    df: tuple[np.ndarray, np.ndarray],
    grams_of: Callable[[str], np.ndarray],
    cfg: BoilerplateConfig | None = None,
) -> tuple[list[Match], list[Match]]:
    """``(kept, dropped)``: a pair whose shorter span is little but corpus-wide stock phrases is dropped.

    Args:
        matches: verified pairs.
        docs: documents by id.
        df: :func:`gram_document_frequency` of the corpus.
        grams_of: the n-gram hashes of a text, computed as the engine does.
    """
    cfg = cfg or BoilerplateConfig()
    if len(df[0]) == 0 or int(df[1].max()) < cfg.stock_min_docs:
        return list(matches), []
    kept, dropped = [], []
    for m in matches:
        p = m.a if m.a.length <= m.b.length else m.b
        specific = specific_grams(grams_of(docs[p.doc].text[p.start : p.end]), df, cfg.stock_min_docs)
        (dropped if specific < cfg.stock_min_specific else kept).append(m)
    return kept, dropped


def drop_boilerplate_pairs(
    matches: list[Match], boiler: Boilerplate, max_share: float = 0.5
) -> tuple[list[Match], list[Match]]:
    """``(kept, dropped)``: a pair is dropped when either span is mostly its document's boilerplate."""
    kept, dropped = [], []
    for m in matches:
        worst = max(boiler.share(m.a.doc, m.a.start, m.a.end), boiler.share(m.b.doc, m.b.start, m.b.end))
        (dropped if worst > max_share else kept).append(m)
    return kept, dropped
