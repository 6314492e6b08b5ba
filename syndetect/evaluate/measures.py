"""Scoring against gold: PAN measures (plagdet), character-level pair measures, ARI of clusters.

Three modes, chosen by :func:`evaluate` from the gold it is given:

- **PAN** (gold is a directory of PAN XML annotation files, e.g. ExAra / AraPlagDet 2015): the measures of
  Potthast et al. 2010, "An Evaluation Framework for Plagiarism Detection", as computed by PAN's official
  ``perfmeasures.py``. A case and a detection are each a pair of character ranges, one in a suspicious
  document and one in a source document. A detection *detects* a case when both name the same suspicious
  and source documents and their ranges overlap on BOTH sides.

  - macro recall: the mean over cases of ``(|s ∩ U_s| + |r ∩ U_r|) / (|s| + |r|)``, where ``s``/``r`` are
    the case's suspicious/source ranges and ``U_s``/``U_r`` the unions of the ranges of the detections
    that detect it;
  - macro precision: the same with the roles of cases and detections swapped (mean over detections);
  - granularity: the mean number of detecting detections over the cases detected at least once (1 when
    nothing is detected);
  - plagdet: ``F1(precision, recall) / log2(1 + granularity)``;
  - micro precision/recall (an extra, also from ``perfmeasures.py``): detections are clipped to the cases
    they detect; characters are counted once per document (overlaps counted once, the suspicious and the
    source side added), recall = clipped chars / case chars, precision = clipped chars / detected chars.

  With no cases and no detections, precision and recall are 1; with either missing, 0.

- **pairs** (gold is a ``pairs.jsonl``): pairs are unordered, so each is oriented with the smaller document
  id (then the smaller span) first. Per unordered document pair, the characters each side covers are a
  union of spans; precision = chars covered by both pred and gold / chars covered by pred, summed over
  both sides of every document pair; recall likewise over gold. This counts characters per side and does
  not check that the two sides of a pred pair are aligned with the same gold pair; the PAN measures over
  the same pairs (the first document of each pair playing "suspicious") do, and are reported next to it
  with a ``pan_`` prefix.

- **clusters** (gold is a ``clusters.jsonl``): the adjusted Rand index (``sklearn``) over passages. Every
  gold member is an item labelled with its gold cluster. Each gold member is matched to the pred member of
  the same document with the largest character overlap, if that overlap is at least half the gold span
  (ties: earliest pred member); the item takes that pred member's cluster as its pred label, or a
  singleton label when nothing matches. Pred members that no gold member matched become extra items
  with a singleton gold label, so spurious and over-split predictions lower the index. The pair measures
  of the pairs the clusters imply (every two members of a cluster in different documents) are added.

Example:
    >>> case = Case("susp-1.txt", 0, 100, "src-1.txt", 50, 150)
    >>> halves = [Case("susp-1.txt", 0, 50, "src-1.txt", 50, 100), Case("susp-1.txt", 50, 100, "src-1.txt", 100, 150)]
    >>> m = pan_measures([case], halves)
    >>> m["precision"], m["recall"], m["granularity"], round(m["plagdet"], 4)
    (1.0, 1.0, 2.0, 0.6309)
"""

from __future__ import annotations

import gzip
import json
import math
import os
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndetect.io.errors import InputError
from syndetect.records import Passage

Span = tuple[int, int]
Pair = tuple[Passage, Passage]

__all__ = [
    "Case",
    "Pair",
    "adjusted_rand",
    "clusters_to_pairs",
    "doc_key",
    "evaluate",
    "gold_kind",
    "load_clusters_jsonl",
    "load_pairs_jsonl",
    "load_pan_detections",
    "load_pan_gold",
    "normalize_pair",
    "pair_measures",
    "pairs_to_pan",
    "pan_measures",
    "plagdet",
]


@dataclass(frozen=True, slots=True)
class Case:
    """A reuse case (or a detection): a range of a suspicious document and a range of a source document.

    Ranges are ``[start, end)`` in characters. ``obfuscation`` and ``type`` are PAN's labels (``None`` for
    detections).
    """

    suspicious: str
    susp_start: int
    susp_end: int
    source: str
    src_start: int
    src_end: int
    obfuscation: str | None = None
    type: str | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.susp_start <= self.susp_end and 0 <= self.src_start <= self.src_end):
            raise ValueError(
                f"bad case {self.suspicious}[{self.susp_start}:{self.susp_end}] -> "
                f"{self.source}[{self.src_start}:{self.src_end}]: need 0 <= start <= end on both sides"
            )

    @property
    def length(self) -> int:
        """Characters on both sides."""
        return (self.susp_end - self.susp_start) + (self.src_end - self.src_start)


# ---------------------------------------------------------------------------------------------------------
# Intervals


def _merge(spans: Iterable[Span]) -> list[Span]:
    """The union of ``[start, end)`` spans as sorted disjoint spans (empty spans dropped)."""
    out: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _total(merged: Sequence[Span]) -> int:
    return sum(e - s for s, e in merged)


def _intersection(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Characters in both unions (each given merged)."""
    i = j = n = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            n += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return n


def _overlaps(s1: int, e1: int, s2: int, e2: int) -> bool:
    return s2 < e1 and e2 > s1


# ---------------------------------------------------------------------------------------------------------
# PAN measures


def doc_key(name: str) -> str:
    """The name documents are matched by in PAN mode: the base name without ``.txt``.

    >>> doc_key("suspicious/suspicious-document0001.txt")
    'suspicious-document0001'
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-4] if base.endswith(".txt") else base


Key = Callable[[str], str]


def _by_docs(annotations: Iterable[Case], key: Key) -> dict[tuple[str, str], list[Case]]:
    index: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for ann in annotations:
        index[(key(ann.suspicious), key(ann.source))].append(ann)
    return index


def _detects(a: Case, b: Case) -> bool:
    """Whether ``a`` and ``b`` overlap on both sides (documents already known to match)."""
    return _overlaps(a.susp_start, a.susp_end, b.susp_start, b.susp_end) and _overlaps(
        a.src_start, a.src_end, b.src_start, b.src_end
    )


def _partners(ann: Case, index: dict[tuple[str, str], list[Case]], key: Key) -> list[Case]:
    return [o for o in index.get((key(ann.suspicious), key(ann.source)), ()) if _detects(ann, o)]


def _covered(ann: Case, partners: Sequence[Case]) -> int:
    """Characters of ``ann`` (both sides) inside the union of its partners' ranges."""
    susp = _intersection(
        [(ann.susp_start, ann.susp_end)], _merge((p.susp_start, p.susp_end) for p in partners)
    )
    src = _intersection([(ann.src_start, ann.src_end)], _merge((p.src_start, p.src_end) for p in partners))
    return susp + src


def _macro_recall(cases: Sequence[Case], detections: Sequence[Case], key: Key) -> float:
    """PAN's macro-averaged recall (precision is this with the arguments swapped)."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    index = _by_docs(detections, key)
    total = 0.0
    for case in cases:
        if case.length:
            total += _covered(case, _partners(case, index, key)) / case.length
    return total / len(cases)


def _granularity(cases: Sequence[Case], detections: Sequence[Case], key: Key) -> tuple[float, int]:
    """(granularity, number of detected cases)."""
    if not detections:
        return 1.0, 0
    index = _by_docs(detections, key)
    counts = [len(_partners(case, index, key)) for case in cases]
    detected = sum(1 for n in counts if n > 0)
    return (sum(counts) / detected if detected else 1.0), detected


def _count_chars(annotations: Iterable[Case], key: Key) -> int:
    """Characters covered, overlaps counted once per document; suspicious and source sides added."""
    susp: dict[str, list[Span]] = defaultdict(list)
    src: dict[str, list[Span]] = defaultdict(list)
    for ann in annotations:
        susp[key(ann.suspicious)].append((ann.susp_start, ann.susp_end))
        src[key(ann.source)].append((ann.src_start, ann.src_end))
    return sum(_total(_merge(v)) for v in susp.values()) + sum(_total(_merge(v)) for v in src.values())


def _micro(cases: Sequence[Case], detections: Sequence[Case], key: Key) -> tuple[float, float]:
    """PAN's micro-averaged (recall, precision)."""
    if not cases and not detections:
        return 1.0, 1.0
    if not cases or not detections:
        return 0.0, 0.0
    index = _by_docs(cases, key)
    clipped = [
        Case(
            det.suspicious,
            max(det.susp_start, c.susp_start),
            min(det.susp_end, c.susp_end),
            det.source,
            max(det.src_start, c.src_start),
            min(det.src_end, c.src_end),
        )
        for det in detections
        for c in _partners(det, index, key)
    ]
    hit = _count_chars(clipped, key)
    gold, pred = _count_chars(cases, key), _count_chars(detections, key)
    return (hit / gold if gold else 0.0), (hit / pred if pred else 0.0)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def plagdet(precision: float, recall: float, granularity: float) -> float:
    """PAN's overall score: ``F1 / log2(1 + granularity)``.

    >>> round(plagdet(1.0, 1.0, 2.0), 4)
    0.6309
    """
    if precision <= 0 or recall <= 0 or granularity < 1:
        return 0.0
    return _f1(precision, recall) / math.log2(1 + granularity)


def pan_measures(
    cases: Sequence[Case], detections: Sequence[Case], *, match_basenames: bool = True
) -> dict[str, Any]:
    """PAN measures of ``detections`` against ``cases``, plus per-obfuscation recall.

    Args:
        match_basenames: documents match by :func:`doc_key` (base name without ``.txt``); when false, by
            their exact names.

    Returns:
        ``precision``, ``recall``, ``f1``, ``granularity``, ``plagdet`` (macro, as PAN reports them),
        ``micro_precision``, ``micro_recall``, ``micro_f1``, ``cases``, ``detections``, ``detected_cases``,
        and ``by_obfuscation``: for each obfuscation label present in ``cases``, the number of cases, the
        detected cases, recall and granularity on that subset (precision is only defined overall).
    """
    key: Key = doc_key if match_basenames else str
    recall = _macro_recall(cases, detections, key)
    precision = _macro_recall(detections, cases, key)
    granularity, detected = _granularity(cases, detections, key)
    micro_recall, micro_precision = _micro(cases, detections, key)
    out: dict[str, Any] = {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "granularity": granularity,
        "plagdet": plagdet(precision, recall, granularity),
        "micro_precision": micro_precision,
        "micro_recall": micro_recall,
        "micro_f1": _f1(micro_precision, micro_recall),
        "cases": len(cases),
        "detections": len(detections),
        "detected_cases": detected,
    }
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        if case.obfuscation is not None:
            groups[case.obfuscation].append(case)
    by_obf: dict[str, dict[str, Any]] = {}
    for label in sorted(groups):
        subset = groups[label]
        gran, det = _granularity(subset, detections, key)
        by_obf[label] = {
            "cases": len(subset),
            "detected_cases": det,
            "recall": _macro_recall(subset, detections, key),
            "granularity": gran,
        }
    out["by_obfuscation"] = by_obf
    return out


# ---------------------------------------------------------------------------------------------------------
# Pair measures


def normalize_pair(a: Passage, b: Passage) -> Pair:
    """The pair oriented with the smaller ``(doc, start, end)`` first: pairs are unordered.

    >>> normalize_pair(Passage("z", 0, 5), Passage("a", 3, 9))
    (Passage(doc='a', start=3, end=9), Passage(doc='z', start=0, end=5))
    """
    if (b.doc, b.start, b.end) < (a.doc, a.start, a.end):
        return b, a
    return a, b


def pair_measures(gold: Sequence[Pair], pred: Sequence[Pair]) -> dict[str, Any]:
    """Character-level precision, recall, F1 of ``pred`` pairs against ``gold`` pairs (both sides).

    Per unordered document pair, each side is the union of its spans; overlapping characters are summed
    over both sides of all document pairs. The PAN measures of the same pairs are added with a ``pan_``
    prefix (the first document of each normalized pair plays "suspicious").
    """
    gold = [normalize_pair(a, b) for a, b in gold]
    pred = [normalize_pair(a, b) for a, b in pred]

    def sides(pairs: Sequence[Pair]) -> dict[tuple[str, str], tuple[list[Span], list[Span]]]:
        out: dict[tuple[str, str], tuple[list[Span], list[Span]]] = defaultdict(lambda: ([], []))
        for a, b in pairs:
            left, right = out[(a.doc, b.doc)]
            left.append((a.start, a.end))
            right.append((b.start, b.end))
        return {k: (_merge(v[0]), _merge(v[1])) for k, v in out.items()}

    g, p = sides(gold), sides(pred)
    gold_chars = sum(_total(x) + _total(y) for x, y in g.values())
    pred_chars = sum(_total(x) + _total(y) for x, y in p.values())
    hit = sum(_intersection(px, g[k][0]) + _intersection(py, g[k][1]) for k, (px, py) in p.items() if k in g)
    if not gold_chars and not pred_chars:
        precision = recall = 1.0
    else:
        precision = hit / pred_chars if pred_chars else 0.0
        recall = hit / gold_chars if gold_chars else 0.0
    out: dict[str, Any] = {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "gold_pairs": len(gold),
        "pred_pairs": len(pred),
        "gold_chars": gold_chars,
        "pred_chars": pred_chars,
        "overlap_chars": hit,
    }
    pan = pan_measures(_pairs_as_cases(gold), _pairs_as_cases(pred), match_basenames=False)
    for key in ("precision", "recall", "f1", "granularity", "plagdet", "micro_precision", "micro_recall"):
        out[f"pan_{key}"] = pan[key]
    return out


def _pairs_as_cases(pairs: Sequence[Pair]) -> list[Case]:
    return [Case(a.doc, a.start, a.end, b.doc, b.start, b.end) for a, b in pairs]


# ---------------------------------------------------------------------------------------------------------
# Clusters


def adjusted_rand(gold: dict[str, Sequence[Passage]], pred: dict[str, Sequence[Passage]]) -> dict[str, Any]:
    """Adjusted Rand index of the pred clustering of passages against the gold one.

    Matching (see the module docstring): each gold member takes the cluster of the pred member of the same
    document that overlaps it most, if that covers at least half of the gold span; unmatched gold members
    and unmatched pred members get singleton labels on the side where they are missing.
    """
    from sklearn.metrics import adjusted_rand_score

    pred_by_doc: dict[str, list[tuple[int, str, Passage]]] = defaultdict(list)
    n = 0
    for label, members in pred.items():
        for m in members:
            pred_by_doc[m.doc].append((n, label, m))
            n += 1
    gold_labels: list[str] = []
    pred_labels: list[str] = []
    used: set[int] = set()
    matched = 0
    for label, members in gold.items():
        for g in members:
            best: tuple[int, int, str] | None = None  # (overlap, -index, pred label)
            for idx, plabel, m in pred_by_doc.get(g.doc, ()):
                ov = min(g.end, m.end) - max(g.start, m.start)
                if g.length == 0:
                    ok = m.start <= g.start <= m.end
                    ov = 0
                else:
                    ok = ov > 0 and 2 * ov >= g.length
                if ok and (best is None or (ov, -idx) > best[:2]):
                    best = (ov, -idx, plabel)
            gold_labels.append("g:" + label)
            if best is None:
                pred_labels.append(f"p-single:{len(pred_labels)}")
            else:
                matched += 1
                used.add(-best[1])
                pred_labels.append("p:" + best[2])
    extra = 0
    for members in pred_by_doc.values():
        for idx, plabel, _m in members:
            if idx not in used:
                gold_labels.append(f"g-single:{len(gold_labels)}")
                pred_labels.append("p:" + plabel)
                extra += 1
    if len(gold_labels) == 0:
        ari = 1.0
    else:
        ari = float(adjusted_rand_score(gold_labels, pred_labels))
    return {
        "ari": ari,
        "items": len(gold_labels),
        "gold_clusters": len(gold),
        "pred_clusters": len(pred),
        "gold_members": len(gold_labels) - extra,
        "pred_members": n,
        "matched_members": matched,
        "unmatched_pred_members": extra,
    }


def clusters_to_pairs(clusters: dict[str, Sequence[Passage]]) -> list[Pair]:
    """The pairs a clustering implies: every two members of one cluster in different documents."""
    out: list[Pair] = []
    for members in clusters.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a.doc != b.doc:
                    out.append(normalize_pair(a, b))
    return out


# ---------------------------------------------------------------------------------------------------------
# Loaders


def _missing(path: Path) -> None:
    if not path.exists():
        raise InputError(str(path), None, "no such file or directory")


def _read_pan_dir(directory: str | os.PathLike[str], names: tuple[str, ...]) -> tuple[list[str], list[Case]]:
    """(references of every annotated suspicious document, the features named in ``names``)."""
    root = Path(directory)
    _missing(root)
    if not root.is_dir():
        raise InputError(str(root), None, "expected a directory of PAN XML files")
    references: list[str] = []
    cases: list[Case] = []
    for xml in sorted(root.glob("*.xml")):
        try:
            doc = ET.parse(xml).getroot()
        except ET.ParseError as err:
            raise InputError(str(xml), err.position[0], f"bad XML: {err}") from None
        reference = doc.get("reference") or xml.stem + ".txt"
        references.append(reference)
        for feature in doc.iter("feature"):
            if feature.get("name") not in names:
                continue
            try:
                this_offset = int(feature.get("this_offset", ""))
                this_length = int(feature.get("this_length", ""))
                source_offset = int(feature.get("source_offset", ""))
                source_length = int(feature.get("source_length", ""))
                source = feature.attrib["source_reference"]
                cases.append(
                    Case(
                        reference,
                        this_offset,
                        this_offset + this_length,
                        source,
                        source_offset,
                        source_offset + source_length,
                        feature.get("obfuscation"),
                        feature.get("type"),
                    )
                )
            except (KeyError, ValueError) as err:
                raise InputError(str(xml), None, f"bad feature {feature.attrib}: {err}") from None
    if not references:
        raise InputError(str(root), None, "no .xml files in this directory")
    return references, cases


def load_pan_gold(directory: str | os.PathLike[str]) -> list[Case]:
    """The cases (``<feature name="plagiarism" ...>``) of a directory of PAN XML files, obfuscation kept."""
    return _read_pan_dir(directory, ("plagiarism",))[1]


def load_pan_detections(directory: str | os.PathLike[str]) -> list[Case]:
    """The detections of a directory of PAN XML files (``detected-plagiarism``, or ``plagiarism``)."""
    return _read_pan_dir(directory, ("detected-plagiarism", "plagiarism"))[1]


def _records(path: str | os.PathLike[str]) -> Iterable[tuple[int, dict[str, Any]]]:
    p = Path(path)
    _missing(p)
    if p.is_dir():
        raise InputError(str(p), None, "expected a JSONL file, got a directory")
    opener = gzip.open if p.name.endswith(".gz") else open
    with opener(p, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(str(p), n, f"bad JSON: {err.msg}") from None
            if not isinstance(rec, dict):
                raise InputError(str(p), n, "expected a JSON object")
            yield n, rec


def _passage(path: str | os.PathLike[str], n: int, obj: Any, what: str) -> Passage:
    if not isinstance(obj, dict):
        raise InputError(str(path), n, f'missing "{what}"')
    for key in ("doc", "start", "end"):
        if key not in obj:
            raise InputError(str(path), n, f'missing "{what}.{key}"')
    start, end = obj["start"], obj["end"]
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        raise InputError(str(path), n, f'"{what}.start" and "{what}.end" must be integers')
    try:
        return Passage(str(obj["doc"]), start, end)
    except ValueError as err:
        raise InputError(str(path), n, str(err)) from None


def load_pairs_jsonl(path: str | os.PathLike[str]) -> list[Pair]:
    """The pairs of a ``pairs.jsonl`` file (``{"a": {doc, start, end}, "b": {...}}``), each normalized."""
    return [
        normalize_pair(_passage(path, n, rec.get("a"), "a"), _passage(path, n, rec.get("b"), "b"))
        for n, rec in _records(path)
    ]


def load_clusters_jsonl(path: str | os.PathLike[str]) -> dict[str, list[Passage]]:
    """The clusters of a ``clusters.jsonl`` file: cluster id -> member passages, in file order."""
    out: dict[str, list[Passage]] = {}
    for n, rec in _records(path):
        members = rec.get("members")
        if not isinstance(members, list):
            raise InputError(str(path), n, 'missing "members"')
        label = str(rec.get("cluster", f"line-{n}"))
        if label in out:
            raise InputError(str(path), n, f"cluster {label!r} appears twice")
        out[label] = [_passage(path, n, m, "members[]") for m in members]
    return out


def gold_kind(path: str | os.PathLike[str]) -> str:
    """``"pan"`` (a directory of XML), ``"clusters"`` (records with ``members``) or ``"pairs"``."""
    p = Path(path)
    _missing(p)
    if p.is_dir():
        return "pan"
    for n, rec in _records(p):
        if "members" in rec:
            return "clusters"
        if "a" in rec and "b" in rec:
            return "pairs"
        raise InputError(str(p), n, 'neither a pair ("a", "b") nor a cluster ("members")')
    return "pairs"  # empty file: no pairs


def pairs_to_pan(pairs: Iterable[Pair], suspicious: Iterable[str] | None = None) -> list[Case]:
    """PAN detections from pairs: the suspicious document's span first.

    A document is suspicious when its base name is in ``suspicious`` (e.g. the references of the gold
    annotation files), or, without that set, when its base name contains ``"suspicious"``. Doc ids may be
    paths or base names (``suspicious/suspicious-document00001.txt`` or ``suspicious-document00001.txt``).
    A pair is kept only when exactly one side is suspicious (PAN asks for suspicious-source alignments:
    source-source and suspicious-suspicious pairs are not detections) and is swapped so that side comes first.

    >>> [d.suspicious for d in pairs_to_pan([(Passage("source-document1.txt", 0, 9), Passage("suspicious-document2.txt", 5, 14))])]
    ['suspicious-document2.txt']
    """
    keys = None if suspicious is None else {doc_key(s) for s in suspicious}

    def is_susp(doc: str) -> bool:
        return doc_key(doc) in keys if keys is not None else "suspicious" in doc_key(doc)

    out: list[Case] = []
    for a, b in pairs:
        sa, sb = is_susp(a.doc), is_susp(b.doc)
        if sa == sb:
            continue
        if sb:
            a, b = b, a
        out.append(Case(a.doc, a.start, a.end, b.doc, b.start, b.end))
    return out


# ---------------------------------------------------------------------------------------------------------
# The driver


def _load_pred_pairs(path: str | os.PathLike[str]) -> list[Pair]:
    if gold_kind(path) == "clusters":
        return clusters_to_pairs(load_clusters_jsonl(path))
    return load_pairs_jsonl(path)


def evaluate(gold: str | os.PathLike[str], pred: str | os.PathLike[str]) -> dict[str, Any]:
    """Score ``pred`` against ``gold``; the mode follows the gold.

    - gold a directory of PAN XML -> ``mode="pan"``: pred a directory of PAN XML detections, or a
      ``pairs.jsonl``/``clusters.jsonl`` turned into detections with :func:`pairs_to_pan`;
    - gold a ``pairs.jsonl`` -> ``mode="pairs"``: pred pairs (or clusters, turned into their pairs);
    - gold a ``clusters.jsonl`` -> ``mode="clusters"``: ARI, plus the pair measures of the implied pairs.

    Raises:
        InputError: a missing or malformed file (names the file and line).
    """
    kind = gold_kind(gold)
    pred_path = Path(pred)
    _missing(pred_path)
    out: dict[str, Any] = {"mode": kind, "gold": str(gold), "pred": str(pred)}
    if kind == "pan":
        references, cases = _read_pan_dir(gold, ("plagiarism",))
        if pred_path.is_dir():
            detections = load_pan_detections(pred_path)
            ignored = 0
        else:
            pairs = _load_pred_pairs(pred_path)
            detections = pairs_to_pan(pairs, references)
            ignored = len(pairs) - len(detections)
        out["suspicious_documents"] = len(references)
        out.update(pan_measures(cases, detections))
        out["ignored_pred_pairs"] = ignored
        return out
    if kind == "pairs":
        if pred_path.is_dir():
            raise InputError(str(pred_path), None, "expected a pairs.jsonl or clusters.jsonl file")
        out.update(pair_measures(load_pairs_jsonl(gold), _load_pred_pairs(pred_path)))
        return out
    gold_clusters = load_clusters_jsonl(gold)
    if pred_path.is_dir() or gold_kind(pred_path) != "clusters":
        raise InputError(str(pred_path), None, "gold is clusters.jsonl: expected a clusters.jsonl to compare")
    pred_clusters = load_clusters_jsonl(pred_path)
    out.update(adjusted_rand(gold_clusters, pred_clusters))
    out.update(pair_measures(clusters_to_pairs(gold_clusters), clusters_to_pairs(pred_clusters)))
    return out
