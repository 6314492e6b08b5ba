"""ExAra (AraPlagDet 2015) development half through the engine, scored with the PAN measures.

The suspicious and source documents of ``../shared/data/exara`` are one corpus; ``find_pairs`` runs on
all of it with the configured profile; the pairs between a suspicious and a source document become PAN
detections (suspicious-suspicious and source-source pairs are counted, not scored) and are scored
against the XML annotations: precision, recall, granularity, plagdet overall, and recall per
obfuscation type. The quality gate (``tests/test_quality_gate.py``) runs :func:`run` and compares with
the floors pinned in ``tests/quality_baseline.json``.

Usage:
    python benchmarks/exara.py                                  # the table
    python benchmarks/exara.py --set verify.max_gap=10 --json out.json
    python benchmarks/exara.py --diagnose                       # missed cases, unannotated detections
    python benchmarks/exara.py --update-baseline --reason "why" # re-pin the gate's floors
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import resource
import shlex
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from syndetect.config import Config, ConfigError, load_config, parse_overrides, with_overrides  # noqa: E402
from syndetect.engine import PairsResult, find_pairs  # noqa: E402
from syndetect.evaluate import Case, load_pan_gold, pairs_to_pan, pan_measures  # noqa: E402
from syndetect.records import Document, Match  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "exara"
BASELINE = REPO / "tests" / "quality_baseline.json"
# The obfuscation labels as the annotation files spell them, easiest first.
OBFUSCATIONS = (
    "none",
    "word shuffling",
    "phrase shuffling",
    "manual synonym substitution",
    "manual paraphrasing",
)
MARGIN = 0.01  # floors are pinned this far under the measured value (see floors_from), rounded down
LOWERING_NOTE = (
    "Floors are pinned just under the measured values. They are never lowered by hand: run "
    '`python benchmarks/exara.py --update-baseline --reason "..."`, which re-measures, writes the new '
    "floors and appends them with the reason to `history`. The gate fails when a floor is lower than the "
    "last history entry's, or when a history entry lowers one without a reason."
)


# ---------------------------------------------------------------------------------------------------------
# Data


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


# ---------------------------------------------------------------------------------------------------------
# Scoring


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


def engine_digest() -> str:
    """A short hash of the loaded library modules a run depends on (not ``evaluate``, not ``io``):
    which engine a measurement was made with."""
    digest = hashlib.sha256()
    for name in sorted(sys.modules):
        module = sys.modules[name]
        path = getattr(module, "__file__", None)
        if (
            not name.startswith("syndetect.")
            or name.startswith(("syndetect.io", "syndetect.evaluate"))
            or not path
        ):
            continue
        digest.update(name.encode("utf-8") + b"\0" + Path(path).read_bytes())
    return digest.hexdigest()[:12]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far (``ru_maxrss``) of this process, or of its largest finished child
    (``RUSAGE_CHILDREN``: the forked verification workers), in MB."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the forked verification workers)."""
    return sum(
        getattr(resource.getrusage(who), part)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for part in ("ru_utime", "ru_stime")
    )


@dataclass
class Run:
    """One scored run: the report (JSON-ready) and what diagnostics need."""

    report: dict[str, Any]
    data: ExAra
    result: PairsResult
    detections: list[Case]


def run(cfg: Config, root: Path = DATA, limit: int | None = None) -> Run:
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
            for label in sorted(measures["by_obfuscation"], key=_label_order)
        },
        "values": flat_values(measures),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "engine_seconds": result.stats.get("seconds", {}),
        "candidate_doc_pairs": result.stats.get("candidate_doc_pairs"),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "worker_peak_rss_mb": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
    }
    return Run(report, data, result, detections)


def _label_order(label: str) -> tuple[int, str]:
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


def floor_of(value: float, margin: float = MARGIN) -> float:
    """``value - margin`` rounded down to two decimals, never below 0."""
    return max(0.0, math.floor(round((value - margin) * 100, 6)) / 100)


def floors_from(report: dict[str, Any]) -> dict[str, float]:
    """The floors to pin for a run: plagdet and the recall of every obfuscation type.

    The margin is 0.01, or one case's worth of recall for a small type (``1 / cases``: 11 manual
    paraphrases make a recall that moves by 0.09 per case).
    """
    values = report["values"]
    floors = {"plagdet": floor_of(values["plagdet"])}
    for label, sub in report["by_obfuscation"].items():
        floors[f"recall/{label}"] = floor_of(values[f"recall/{label}"], max(MARGIN, 1 / max(1, sub["cases"])))
    return floors


def below_floors(values: dict[str, float], floors: dict[str, float]) -> list[str]:
    """One line per gated value under its floor (or missing)."""
    out = []
    for key, floor in floors.items():
        if key not in values:
            out.append(f"{key}: not measured (floor {floor:.2f})")
        elif values[key] < floor:
            out.append(f"{key}: {values[key]:.4f} < floor {floor:.2f}")
    return out


def _lowered(old: dict[str, float], new: dict[str, float]) -> list[str]:
    return [
        f"{k}: {old[k]:.2f} -> {new[k]:.2f}" if k in new else f"{k}: {old[k]:.2f} -> removed"
        for k in old
        if k not in new or new[k] < old[k]
    ]


def history_problems(baseline: dict[str, Any]) -> list[str]:
    """Why the baseline's floors are not trustworthy: lowered by hand, or lowered without a reason."""
    history = baseline.get("history") or []
    if not history:
        return ["the baseline has no history: write it with `python benchmarks/exara.py --update-baseline`"]
    problems = []
    for k in range(1, len(history)):
        lowered = _lowered(history[k - 1]["floors"], history[k]["floors"])
        if lowered and not str(history[k].get("reason") or "").strip():
            problems.append(f"history entry {k} ({history[k].get('date')}) lowers {lowered} without a reason")
    lowered = _lowered(history[-1]["floors"], baseline.get("floors", {}))
    if lowered:
        problems.append(
            f"floors lowered silently (below the last history entry): {lowered}; "
            'use `python benchmarks/exara.py --update-baseline --reason "..."`'
        )
    return problems


def update_baseline(
    path: Path, report: dict[str, Any], checksum: str, command: str, reason: str | None
) -> dict:
    """Re-pin the floors to this run; lowering a floor or changing the data needs a ``reason``.

    Raises:
        ValueError: a floor would drop, or the data changed, and no reason was given.
    """
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    floors = floors_from(report)
    lowered = _lowered(old.get("floors", {}), floors)
    changed = old.get("data", {}).get("sha256") not in (None, checksum)
    reason = (reason or "").strip()
    if (lowered or changed) and not reason:
        what = f"lowers {lowered}" if lowered else "changes the data checksum"
        raise ValueError(f'this update {what}: give --reason "..." (it is recorded in the history)')
    today = dt.date.today().isoformat()
    data = report["data"]
    baseline = {
        "data": {
            "path": "../shared/data/exara",
            "sha256": checksum,
            "documents": data["documents"],
            "suspicious": data["suspicious"],
            "cases": data["cases"],
        },
        "profile": report["config"]["profile"],
        "floors": floors,
        "measured": {
            "date": today,
            "command": command,
            "config_fingerprint": report["config"]["fingerprint"],
            "values": {k: round(v, 4) for k, v in report["values"].items()},
            "seconds": report["seconds"],
            "cpu_seconds": report["cpu_seconds"],
            "peak_rss_mb": report["peak_rss_mb"],
        },
        "lowering": LOWERING_NOTE,
        "history": list(old.get("history", []))
        + [
            {
                "date": today,
                "floors": floors,
                "reason": reason or ("initial floors" if not old else "re-measured"),
                "command": command,
            }
        ],
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(baseline, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return baseline


# ---------------------------------------------------------------------------------------------------------
# Diagnostics: why cases are missed, where precision goes


def _overlap(s1: int, e1: int, s2: int, e2: int) -> int:
    return max(0, min(e1, e2) - max(s1, s2))


def _hits(a: Case, b: Case) -> bool:
    return (
        _overlap(a.susp_start, a.susp_end, b.susp_start, b.susp_end) > 0
        and _overlap(a.src_start, a.src_end, b.src_start, b.src_end) > 0
    )


def _case_recall(case: Case, dets: Sequence[Case]) -> float:
    def covered(spans: list[tuple[int, int]], lo: int, hi: int) -> int:
        n, last = 0, lo
        for s, e in sorted(spans):
            s, e = max(s, last), min(e, hi)
            if e > s:
                n += e - s
                last = e
        return n

    susp = covered([(d.susp_start, d.susp_end) for d in dets], case.susp_start, case.susp_end)
    src = covered([(d.src_start, d.src_end) for d in dets], case.src_start, case.src_end)
    return (susp + src) / case.length if case.length else 1.0


def candidate_doc_pairs(data: ExAra, cfg: Config) -> dict[tuple[str, str], dict[str, int]]:
    """Candidate window pairs per (suspicious, source) base-name pair and channel (recomputed)."""
    from syndetect.candidates import doc_pair_windows, find_candidates
    from syndetect.engine import prepare

    corpus = prepare(data.docs, cfg)
    grouped = doc_pair_windows(find_candidates(corpus.feats, cfg))
    out: dict[tuple[str, str], dict[str, int]] = {}
    for (i, j), channels in grouped.items():
        a, b = corpus.docs[i], corpus.docs[j]
        if a.outlet == b.outlet:
            continue
        susp, src = (a, b) if a.outlet == "suspicious" else (b, a)
        out[(susp.id.split("/", 1)[1], src.id.split("/", 1)[1])] = {c: len(v) for c, v in channels.items()}
    return out


def diagnose(r: Run, cfg: Config, examples: int = 4) -> dict[str, Any]:
    """Missed and partly found cases by cause and type, unannotated detections, over-long ones."""
    try:
        cands = candidate_doc_pairs(r.data, cfg)
    except (ImportError, AttributeError, TypeError) as err:  # engine internals moved: diagnose without them
        print(
            f"note: candidate pairs not available ({err!r}); causes 'no candidate' are unreliable",
            file=sys.stderr,
        )
        cands = {}
    texts = r.data.texts
    by_pair: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for d in r.detections:
        by_pair[(d.suspicious.split("/")[-1], d.source.split("/")[-1])].append(d)
    cases_by_pair: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for c in r.data.cases:
        cases_by_pair[(c.suspicious, c.source)].append(c)

    missed: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in r.data.cases:
        key = (c.suspicious, c.source)
        dets = by_pair.get(key, [])
        hit = [d for d in dets if _hits(c, d)]
        rec = _case_recall(c, hit)
        if hit and rec >= 0.9:
            cause = "found" if len(hit) == 1 else "found, split"
        elif hit:
            cause = "partly found"
        elif dets:
            cause = "detections elsewhere in the pair"
        elif key in cands:
            cause = "candidate, nothing verified"
        else:
            cause = "no candidate"
        missed[c.obfuscation or "?"][cause] += 1
        if cause not in ("found",) and len(samples[c.obfuscation or "?"]) < 40:
            samples[c.obfuscation or "?"].append(
                {
                    "cause": cause,
                    "case": f"{c.suspicious}[{c.susp_start}:{c.susp_end}] <- {c.source}[{c.src_start}:{c.src_end}]",
                    "chars": [c.susp_end - c.susp_start, c.src_end - c.src_start],
                    "recall": round(rec, 3),
                    "detections": len(hit),
                    "candidate_windows": cands.get(key, {}),
                    "pair_detections": [
                        [d.susp_start, d.susp_end, d.src_start, d.src_end] for d in (hit or dets)[:4]
                    ],
                    "suspicious_text": texts[c.suspicious][c.susp_start : c.susp_start + 100],
                }
            )

    # Precision: detections that detect no case, and characters of detections outside their cases.
    unannotated, outside = [], 0
    extra_by_pair: Counter = Counter()
    for d in r.detections:
        key = (d.suspicious.split("/")[-1], d.source.split("/")[-1])
        hit = [c for c in cases_by_pair.get(key, []) if _hits(c, d)]
        if not hit:
            unannotated.append(d)
            extra_by_pair["pair has cases" if key in cases_by_pair else "pair has no case"] += 1
        else:
            inside_s = sum(_overlap(d.susp_start, d.susp_end, c.susp_start, c.susp_end) for c in hit)
            inside_r = sum(_overlap(d.src_start, d.src_end, c.src_start, c.src_end) for c in hit)
            outside += max(0, d.length - inside_s - inside_r)
    lengths = sorted(d.susp_end - d.susp_start for d in unannotated)

    def pct(q: float) -> int:
        return lengths[min(len(lengths) - 1, int(q * len(lengths)))] if lengths else 0

    docs_hit = Counter(d.source.split("/")[-1] for d in unannotated)
    return {
        "cases_by_cause": {k: dict(v) for k, v in sorted(missed.items(), key=lambda kv: _label_order(kv[0]))},
        "examples": {k: _pick(v, examples) for k, v in samples.items()},
        "unannotated_detections": {
            "count": len(unannotated),
            "of": len(r.detections),
            "chars_suspicious_side": sum(lengths),
            "suspicious_side_chars_p10_p50_p90": [pct(0.1), pct(0.5), pct(0.9)],
            "where": dict(extra_by_pair),
            "sources_most_often": docs_hit.most_common(5),
            "examples": [
                {
                    "pair": f"{d.suspicious.split('/')[-1]}[{d.susp_start}:{d.susp_end}] ~ "
                    f"{d.source.split('/')[-1]}[{d.src_start}:{d.src_end}]",
                    "text": texts[d.suspicious.split("/")[-1]][d.susp_start : d.susp_start + 90],
                }
                for d in sorted(unannotated, key=lambda d: (d.suspicious, d.susp_start))[
                    :: max(1, len(unannotated) // 8)
                ][:8]
            ],
        },
        "chars_detected_outside_their_cases": outside,
    }


def _pick(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """Up to ``n`` examples, spread over causes."""
    out, seen = [], Counter()
    for row in rows:
        if seen[row["cause"]] < max(1, n // 2):
            out.append(row)
            seen[row["cause"]] += 1
        if len(out) >= n:
            break
    return out


def format_diagnosis(diag: dict[str, Any]) -> str:
    lines = ["", "cases by cause:"]
    for label, causes in diag["cases_by_cause"].items():
        lines.append(
            f"  {label}: " + ", ".join(f"{k} {v}" for k, v in sorted(causes.items(), key=lambda kv: -kv[1]))
        )
    lines.append("")
    lines.append("examples of cases not cleanly found:")
    for label, rows in diag["examples"].items():
        for row in rows:
            lines.append(
                f"  [{label}] {row['cause']}: {row['case']} chars {row['chars']} recall {row['recall']} "
                f"detections {row['detections']} candidates {row['candidate_windows']} spans {row['pair_detections']}"
            )
    u = diag["unannotated_detections"]
    lines += [
        "",
        f"detections detecting no case: {u['count']} of {u['of']}, {u['chars_suspicious_side']} chars on the "
        f"suspicious side (p10/p50/p90 {u['suspicious_side_chars_p10_p50_p90']}), {u['where']}",
        f"  sources most often involved: {u['sources_most_often']}",
    ]
    for ex in u["examples"]:
        lines.append(f"  {ex['pair']}: {ex['text']!r}")
    lines.append(
        f"characters of detections outside the cases they detect: {diag['chars_detected_outside_their_cases']}"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run syndetect on the ExAra development half and score it with the PAN measures.",
        epilog="example: python benchmarks/exara.py --set verify.max_gap=10 --json exara.json",
    )
    parser.add_argument(
        "--profile", help="configuration profile (default: the config file's, else syndication)"
    )
    parser.add_argument("--config", help="a TOML configuration file")
    parser.add_argument(
        "--set", action="append", default=[], metavar="SECTION.KEY=VALUE", help="override one value"
    )
    parser.add_argument("--json", help="write the report (and diagnostics) as JSON to this file")
    parser.add_argument("--limit", type=int, help="only the first N suspicious documents (all sources)")
    parser.add_argument("--data", default=str(DATA), help=f"the ExAra directory (default {DATA})")
    parser.add_argument(
        "--diagnose", action="store_true", help="explain missed cases and unannotated detections"
    )
    parser.add_argument(
        "--update-baseline", action="store_true", help=f"re-pin the floors in {BASELINE.name}"
    )
    parser.add_argument("--reason", help="why the floors change (required when one is lowered)")
    parser.add_argument("--baseline", default=str(BASELINE), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    command = "python benchmarks/exara.py" + "".join(f" {shlex.quote(a)}" for a in (argv or sys.argv[1:]))

    root = Path(args.data)
    try:
        cfg = load_config(args.config, args.profile)
        if args.set:
            cfg = with_overrides(cfg, parse_overrides(args.set))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.update_baseline and (args.limit or args.set or args.config):
        print(
            "error: --update-baseline measures the whole set with a profile only (no --limit/--set/--config)",
            file=sys.stderr,
        )
        return 2
    if not root.is_dir():
        print(f"error: {root}: no such directory (the ExAra development half)", file=sys.stderr)
        return 2
    r = run(cfg, root, args.limit)
    report = r.report
    print(format_table(report, command))
    if args.diagnose:
        report["diagnosis"] = diagnose(r, cfg)
        print(format_diagnosis(report["diagnosis"]))
    report["command"] = command
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.update_baseline:
        try:
            baseline = update_baseline(Path(args.baseline), report, data_checksum(root), command, args.reason)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"\nwrote {args.baseline}: floors {baseline['floors']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
