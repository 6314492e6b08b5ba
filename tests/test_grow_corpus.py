"""The corpus generator of the scaling benchmark (``benchmarks/grow_corpus.py``): deterministic for a
seed, valid unique records, copies published after (and by another outlet than) their source, and the
kinds it made close to SaudiNewsNet's measured shares by its own bookkeeping. Needs SaudiNewsNet
(``../shared/data``); skips loudly without it."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests.fixtures.saudinewsnet import ARTICLES

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "grow_corpus.py"
N = 5000
BASE_ARTICLES = 4000  # the first articles only: enough material, and quick to read


def _module():
    name = "syndetect_bench_grow_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def grow():
    if not ARTICLES.exists():
        pytest.skip(f"SaudiNewsNet is missing ({ARTICLES}): the corpus generator test did not run")
    return _module()


@pytest.fixture(scope="module")
def base(grow):
    return grow.load_base(ARTICLES, limit=BASE_ARTICLES)


@pytest.fixture(scope="module")
def corpus(grow, base, tmp_path_factory):
    """N documents written by the CLI's writer (gzipped), read back."""
    path = tmp_path_factory.mktemp("grow") / "grown.jsonl.gz"
    kinds = grow.write(path, grow.generate(N, 7, base))
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    return records, kinds


def test_same_seed_same_corpus_and_smaller_is_a_head(grow, base, corpus):
    records, _ = corpus
    assert list(grow.generate(300, 7, base)) == records[:300]
    assert list(grow.generate(300, 8, base)) != records[:300]


def test_records_are_valid_input_with_unique_ids(corpus):
    records, _ = corpus
    assert len(records) == N
    assert len({r["id"] for r in records}) == N
    for r in records:
        assert isinstance(r["id"], str) and isinstance(r["text"], str) and r["outlet"]
        assert datetime.fromisoformat(r["published"]).tzinfo is not None
        assert r["reuse"] in ("reprint", "trim", "excerpt", "rewrite", "original")
    times = [datetime.fromisoformat(r["published"]) for r in records]
    assert times == sorted(times) and len(set(times)) == N  # publication order


def test_copies_are_later_and_by_another_outlet(corpus):
    records, _ = corpus
    by_id = {r["id"]: r for r in records}
    copies = [r for r in records if r["reuse"] != "original"]
    assert copies
    for r in copies:
        src = by_id[r["reuse_of"]]
        assert datetime.fromisoformat(src["published"]) < datetime.fromisoformat(r["published"])
        assert src["outlet"] != r["outlet"] and r["outlet"] != "was"
    assert all(r["reuse_of"] is None for r in records if r["reuse"] == "original")


def test_kinds_keep_the_measured_shares(grow, corpus):
    records, kinds = corpus
    assert kinds == Counter(r["reuse"] for r in records)
    for kind, target in grow.SHARES.items():
        assert abs(kinds[kind] / N - target) <= 0.02, (kind, kinds[kind] / N, target)


def test_whole_copies_keep_their_source_words(grow, corpus):
    """A reprint has all its source's words (respelled perhaps), a trim its first sentences only."""
    records, _ = corpus
    by_id = {r["id"]: r for r in records}
    for r in records:
        if r["reuse"] in ("reprint", "trim"):
            src = by_id[r["reuse_of"]]["text"]
            if r["reuse"] == "reprint":
                assert len(r["text"].split()) == len(src.split())
            else:
                assert len(r["text"].split()) < len(src.split())


def test_measure_rule_on_hand_made_pairs(grow):
    """The classification rule: no earlier match is an original; whole copies are reprints or trims by
    how much of the source they cover; partial ones excerpts; rewrite spans make rewrites."""
    lengths = {"s": 100, "r": 100, "t": 50, "e": 200, "w": 100, "o": 100}

    def pair(src, cp, s, c, kind="exact"):
        return {
            "a": {"doc": src, "published": "2015-07-21T06:00:00", "start": s[0], "end": s[1]},
            "b": {"doc": cp, "published": "2015-07-21T07:00:00", "start": c[0], "end": c[1]},
            "kind": kind,
            "source": None,
        }

    pairs = [
        pair("s", "r", (0, 99), (0, 99)),
        pair("s", "t", (0, 50), (0, 50)),
        pair("s", "e", (0, 60), (70, 130)),
        pair("s", "w", (0, 98), (0, 98), "rewrite"),
    ]
    kinds = grow.classify(lengths, pairs)
    assert kinds == {
        "s": "original",
        "r": "reprint",
        "t": "trim",
        "e": "excerpt",
        "w": "rewrite",
        "o": "original",
    }
