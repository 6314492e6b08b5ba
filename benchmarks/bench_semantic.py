"""The opt-in semantic channel on one day of SaudiNewsNet: cost, and a precision sample checked with an
independent signal.

Usage:
    nice -n 10 python benchmarks/bench_semantic.py                  # the day 2015-08-10 (1,700 articles)
    python benchmarks/bench_semantic.py --day 2015-08-11 --jobs 2 --sample 60 --seed 1
    python benchmarks/bench_semantic.py --limit 300                 # the first 300 articles of the day

Cost: the channel's statistics (units, distinct texts encoded, document pairs, paraphrase pairs), the
stage seconds, CPU seconds, and the peak PSS of the whole process tree (forked encoder workers
included, sampled every 0.25 s), with the same per 1,000 documents.

Precision sample: the ``paraphrase`` pairs between two documents that no lexical channel links (no
``exact``/``near``/``rewrite`` match between them: what the channel adds), a seeded random sample of
``--sample`` of them, written side by side to ``--out`` (a Markdown file outside the repository: the
text is third-party) with, for each pair, the independent signal: the numbers and the *rare words*
(name-like: a word, folded and without its article, that at most ``--rare`` of the day's documents
contain) that the two passages share. A pair is *confirmed* when the passages share a number of two
digits or more or at least two rare words. The same signal on a control, as many random sentence pairs
of two documents of the day with no lexical link, gives the rate at which it fires by chance.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import resource
import sys
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_pairs import DATA as SNN_DIR  # noqa: E402
from bench_pairs import tree_pss_mb  # noqa: E402

from syndetect.config import load_config, with_overrides  # noqa: E402
from syndetect.detect.corpus import find_pairs  # noqa: E402
from syndetect.io.readers import document_from_record  # noqa: E402
from syndetect.text.normalize import normalize  # noqa: E402
from syndetect.text.sentences import sentences  # noqa: E402
from syndetect.text.stopwords import STOPWORDS  # noqa: E402

DATA = SNN_DIR / "articles.jsonl.gz"
_WORD = re.compile(r"[^\W\d_]{3,}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")


class PeakPss:
    """The peak PSS (MB) of this process and its descendants, sampled every 0.25 s in a thread."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import os

        while not self._stop.is_set():
            self.peak = max(self.peak, tree_pss_mb(os.getpid()))
            self._stop.wait(0.25)

    def __enter__(self) -> PeakPss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def words(text: str) -> set[str]:
    """Folded content words of a text without their article (a crude stand-in for names)."""
    out = set()
    for w in _WORD.findall(normalize(text).text):
        for p in _PREFIXES:
            if w.startswith(p) and len(w) - len(p) >= 3:
                w = w[len(p) :]
                break
        if w not in STOPWORDS:
            out.add(w)
    return out


def numbers(text: str) -> set[str]:
    """Numbers of two digits or more (digits folded to ASCII by the normalizer)."""
    return {n for n in _NUMBER.findall(normalize(text).text) if sum(c.isdigit() for c in n) >= 2}


def signal(a: str, b: str, rare: set[str]) -> dict:
    """The independent check of one passage pair: shared numbers and shared rare words."""
    shared_numbers = sorted(numbers(a) & numbers(b))
    shared_rare = sorted((words(a) & words(b)) & rare)
    return {
        "numbers": shared_numbers,
        "rare_words": shared_rare,
        "confirmed": bool(shared_numbers) or len(shared_rare) >= 2,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--day", default="2015-08-10")
    ap.add_argument("--limit", type=int, help="only the first N articles of the day")
    ap.add_argument("--jobs", type=int, default=0, help="run.jobs (0: all cores)")
    ap.add_argument("--sample", type=int, default=60, help="pairs in the precision sample")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rare", type=float, default=0.01, help="share of the day's documents a rare word is in")
    ap.add_argument("--out", default="/tmp/semantic_sample.md", help="the side-by-side file")
    ap.add_argument("--json", help="write the figures as JSON here")
    args = ap.parse_args()

    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        recs = [r for r in map(json.loads, fh) if r["date"][:10] == args.day]
    recs = recs[: args.limit] if args.limit else recs
    docs = [document_from_record(r, f"{DATA.name}:{k}") for k, r in enumerate(recs, 1)]
    cfg = with_overrides(load_config(profile="translations"), {"run": {"jobs": args.jobs}})
    c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with PeakPss() as pss:
        result = find_pairs(docs, cfg)
    wall = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime for a, b in zip(c0, c1, strict=True))
    sem = result.stats["semantic"]
    per_k = 1000 / max(1, len(docs))

    # ------------------------------------------------------------------ the precision sample
    by_id = {d.id: d for d in docs}
    linked = {frozenset((m.a.doc, m.b.doc)) for m in result.matches if m.kind != "paraphrase"}
    para = [m for m in result.matches if m.kind == "paraphrase"]
    new = [m for m in para if frozenset((m.a.doc, m.b.doc)) not in linked]
    df: Counter = Counter()
    for d in docs:
        df.update(words(d.text))
    rare = {w for w, n in df.items() if n <= max(2, args.rare * len(docs))}
    rng = random.Random(args.seed)
    sample = rng.sample(new, min(args.sample, len(new)))
    checked = []
    for m in sample:
        ta = by_id[m.a.doc].text[m.a.start : m.a.end]
        tb = by_id[m.b.doc].text[m.b.start : m.b.end]
        checked.append((m, ta, tb, signal(ta, tb, rare)))
    # control: random sentence pairs of two documents of the day that no lexical channel links
    sents = {d.id: [d.text[s:e] for s, e in sentences(d.text) if len(d.text[s:e].split()) >= 8] for d in docs}
    ids = [i for i, s in sents.items() if s]
    control = []
    while len(control) < len(sample) and len(ids) > 1:
        x, y = rng.sample(ids, 2)
        if by_id[x].outlet == by_id[y].outlet or frozenset((x, y)) in linked:
            continue
        control.append(signal(rng.choice(sents[x]), rng.choice(sents[y]), rare))
    confirmed = sum(c[3]["confirmed"] for c in checked)
    chance = sum(c["confirmed"] for c in control)

    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(
            f"# Semantic channel, SaudiNewsNet {args.day}: {len(sample)} of {len(new)} paraphrase pairs "
            f"between documents no lexical channel links (seed {args.seed})\n\n"
            f"Confirmed (a shared number of 2+ digits, or 2+ shared rare words): {confirmed} of "
            f"{len(sample)}; the same signal on {len(control)} random sentence pairs: {chance}.\n\n"
        )
        for k, (m, ta, tb, sig) in enumerate(checked, 1):
            da, db = by_id[m.a.doc], by_id[m.b.doc]
            fh.write(
                f"## {k}. cosine {m.cosine:.3f}, {'confirmed' if sig['confirmed'] else 'not confirmed'}: "
                f"numbers {sig['numbers']}, rare words {sig['rare_words']}\n\n"
                f"- **{da.id}** ({da.outlet}) [{m.a.start}:{m.a.end}]: {ta}\n"
                f"- **{db.id}** ({db.outlet}) [{m.b.start}:{m.b.end}]: {tb}\n\n"
            )

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "day": args.day,
        "documents": len(docs),
        "jobs": args.jobs,
        "semantic": sem,
        "lexical_seconds": result.stats["seconds"],
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_pss_mb": round(pss.peak),
        "peak_rss_mb": {"main": round(own), "largest_worker": round(kids)},
        "per_1000_documents": {
            "texts_encoded": round(sem["texts_encoded"] * per_k),
            "wall_seconds": round(wall * per_k, 1),
            "cpu_seconds": round(cpu * per_k, 1),
        },
        "paraphrase_pairs": len(para),
        "paraphrase_pairs_without_lexical_link": len(new),
        "sample": len(sample),
        "confirmed": confirmed,
        "control": len(control),
        "control_confirmed": chance,
        "sample_file": args.out,
    }
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
