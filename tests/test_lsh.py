"""syndetect.detect.lsh: banding parameters, band keys and candidate pairs, checked against datasketch.

Protects: ``choose_params`` picking datasketch's (b, r) for a threshold; grouping by band key giving
exactly the candidates ``MinHashLSH(params=(b, r))`` returns for the same signatures (so the recall
curve published for datasketch's banding is ours too); and boilerplate buckets being dropped and
counted instead of exploding into quadratic pair lists.
"""

from __future__ import annotations

import random
import re

import datasketch
import numpy as np
import pytest
from datasketch.lsh import _optimal_param

from syndetect.detect.lsh import (
    CandidateStats,
    band_keys,
    candidate_pairs,
    candidate_probability,
    choose_params,
)
from syndetect.detect.minhash import signature
from syndetect.detect.shingle import ngram_hashes, token_hashes
from syndetect.text.normalize import words
from tests.fixtures.planted import EMBEDDED, REORDERED, UNRELATED, WIRE

NUM_PERM = 128
SEED = 1


def _snippets() -> list[str]:
    """About 50 Arabic snippets: 17 sentences of the planted stories, and for each one a copy with a
    word dropped and a copy with one word changed (planted near-duplicates)."""
    base: list[str] = []
    for text in (WIRE, EMBEDDED, UNRELATED, REORDERED):
        for s in re.split(r"[.\n،]", text):
            if len(s.split()) >= 6 and s.strip() not in base:
                base.append(s.strip())
    rng = random.Random(3)
    out = list(base)
    for s in base:
        w = s.split()
        k = rng.randrange(len(w))
        out.append(" ".join(w[:k] + w[k + 1 :]))  # one word dropped
        k = rng.randrange(len(w))
        out.append(" ".join(w[:k] + ["تقريبا"] + w[k + 1 :]))  # one word changed
    return out


SNIPPETS = _snippets()


@pytest.fixture(scope="module")
def sigs() -> np.ndarray:
    rows = []
    for s in SNIPPETS:
        grams = ngram_hashes(token_hashes(words(s), 1), 2)
        rows.append(signature(grams, NUM_PERM, SEED))
    return np.stack(rows)


def _datasketch_pairs(sigs: np.ndarray, params: tuple[int, int], lean: bool) -> set[tuple[int, int]]:
    """Candidate pairs from datasketch's own index: insert every signature, query every signature."""
    lsh = datasketch.MinHashLSH(num_perm=NUM_PERM, params=params)
    cls = datasketch.LeanMinHash if lean else datasketch.MinHash
    mhs = [cls(seed=SEED, hashvalues=row, scheme="affine32") for row in sigs]
    for i, m in enumerate(mhs):
        lsh.insert(i, m)
    return {(min(i, j), max(i, j)) for i, m in enumerate(mhs) for j in lsh.query(m) if j != i}


@pytest.mark.parametrize("threshold", [0.1, 0.2, 0.3, 0.5, 0.7, 0.9])
@pytest.mark.parametrize("num_perm", [64, 128])
def test_choose_params_equals_datasketch(threshold: float, num_perm: int) -> None:
    assert choose_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_choose_params_for_the_profiles() -> None:
    """The defaults of the three profiles (the README's recall curve): pinned."""
    assert choose_params(0.3, 128) == (37, 3)  # syndication
    assert choose_params(0.5, 128) == (25, 5)  # crawl-dedup
    assert choose_params(0.2, 128) == (28, 2)  # rewrites


def test_fixture_has_planted_near_duplicates() -> None:
    assert 45 <= len(SNIPPETS) <= 60
    assert len(set(SNIPPETS)) == len(SNIPPETS)


def _planted(i: int, j: int) -> bool:
    """Whether snippets i < j are a sentence and one of its copies, or its two copies."""
    family = [k if k < 17 else (k - 17) // 2 for k in (i, j)]
    return family[0] == family[1]


# (bands, rows) and how many of the 51 planted pairs that banding catches at least (measured once;
# the point of the floor is only that the comparison is not vacuous).
BANDINGS = [((37, 3), 51), ((25, 5), 40), ((28, 2), 51), ((16, 8), 25), ((64, 2), 51), ((5, 25), 1)]


@pytest.mark.parametrize("params,planted", BANDINGS, ids=[str(b) for b, _ in BANDINGS])
@pytest.mark.parametrize("lean", [True, False], ids=["LeanMinHash", "MinHash"])
def test_candidate_pairs_equal_datasketch(
    sigs: np.ndarray, params: tuple[int, int], planted: int, lean: bool
) -> None:
    bands, rows = params
    expected = _datasketch_pairs(sigs, params, lean)
    stats = CandidateStats()
    got = candidate_pairs(band_keys(sigs, bands, rows), np.arange(len(sigs)), len(sigs), stats)
    assert {tuple(p) for p in got.tolist()} == expected
    assert stats.pairs == len(expected) and stats.dropped_buckets == 0
    n = len(SNIPPETS)
    assert sum(_planted(i, j) for i, j in expected) >= planted
    assert len(expected) < n * (n - 1) // 4


def test_candidate_pairs_are_sorted_unique_and_cross_group(sigs: np.ndarray) -> None:
    keys = band_keys(sigs, 28, 2)
    group = np.arange(len(sigs)) % 17  # a snippet and its two copies share a group
    got = candidate_pairs(keys, group, 1000)
    assert (got[:, 0] < got[:, 1]).all()
    assert len(np.unique(got, axis=0)) == len(got)
    assert (group[got[:, 0]] != group[got[:, 1]]).all()
    assert got.tolist() == sorted(got.tolist())


def test_band_keys_equal_rows_equal_keys() -> None:
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32, size=(6, 12), dtype=np.uint32)
    sigs[1] = sigs[0]
    sigs[2, :4] = sigs[0, :4]  # shares band 0 only (rows=4)
    keys = band_keys(sigs, 3, 4)
    assert keys.shape == (6, 3) and keys.dtype == np.uint64
    assert (keys[0] == keys[1]).all()
    assert keys[2, 0] == keys[0, 0] and (keys[2, 1:] != keys[0, 1:]).all()
    # the same rows in two different bands do not give the same key
    same = np.tile(sigs[3, :4], 3)[None, :]
    k = band_keys(same, 3, 4)
    assert len(set(k[0].tolist())) == 3


def test_max_bucket_drops_and_counts_big_buckets() -> None:
    """A boilerplate band value shared by 8 windows is dropped (it would give 28 pairs); a bucket of
    3 under the cap still pairs; the stats say what went."""
    keys = np.array(
        [
            [7, 100],
            [7, 101],
            [7, 102],
            [7, 103],
            [7, 104],
            [7, 105],
            [7, 106],
            [7, 107],
            [1, 50],
            [1, 51],
            [1, 52],
        ],
        dtype=np.uint64,
    )
    keys[1, 1] = 100  # windows 0 and 1 also share band 1: still a candidate through it
    group = np.arange(len(keys))
    stats = CandidateStats()
    got = candidate_pairs(keys, group, max_bucket=5, stats=stats)
    assert got.tolist() == [[0, 1], [8, 9], [8, 10], [9, 10]]
    assert stats.dropped_buckets == 1
    assert stats.dropped_members == 8
    assert stats.buckets == 3  # buckets of two or more: band 0 -> {7...}, {1...}; band 1 -> {100}
    assert stats.pairs == 4
    # with a cap above the bucket size, the 8 windows pair up: C(8, 2) + 3
    assert len(candidate_pairs(keys, group, max_bucket=8)) == 28 + 3


def test_candidate_pairs_of_nothing() -> None:
    assert candidate_pairs(np.empty((0, 4), np.uint64), np.empty(0, np.int64), 10).shape == (0, 2)
    assert candidate_pairs(np.arange(8, dtype=np.uint64).reshape(4, 2), np.arange(4), 10).shape == (0, 2)


def test_candidate_probability() -> None:
    assert candidate_probability(0.0, 37, 3) == 0.0
    assert candidate_probability(1.0, 37, 3) == 1.0
    # datasketch's own example: threshold 0.9 gives 5 x 25, and a pair at J = 0.9 is a candidate 31% of the time
    assert abs(float(candidate_probability(0.9, 5, 25)) - 0.31) < 0.01
    s = np.linspace(0, 1, 11)
    assert (np.diff(candidate_probability(s, 25, 5)) >= 0).all()
