"""Speed of Arabic normalization and tokenization on SaudiNewsNet, single core.

Reads ``articles.jsonl.gz`` (field ``text``) from the shared data directory, never copying it, and
prints MB/s of UTF-8 input per second of CPU time (and of wall time) for each function, best of
``--repeat`` runs taken in turns, and the speed relative to the baseline: pyarabic's
``strip_tashkeel`` + ``strip_tatweel`` + ``normalize_hamza``, which does fewer folds than ours.

Usage:
    .venv/bin/python benchmarks/bench_normalize.py [--limit N] [--repeat R] [--data PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "saudinewsnet" / "articles.jsonl.gz"


def load_texts(path: Path, limit: int | None) -> list[str]:
    """The ``text`` field of the first ``limit`` articles (all when None)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in islice(fh, limit)]


def measure(
    fns: dict[str, Callable[[str], object]], texts: list[str], repeat: int
) -> dict[str, tuple[float, float]]:
    """Best CPU and wall seconds of each function over every text.

    The functions take turns (round robin) so that a busy machine slows them all alike.
    """
    best = dict.fromkeys(fns, (float("inf"), float("inf")))
    for _ in range(repeat):
        for name, fn in fns.items():
            cpu, wall = time.process_time(), time.perf_counter()
            for text in texts:
                fn(text)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            best[name] = (min(best[name][0], cpu), min(best[name][1], wall))
    return best


def candidates() -> dict[str, Callable[[str], object]]:
    """The functions to time, by row label."""
    import pyarabic.araby as araby

    from syndetect.text.normalize import _plan_for, normalize, normalize_text, tokenize, words
    from syndetect.text.sentences import sentences

    table = _plan_for(None).table
    return {
        "normalize_text": normalize_text,
        "normalize (offsets)": normalize,
        "tokenize (offsets)": tokenize,
        "words": words,
        "segment.sentences": sentences,
        "ref: str.translate, same table": lambda t: " ".join(t.translate(table).split()),
        "baseline: pyarabic": lambda t: araby.normalize_hamza(
            araby.strip_tatweel(araby.strip_tashkeel(t)), method="tasheel"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    parser.add_argument("--repeat", type=int, default=3, help="runs per function; the best is kept")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="articles.jsonl.gz")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: {args.data}: not found (the shared SaudiNewsNet data, see --data)", file=sys.stderr)
        return 2
    texts = load_texts(args.data, args.limit)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    fns = candidates()
    fns["normalize_text"]("warm up")  # character tables are built on first use (about 0.5 s)
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{len(texts)} articles, {mb:.1f} MB UTF-8, best of {args.repeat}")
    timings = measure(fns, texts, args.repeat)
    base = timings["baseline: pyarabic"][0]
    print(f"{'function':32s} {'MB/s cpu':>9s} {'MB/s wall':>10s} {'x baseline':>11s}")
    for name, (cpu, wall) in timings.items():
        print(f"{name:32s} {mb / cpu:9.1f} {mb / wall:10.1f} {base / cpu:11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
