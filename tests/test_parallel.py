"""Forked processes change how fast, never what: the same pairs in the same order with any ``run.jobs``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from syndetect.config import load_config, with_overrides
from syndetect.detect import corpus as engine
from syndetect.detect.corpus import find_pairs
from syndetect.io.readers import read_documents
from syndetect.parallel import chunks, fork_map, processes

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.jsonl"


def test_chunks_cover_the_range_once():
    for total in (0, 1, 7, 2000, 12345):
        bounds = chunks(total, 3, 500)
        covered = [k for lo, hi in bounds for k in range(lo, hi)]
        assert covered == list(range(total))
        assert all(hi - lo <= 500 for lo, hi in bounds)


def test_processes_keep_enough_work_each():
    assert processes(4, 10, 500) == 1
    assert processes(4, 1000, 500) == 2
    assert processes(2, 10**6, 500) == 2
    assert processes(0, 10**6, 1) >= 1


def _square(shared, lo, hi):
    return [shared * k * k for k in range(lo, hi)]


def test_fork_map_keeps_chunk_order():
    bounds = chunks(1000, 2, 37)
    parallel = [x for part in fork_map(_square, 3, bounds, 2) for x in part]
    assert parallel == [3 * k * k for k in range(1000)]


@pytest.mark.parametrize("profile", ["syndication", "rewrites"])
def test_two_processes_give_the_same_pairs(monkeypatch, profile):
    # The demo corpus is small: let every stage fork anyway.
    monkeypatch.setattr(engine, "MIN_PAIRS_PER_JOB", 1)
    monkeypatch.setattr(engine, "MIN_DOCS_PER_JOB", 1)
    cfg = load_config(profile=profile)
    docs = list(read_documents([str(DEMO)], cfg.read))
    one = find_pairs(docs, with_overrides(cfg, {"run": {"jobs": 1}}))
    two = find_pairs(docs, with_overrides(cfg, {"run": {"jobs": 2}}))
    assert one.stats["verify_processes"] == 1
    assert two.stats["verify_processes"] == 2
    assert one.matches and two.matches == one.matches
    for f, g in zip(one.corpus.feats, two.corpus.feats, strict=True):  # features packed and unpacked
        assert f.indexed == g.indexed
        for name in (
            "tokens",
            "content",
            "grams",
            "gram_keys",
            "gram_start",
            "gram_pos",
            "bag_keys",
            "words",
        ):
            assert np.array_equal(getattr(f, name), getattr(g, name)), name
    assert with_overrides(cfg, {"run": {"jobs": 2}}).fingerprint() == cfg.fingerprint()
