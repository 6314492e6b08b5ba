"""Does provenance find the Saudi Press Agency where it should? SaudiNewsNet (14 outlets, 18 days).

Outlet ``was`` is SPA (واس), the wire service the other outlets reprint. The corpus is read from
``../shared/data/saudinewsnet/articles.jsonl.gz`` (never copied), run through the whole pipeline
(``find_pairs``, then the cluster stage: revisions, boilerplate and stock phrases out, origin and copy
tree, credits), and measured:

- **SPA groups**: the groups that contain a ``was`` article or in which some member credits واس.
- **SPA share**: among them, the share whose origin is a ``was`` article or whose common upstream is
  SPA (every member credits واس and no ``was`` article is among them); of the rest, how many have an
  origin that itself credits واس (SPA is then the source one step up, but not every member says so),
  and, as a diagnostic, the share if members that credit nothing did not count against a common
  upstream (at least two members credit واس, none credits another agency).
- the share of copy edges marked credited (all groups, and SPA groups), and examples of SPA groups whose
  origin is not SPA, with the reason: by the clock another outlet was first (the corpus's ``date`` is a
  crawl time before 2015-08-01), not every member credits واس (no common upstream), or credits disagree.

The verified pairs can be cached (``--cache PATH``, a gzipped JSON file keyed by the configuration's
fingerprint and the input selection: plain data, never a code-executing format like pickle), since
detection dominates the run time; ``--out DIR`` also writes
``pairs.jsonl``, ``clusters.jsonl`` and the overlap report there (for ``notebooks/overlap.ipynb``).

Example:
    .venv/bin/python benchmarks/provenance_saudinewsnet.py                         # full corpus
    .venv/bin/python benchmarks/provenance_saudinewsnet.py --since 2015-08-10 --out out/saudinewsnet
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_pairs import ARTICLES  # noqa: E402  (one place says where SaudiNewsNet is)

SPA_OUTLET = "was"
SPA = "spa"


def load(since: str | None, limit: int | None, cfg):
    """The corpus (optionally from a date on, optionally the first ``limit`` documents)."""
    from syndetect.io.readers import read_documents

    docs = []
    for d in read_documents([str(ARTICLES)], cfg.read):
        if since and (d.published or "") < since:
            continue
        docs.append(d)
        if limit and len(docs) >= limit:
            break
    return docs


def detect(docs, cfg, cache: Path | None):
    """``find_pairs`` (or its cached matches, when the cache's key fits)."""
    from syndetect.detect.corpus import find_pairs, prepare

    key = {"fingerprint": cfg.fingerprint(), "documents": len(docs), "first": docs[0].id, "last": docs[-1].id}
    if cache and cache.exists():
        stored = _read_cache(cache)
        if stored is not None and stored.get("key") == key:
            print(f"pairs: cached in {cache}", file=sys.stderr)
            return prepare(docs, cfg), stored["matches"], stored["stats"]
    t = time.perf_counter()
    result = find_pairs(docs, cfg, _progress)
    print(f"pairs: {len(result.matches)} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    if cache:
        _write_cache(cache, key, result.matches, result.stats)
    return result.corpus, result.matches, result.stats


def _write_cache(cache: Path, key: dict, matches, stats: dict) -> None:
    """The matches as plain JSON rows (gzipped), written aside and renamed."""
    from syndetect.io.writers import atomic_open

    rows = [
        [m.a.doc, m.a.start, m.a.end, m.b.doc, m.b.start, m.b.end, m.kind, m.jaccard, m.containment, m.source]
        for m in matches
    ]
    data = json.dumps({"key": key, "stats": stats, "matches": rows}, ensure_ascii=False, default=str)
    with atomic_open(cache, "wb") as fh:
        fh.write(gzip.compress(data.encode("utf-8")))


def _read_cache(cache: Path) -> dict | None:
    """The cache's key, stats and matches, or ``None`` when it is not a cache this script wrote."""
    from syndetect.records import Match, Passage

    try:
        stored = json.loads(gzip.decompress(cache.read_bytes()))
        matches = [
            Match(Passage(a, int(sa), int(ea)), Passage(b, int(sb), int(eb)), kind, float(j), float(c), src)
            for a, sa, ea, b, sb, eb, kind, j, c, src in stored["matches"]
        ]
    except (OSError, EOFError, ValueError, TypeError, KeyError, gzip.BadGzipFile):
        print(f"pairs: {cache} is not a cache of this script; recomputing", file=sys.stderr)
        return None
    return {"key": stored.get("key"), "stats": stored.get("stats", {}), "matches": matches}


def _progress(step: str, done: int, total: int) -> None:
    if done == total or done % 100000 == 0:
        print(f"  {step} {done}/{total}", file=sys.stderr)


def spa_figures(groups, docs: dict, examples: int = 6) -> dict:
    """The SPA share, credited shares and the examples where the origin is not SPA, with why."""
    clusters = groups.clusters
    credits = {i: {c.agency for c in found if c.agency} for i, found in groups.credits.items()}
    spa_groups = []
    for c in clusters:
        outlets = [docs[m.passage.doc].outlet for m in c.members]
        if SPA_OUTLET in outlets or any(SPA in credits.get(m.passage.doc, ()) for m in c.members):
            spa_groups.append(c)
    hits = [c for c in spa_groups if c.upstream == SPA or docs[c.origin.doc].outlet == SPA_OUTLET]
    misses = [c for c in spa_groups if c not in set(hits)]
    # diagnostic, not the product's rule: members that credit nothing do not count against an upstream
    relaxed = [
        c
        for c in misses
        if all(docs[m.passage.doc].outlet != SPA_OUTLET for m in c.members)
        and all(credits.get(m.passage.doc, set()) <= {SPA} for m in c.members)
        and sum(SPA in credits.get(m.passage.doc, ()) for m in c.members) >= 2
    ]
    reasons: dict[str, list] = defaultdict(list)
    for c in misses:
        reasons[_why(c, docs, credits)].append(c)
    edges = [m for c in clusters for m in c.members if m.rule != "origin"]
    spa_edges = [m for c in spa_groups for m in c.members if m.rule != "origin"]
    out = {
        "documents": len(docs),
        "groups": len(clusters),
        "spa_groups": len(spa_groups),
        "spa_groups_with_was_article": sum(
            any(docs[m.passage.doc].outlet == SPA_OUTLET for m in c.members) for c in spa_groups
        ),
        "spa_origin_or_upstream": len(hits),
        "spa_share": round(len(hits) / len(spa_groups), 4) if spa_groups else None,
        "spa_as_origin": sum(docs[c.origin.doc].outlet == SPA_OUTLET for c in hits),
        "spa_as_upstream": sum(c.upstream == SPA for c in hits),
        "misses_whose_origin_credits_spa": sum(SPA in credits.get(c.origin.doc, ()) for c in misses),
        "spa_share_if_silent_members_allowed": round((len(hits) + len(relaxed)) / len(spa_groups), 4)
        if spa_groups
        else None,
        "edges": len(edges),
        "credited_edges": sum(m.credited is True for m in edges),
        "credited_share": round(sum(m.credited is True for m in edges) / len(edges), 4) if edges else None,
        "spa_edges": len(spa_edges),
        "spa_credited_share": round(sum(m.credited is True for m in spa_edges) / len(spa_edges), 4)
        if spa_edges
        else None,
        "upstream_groups": dict(Counter(c.upstream for c in clusters if c.upstream)),
        "misses_by_reason": {k: len(v) for k, v in sorted(reasons.items(), key=lambda kv: -len(kv[1]))},
        "examples": {k: [_example(c, docs, credits) for c in v[:examples]] for k, v in reasons.items()},
    }
    return out


def _why(c, docs, credits) -> str:
    """Why an SPA group's origin is not SPA."""
    was = [m for m in c.members if docs[m.passage.doc].outlet == SPA_OUTLET]
    crediting = [SPA in credits.get(m.passage.doc, ()) for m in c.members]
    if was:
        origin = docs[c.origin.doc]
        spa_time = min(docs[m.passage.doc].time for m in was)
        if origin.time and spa_time and origin.time < spa_time:
            if SPA in credits.get(origin.id, ()):
                return "was article in the group, but a crediting outlet's clock is earlier (beyond the credit window)"
            return "was article in the group, but an uncredited outlet's clock is earlier"
        return "was article in the group, but another member came first by the text rule or id order"
    if not all(crediting):
        others = {a for m in c.members for a in credits.get(m.passage.doc, ()) if a != SPA}
        if others:
            return "no was article; members credit different agencies"
        return "no was article; not every member credits واس (no common upstream)"
    return "no was article; every member credits واس, yet another agency is common too"


def _example(c, docs, credits) -> dict:
    origin = docs[c.origin.doc]
    return {
        "cluster": c.id,
        "size": c.size,
        "origin": {"doc": origin.id, "outlet": origin.outlet, "published": origin.published},
        "members": [
            {
                "doc": m.passage.doc,
                "outlet": docs[m.passage.doc].outlet,
                "published": docs[m.passage.doc].published,
                "credits": sorted(credits.get(m.passage.doc, ())),
                "parent": m.parent,
                "rule": m.rule,
            }
            for m in c.members[:8]
        ],
        "text": " ".join(origin.text[c.origin.start : c.origin.end].split())[:160],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--since", help="only documents from this date on (YYYY-MM-DD)")
    parser.add_argument("--limit", type=int, help="only the first N documents")
    parser.add_argument("--cache", type=Path, help="cache the verified pairs in this file (gzipped JSON)")
    parser.add_argument(
        "--out", type=Path, help="also write pairs.jsonl, clusters.jsonl and report.html here"
    )
    parser.add_argument("--examples", type=int, default=6, help="examples per reason (default 6)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)

    from syndetect.config import load_config
    from syndetect.provenance.groups import group_matches

    cfg = load_config()
    t0 = time.perf_counter()
    docs = load(args.since, args.limit, cfg)
    print(f"read {len(docs)} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    corpus, matches, stats = detect(docs, cfg, args.cache)
    t1 = time.perf_counter()
    groups = group_matches(matches, corpus.docs, cfg, [f.grams for f in corpus.feats])
    print(f"groups: {len(groups.clusters)} in {time.perf_counter() - t1:.0f} s", file=sys.stderr)
    by_id = {d.id: d for d in corpus.docs}
    figures = spa_figures(groups, by_id, args.examples)
    figures["pairs"] = len(matches)
    figures["cluster_stage"] = {
        k: v for k, v in groups.stats().items() if k not in ("revisions", "boilerplate")
    }
    st = groups.stats()
    figures["cluster_stage"]["revision_chains"] = st["revisions"]["chains"]
    figures["cluster_stage"]["revision_pairs_dropped"] = st["revisions"]["pairs_dropped"]
    figures["cluster_stage"]["boilerplate_pairs_dropped"] = st["boilerplate"]["pairs_dropped"]
    figures["cluster_stage"]["stock_pairs_dropped"] = st["boilerplate"]["stock_pairs_dropped"]
    figures["seconds"] = round(time.perf_counter() - t0, 1)
    if args.out:
        _write_outputs(args.out, corpus, matches, groups, cfg, {**stats, **st})
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(
        f"\nSPA groups: {figures['spa_groups']}; origin or common upstream SPA: {figures['spa_origin_or_upstream']} "
        f"({figures['spa_share']:.1%}); edges credited: {figures['credited_share']:.1%} of {figures['edges']}",
        file=sys.stderr,
    )
    return 0


def _write_outputs(out: Path, corpus, matches, groups, cfg, stats) -> None:
    from syndetect.io.serialize import cluster_json, match_json
    from syndetect.io.writers import write_jsonl, write_run_metadata
    from syndetect.provenance.origin import with_sources
    from syndetect.report.data import report_data, write_report_files

    out.mkdir(parents=True, exist_ok=True)
    by_id = {d.id: d for d in corpus.docs}
    sourced = with_sources(matches, by_id, cfg.provenance)
    write_jsonl(out / "pairs.jsonl", (match_json(m, by_id) for m in sourced))
    write_jsonl(out / "clusters.jsonl", (cluster_json(c, by_id) for c in groups.clusters))
    data = report_data(by_id, groups.clusters, stats, cfg.report)
    write_report_files(
        out / "report.html", data, {"fingerprint": cfg.fingerprint(), "corpus": "SaudiNewsNet"}
    )
    write_run_metadata(out / "run", cfg, stats)


if __name__ == "__main__":
    sys.exit(main())
