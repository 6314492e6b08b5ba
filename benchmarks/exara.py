"""ExAra (AraPlagDet 2015) development half through the engine, scored with the PAN measures.

Reading, running and scoring live in ``syndetect.evaluate.exara`` (which the quality gate,
``tests/test_quality_gate.py``, runs too); the floors in ``tests/quality_baseline.json`` are written by
``syndetect.evaluate.baseline``. This script prints the table, explains misses (``--diagnose``) and
re-pins one profile's floors (``--update-baseline``).

Usage:
    python benchmarks/exara.py                                  # the table (default profile)
    python benchmarks/exara.py --profile rewrites               # another profile
    python benchmarks/exara.py --set verify.max_gap=10 --json out.json
    python benchmarks/exara.py --diagnose                       # missed cases, unannotated detections
    python benchmarks/exara.py --update-baseline --reason "why" # re-pin this profile's floors
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from syndetect.config import Config, ConfigError, load_config, parse_overrides, with_overrides  # noqa: E402
from syndetect.evaluate.baseline import update_baseline  # noqa: E402
from syndetect.evaluate.exara import DATA, ExAra, ExAraRun, data_checksum, format_table, run  # noqa: E402
from syndetect.evaluate.exara import label_order as _label_order  # noqa: E402
from syndetect.evaluate.measures import Case  # noqa: E402

BASELINE = REPO / "tests" / "quality_baseline.json"


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
    from syndetect.detect.candidates import doc_pair_windows, find_candidates
    from syndetect.detect.corpus import prepare

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


def diagnose(r: ExAraRun, cfg: Config, examples: int = 4) -> dict[str, Any]:
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
        profile = report["config"]["profile"]
        print(f"\nwrote {args.baseline}: {profile} floors {baseline['profiles'][profile]['floors']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
