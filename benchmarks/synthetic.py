"""Synthetic syndication benchmark: real SaudiNewsNet stories reprinted with known edits, origins and times.

Stories and the outlets' own writing (new leads, quotes, surrounding articles) are drawn from
``../shared/data/saudinewsnet/articles.jsonl.gz`` (seeded), keeping only articles that share no word
6-gram with one already drawn, so that the only reuse in the corpus is the planted one. The generator
(``tests/synthetic.py``) makes 1-4 reprints per story with one edit each; the engine runs on all the
documents (``find_pairs`` then ``clusters_of``), and this script reports:

- pair precision, recall and F1 per edit type, at character level (``syndetect.evaluate.measures.pair_measures``
  over the document pairs of that edit: a reprint and the documents it descends from), between two
  copies of one story (``copy~copy``; ``copy~rewrite`` when either is a rewrite), per group (verbatim
  and near copies, rewrites; each with its copy~copy pairs), and overall (every predicted pair,
  unrelated ones included);
- origin accuracy: the share of stories whose predicted cluster (the one holding most of the story's
  documents) names the story's first publication as its origin (origins here are always strictly
  earlier than every copy); the share of copies whose predicted parent is their true parent (parent
  accuracy), overall and per generation (1: a copy of the first publication; 2: a ``reprint``, a copy
  of a copy that inherits its parent's edits); ARI.

Usage:
    python benchmarks/synthetic.py [--stories 300] [--seed 1] [--profile P] [--config FILE]
                                   [--set SECTION.KEY=VALUE] [--json OUT]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import re
import shlex
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from syndetect.config import Config, ConfigError, load_config, parse_overrides, with_overrides  # noqa: E402
from syndetect.detect.corpus import find_pairs  # noqa: E402
from syndetect.evaluate.measures import adjusted_rand, normalize_pair, pair_measures  # noqa: E402
from syndetect.evaluate.runinfo import engine_digest, peak_rss_mb  # noqa: E402
from syndetect.pipeline import Run  # noqa: E402
from syndetect.provenance.attribution import credited_agencies  # noqa: E402
from syndetect.records import Cluster, Document, Match, Passage  # noqa: E402

ARTICLES = REPO.parent / "shared" / "data" / "saudinewsnet" / "articles.jsonl.gz"
TARGETS = {"near": 0.95, "rewrite": 0.8, "origin": 0.95, "parent": 0.95, "parent_generation_2": 0.95}


def _load_generator():
    """``tests/synthetic.py`` under its own module name (``synthetic`` is this script's name too)."""
    name = "syndetect_tests_synthetic"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "synthetic.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


gen = _load_generator()

# ---------------------------------------------------------------------------------------------------------
# Drawing articles that share nothing

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_WORDS = re.compile(r"\w+")


def _grams(text: str, n: int = 6) -> set[int]:
    words = _WORDS.findall(_DIACRITICS.sub("", text).translate(_FOLD))
    return {hash(tuple(words[i : i + n])) for i in range(len(words) - n + 1)}


def read_articles(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def draw(
    path: Path, n_stories: int, n_filler: int, seed: int, min_chars: int = 600, max_chars: int = 4000
) -> tuple[list[str], list[str], dict[str, int]]:
    """Story texts and filler texts from SaudiNewsNet, seeded, no two sharing a word 6-gram.

    Stories need at least five sentences; fillers any length within the bounds. Neither credits a news
    agency (``(واس)``, ``فرانس برس``...): the generator makes its own first publisher, and an article
    that says it is SPA's, reprinted as another outlet's story, would make the gold contradict its own
    byline (the engine then names SPA the common upstream of the group, as it should, and the gold's
    parents are wrong).
    """
    texts = [a["text"] for a in read_articles(path) if min_chars <= len(a.get("text") or "") <= max_chars]
    random.Random(seed).shuffle(texts)
    seen: set[int] = set()
    stories: list[str] = []
    filler: list[str] = []
    rejected = credited = 0
    for text in texts:
        if len(stories) >= n_stories and len(filler) >= n_filler:
            break
        want_story = len(stories) < n_stories
        if want_story and sum(map(len, gen.sentences(text))) < 5:
            if len(filler) >= n_filler:
                continue
            want_story = False
        if credited_agencies(Document("draw", text)):
            credited += 1
            continue
        grams = _grams(text)
        if grams & seen:
            rejected += 1
            continue
        seen |= grams
        (stories if want_story else filler).append(text)
    if len(stories) < n_stories:
        raise SystemExit(f"error: only {len(stories)} usable stories in {path}")
    return (
        stories,
        filler,
        {"candidates": len(texts), "rejected_overlapping": rejected, "rejected_credited": credited},
    )


# ---------------------------------------------------------------------------------------------------------
# Scoring


def pair_scores(s: Any, matches: Sequence[Match]) -> dict[str, Any]:
    """Character-level pair measures per edit label, per group and overall."""
    label_of: dict[tuple[str, str], str] = {}
    gold_by: dict[str, list[tuple[Passage, Passage]]] = defaultdict(list)
    for p in s.pairs:
        a, b = normalize_pair(p.a, p.b)
        label_of[(a.doc, b.doc)] = p.edit
        gold_by[p.edit].append((a, b))
    pred_by: dict[str, list[tuple[Passage, Passage]]] = defaultdict(list)
    for m in matches:
        a, b = normalize_pair(m.a, m.b)
        pred_by[label_of.get((a.doc, b.doc), "unrelated")].append((a, b))

    def measures(labels: Sequence[str]) -> dict[str, Any]:
        g = [x for lab in labels for x in gold_by.get(lab, [])]
        p = [x for lab in labels for x in pred_by.get(lab, [])]
        m = pair_measures(g, p)
        gold_docs = {(a.doc, b.doc) for a, b in g}
        pred_docs = {(a.doc, b.doc) for a, b in p}
        return {
            "precision": m["precision"],
            "recall": m["recall"],
            "f1": m["f1"],
            "gold_pairs": len(g),
            "pred_pairs": len(p),
            "doc_pairs": len(gold_docs),
            "doc_pairs_found": len(gold_docs & pred_docs),
        }

    rows: dict[str, Any] = {}
    for edit in gen.EDITS:
        if edit in gold_by:
            rows[edit] = measures([edit])
    rows["copy~copy"] = measures(["copy~copy"])
    rows["copy~rewrite"] = measures(["copy~rewrite"])
    near = [e for e in gen.EDITS if e in gen.NEAR] + ["copy~copy"]
    rewrite = [e for e in gen.EDITS if e in gen.REWRITES] + ["copy~rewrite"]
    groups = {
        "verbatim/near": measures(near),
        "rewrite": measures(rewrite),
        "all (unrelated pairs included)": measures([*near, *rewrite, "unrelated"]),
    }
    unrelated = pred_by.get("unrelated", [])
    return {
        "by_edit": rows,
        "groups": groups,
        "unrelated_pred_pairs": len(unrelated),
        "unrelated_examples": [
            [a.doc, a.start, a.end, b.doc, b.start, b.end]
            for a, b in sorted(unrelated, key=lambda x: x[0].doc)[:5]
        ],
    }


def generation(s: Any, doc: str) -> int:
    """1 for a copy of the origin, 2 for a copy of a copy, ..."""
    g = 0
    while s.parents.get(doc):
        doc, g = s.parents[doc], g + 1
    return g


def origin_scores(s: Any, clusters: Sequence[Cluster]) -> dict[str, Any]:
    """Origin accuracy, parent accuracy and ARI of the predicted clusters against the stories."""
    members_by_doc: dict[str, list[tuple[Cluster, Any]]] = defaultdict(list)
    for c in clusters:
        for m in c.members:
            members_by_doc[m.passage.doc].append((c, m))

    def overlapping(g: Passage) -> list[tuple[Cluster, Any]]:
        return [
            (c, m)
            for c, m in members_by_doc.get(g.doc, ())
            if m.passage.start < g.end and g.start < m.passage.end
        ]

    correct = considered = parent_ok = parent_n = split = found = 0
    wrong: list[dict[str, Any]] = []
    by_edit_parent: dict[str, Counter] = defaultdict(Counter)
    by_generation: dict[int, Counter] = defaultdict(Counter)
    for gc in s.clusters:
        times = {m.doc: s.by_id[m.doc].time for m in gc.members}
        if len(gc.members) < 2 or any(t <= times[gc.origin] for d, t in times.items() if d != gc.origin):
            continue  # origin not strictly earliest: not scored
        considered += 1
        votes: Counter = Counter()
        for g in gc.members:
            for c in {c.id: c for c, _ in overlapping(g)}.values():
                votes[c.id] += 1
        if not votes:
            wrong.append({"story": gc.story, "gold_origin": gc.origin, "predicted": None})
            continue
        found += 1
        split += len(votes) > 1
        best_id = min(votes, key=lambda cid: (-votes[cid], cid))
        best = next(c for c in clusters if c.id == best_id)
        if best.origin is not None and best.origin.doc == gc.origin:
            correct += 1
        elif len(wrong) < 8:
            wrong.append(
                {
                    "story": gc.story,
                    "gold_origin": gc.origin,
                    "predicted": best.origin.doc if best.origin else None,
                    "edit_of_predicted": s.edits.get(best.origin.doc) if best.origin else None,
                }
            )
        for m in best.members:
            d = m.passage.doc
            if s.story_of.get(d) != gc.story or d == gc.origin:
                continue
            parent_n += 1
            ok = m.parent == s.parents[d]
            parent_ok += ok
            by_edit_parent[s.edits[d]]["ok" if ok else "wrong"] += 1
            by_generation[generation(s, d)]["ok" if ok else "wrong"] += 1
    gold_clusters = {f"s{gc.story}": list(gc.members) for gc in s.clusters}
    pred_clusters = {c.id: [m.passage for m in c.members] for c in clusters}
    ari = adjusted_rand(gold_clusters, pred_clusters)
    return {
        "origin_accuracy": correct / considered if considered else 1.0,
        "stories_scored": considered,
        "stories_found": found,
        "stories_split": split,
        "parent_accuracy": parent_ok / parent_n if parent_n else 1.0,
        "parent_by_edit": {k: dict(v) for k, v in sorted(by_edit_parent.items())},
        "parent_by_generation": {
            str(g): {**v, "accuracy": round(v["ok"] / (v["ok"] + v["wrong"]), 4)}
            for g, v in sorted(by_generation.items())
        },
        "ari": ari["ari"],
        "pred_clusters": len(clusters),
        "wrong_origins": wrong[:8],
    }


# ---------------------------------------------------------------------------------------------------------
# Running


def run(cfg: Config, n_stories: int = 300, seed: int = 1, articles: Path = ARTICLES) -> dict[str, Any]:
    """Generate, detect, score."""
    t0 = time.perf_counter()
    stories, filler, drawn = draw(articles, n_stories, n_filler=2 * n_stories, seed=seed)
    s = gen.generate(stories, filler, seed=seed)
    t1 = time.perf_counter()
    result = find_pairs(s.docs, cfg)
    clusters = Run(result, cfg).clusters
    t2 = time.perf_counter()
    return {
        "data": {"articles": str(articles), "seed": seed, **drawn, **s.stats},
        "config": {"profile": cfg.profile, "fingerprint": cfg.fingerprint()},
        "engine": engine_digest(),
        "pairs": pair_scores(s, result.matches),
        "origins": origin_scores(s, clusters),
        "seconds": {"generate": round(t1 - t0, 1), "detect_and_cluster": round(t2 - t1, 1)},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def format_report(r: dict[str, Any], command: str) -> str:
    d = r["data"]
    lines = [
        f"{d['stories']} SaudiNewsNet stories, {d['documents']} documents, {d['gold_pairs']} gold pairs "
        f"(seed {d['seed']}; profile {r['config']['profile']}, config {r['config']['fingerprint']}, "
        f"engine {r['engine']})",
        "",
        "| edit | doc pairs | found | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, m: dict[str, Any], bold: bool = False) -> str:
        f1 = f"**{m['f1']:.3f}**" if bold else f"{m['f1']:.3f}"
        return f"| {name} | {m['doc_pairs']} | {m['doc_pairs_found']} | {m['precision']:.3f} | {m['recall']:.3f} | {f1} |"

    for edit, m in r["pairs"]["by_edit"].items():
        lines.append(row(edit, m))
    for name, m in r["pairs"]["groups"].items():
        lines.append(row(name, m, bold=True))
    o = r["origins"]
    lines += [
        "",
        f"unrelated predicted pairs: {r['pairs']['unrelated_pred_pairs']}",
        f"origin accuracy {o['origin_accuracy']:.3f} ({o['stories_scored']} stories, {o['stories_found']} found, "
        f"{o['stories_split']} split over several clusters); parent accuracy {o['parent_accuracy']:.3f}; "
        f"ARI {o['ari']:.3f}",
        "parent accuracy by generation: "
        + ", ".join(
            f"{g}: {v['accuracy']:.3f} ({v.get('ok', 0)} of {v.get('ok', 0) + v.get('wrong', 0)})"
            for g, v in o["parent_by_generation"].items()
        ),
        f"targets: F1 >= {TARGETS['near']} verbatim/near, >= {TARGETS['rewrite']} rewrites, "
        f"origin accuracy >= {TARGETS['origin']}, parent accuracy >= {TARGETS['parent']} "
        f"(second generation >= {TARGETS['parent_generation_2']})",
        f"time: generate {r['seconds']['generate']} s, detect and cluster {r['seconds']['detect_and_cluster']} s; "
        f"peak memory {r['peak_rss_mb']:.0f} MB",
        f"command: {command}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Synthetic syndication benchmark: pair F1 per edit type and origin accuracy.",
        epilog="example: python benchmarks/synthetic.py --stories 300 --seed 1 --json synthetic.json",
    )
    parser.add_argument("--stories", type=int, default=300, help="stories to generate (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile")
    parser.add_argument("--config")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    parser.add_argument("--articles", default=str(ARTICLES), help="SaudiNewsNet articles.jsonl.gz")
    parser.add_argument("--json", help="write the report as JSON")
    args = parser.parse_args(argv)
    command = "python benchmarks/synthetic.py" + "".join(f" {shlex.quote(a)}" for a in (argv or sys.argv[1:]))
    try:
        cfg = load_config(args.config, args.profile)
        if args.set:
            cfg = with_overrides(cfg, parse_overrides(args.set))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not Path(args.articles).is_file():
        print(f"error: {args.articles}: no such file", file=sys.stderr)
        return 2
    report = run(cfg, args.stories, args.seed, Path(args.articles))
    report["command"] = command
    print(format_report(report, command))
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
