"""The ExAra corpus (AraPlagDet 2015, development half) in PAN format: reading, scoring, the table.

The suspicious and source documents of ``../shared/data/exara`` are one corpus; ``find_pairs`` runs on
all of it with the configured profile; the pairs between a suspicious and a source document become PAN
detections (suspicious-suspicious and source-source pairs are counted, not scored) and are scored
against the XML annotations: precision, recall, granularity, plagdet overall, and recall per
obfuscation type. The quality gate (``tests/test_quality_gate.py``) and ``benchmarks/exara.py`` both
run :func:`run`.

The shared data is found at ``../shared/data`` from the project's root, or where the environment
variable ``SYNDETECT_SHARED_DATA`` points (a git worktree elsewhere, a CI machine).
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndetect.config import Config
from syndetect.detect.corpus import PairsResult, find_pairs
from syndetect.evaluate.measures import Case, load_pan_gold, pairs_to_pan, pan_measures
from syndetect.evaluate.runinfo import cpu_seconds, engine_digest, peak_rss_mb
from syndetect.records import Document, Match

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("SYNDETECT_SHARED_DATA") or REPO.parent / "shared" / "data")
DATA = SHARED_DATA / "exara"
# The obfuscation labels as the annotation files spell them, easiest first.
OBFUSCATIONS = (
    "none",
    "word shuffling",
    "phrase shuffling",
    "manual synonym substitution",
    "manual paraphrasing",
)


def data_checksum(root: Path) -> str:
    """sha256 over the sorted relative paths and contents of every file under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class ExAra:
    """The corpus as the engine sees it, with the gold cases."""

    docs: list[Document]
    cases: list[Case]
    suspicious: list[str]  # the annotated suspicious documents (base names)

    @property
    def texts(self) -> dict[str, str]:
        """Text by base name (what PAN cases name documents by)."""
        return {d.id.split("/", 1)[1]: d.text for d in self.docs}


def load(root: Path = DATA, limit: int | None = None) -> ExAra:
    """Documents ``source/<file>`` and ``suspicious/<file>`` (text read as UTF-8, newlines untouched)
    and the annotated cases. ``limit`` keeps the first N suspicious documents (all sources stay, so
    precision still pays for matches to the wrong source)."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such directory (the ExAra development half)")
    cases = load_pan_gold(root / "annotations")
    suspicious = sorted((root / "suspicious").glob("*.txt"))
    if limit is not None:
        suspicious = suspicious[:limit]
        keep = {p.name for p in suspicious}
        cases = [c for c in cases if c.suspicious in keep]
    docs = [
        Document(id=f"{outlet}/{p.name}", text=p.read_bytes().decode("utf-8"), outlet=outlet)
        for outlet, paths in (("source", sorted((root / "source").glob("*.txt"))), ("suspicious", suspicious))
        for p in paths
    ]
    return ExAra(docs, cases, [p.name for p in suspicious])


def side_counts(matches: Sequence[Match]) -> Counter:
    """Pairs by the outlets of their two documents: ``suspicious-source`` (scored) and the others."""
    return Counter(
        "-".join(sorted((m.a.doc.split("/")[0], m.b.doc.split("/")[0]), reverse=True)) for m in matches
    )


def detections_of(matches: Sequence[Match], data: ExAra) -> list[Case]:
    """The suspicious-source pairs as PAN detections (suspicious side first)."""
    return pairs_to_pan([(m.a, m.b) for m in matches], data.suspicious)


def flat_values(measures: dict[str, Any]) -> dict[str, float]:
    """The gated numbers under flat names: ``plagdet``, ``precision``, ``recall``, ``granularity``,
    ``recall/<obfuscation>``."""
    out = {k: float(measures[k]) for k in ("plagdet", "precision", "recall", "granularity")}
    for label, sub in measures["by_obfuscation"].items():
        out[f"recall/{label}"] = float(sub["recall"])
    return out


@dataclass
class ExAraRun:
    """One scored run: the report (JSON-ready) and what diagnostics need."""

    report: dict[str, Any]
    data: ExAra
    result: PairsResult
    detections: list[Case]


def run(cfg: Config, root: Path = DATA, limit: int | None = None) -> ExAraRun:
    """Load ExAra, run ``find_pairs`` on the whole set and score the suspicious-source pairs."""
    data = load(root, limit)
    t0, c0 = time.perf_counter(), cpu_seconds()
    result = find_pairs(data.docs, cfg)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    detections = detections_of(result.matches, data)
    measures = pan_measures(data.cases, detections)
    report = {
        "data": {
            "path": str(root),
            "documents": len(data.docs),
            "suspicious": len(data.suspicious),
            "cases": len(data.cases),
            "limit": limit,
        },
        "config": {"profile": cfg.profile, "fingerprint": cfg.fingerprint()},
        "engine": engine_digest(),
        "pairs": dict(sorted(side_counts(result.matches).items())),
        "measures": {k: v for k, v in measures.items() if k != "by_obfuscation"},
        "by_obfuscation": {
            label: measures["by_obfuscation"][label]
            for label in sorted(measures["by_obfuscation"], key=label_order)
        },
        "values": flat_values(measures),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "engine_seconds": result.stats.get("seconds", {}),
        "candidate_doc_pairs": result.stats.get("candidate_doc_pairs"),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "worker_peak_rss_mb": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
    }
    return ExAraRun(report, data, result, detections)


def label_order(label: str) -> tuple[int, str]:
    return (OBFUSCATIONS.index(label) if label in OBFUSCATIONS else len(OBFUSCATIONS), label)


def format_table(report: dict[str, Any], command: str | None = None) -> str:
    """The run as a plain-text table (Markdown-compatible)."""
    m, d = report["measures"], report["data"]
    lines = [
        f"ExAra development half: {d['suspicious']} suspicious, {d['documents'] - d['suspicious']} source "
        f"documents, {d['cases']} cases; profile {report['config']['profile']} "
        f"(config {report['config']['fingerprint']}, engine {report['engine']})",
        "",
        "| obfuscation | cases | detected | recall | granularity |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, sub in report["by_obfuscation"].items():
        lines.append(
            f"| {label} | {sub['cases']} | {sub['detected_cases']} | {sub['recall']:.3f} | {sub['granularity']:.2f} |"
        )
    lines.append(
        f"| **all** | {m['cases']} | {m['detected_cases']} | {m['recall']:.3f} | {m['granularity']:.2f} |"
    )
    lines += [
        "",
        "| precision | recall | granularity | plagdet | micro P | micro R | detections |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {m['precision']:.3f} | {m['recall']:.3f} | {m['granularity']:.3f} | **{m['plagdet']:.3f}** "
        f"| {m['micro_precision']:.3f} | {m['micro_recall']:.3f} | {m['detections']} |",
        "",
        "pairs by documents: "
        + ", ".join(f"{k} {v}" for k, v in report["pairs"].items())
        + " (only suspicious-source pairs are scored)",
        f"time {report['seconds']:.1f} s wall, {report['cpu_seconds']:.1f} s CPU "
        f"(engine steps: {report['engine_seconds']}), peak memory {report['peak_rss_mb']:.0f} MB (largest worker {report.get('worker_peak_rss_mb', 0):.0f} MB), candidate document pairs {report['candidate_doc_pairs']}",
    ]
    if command:
        lines.append(f"command: {command}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# The baseline: floors, history, no silent lowering
