"""LSH banding: bands and rows from a target similarity, band keys, candidate pairs by bucket.

Grouping windows by band key gives exactly the candidates datasketch's ``MinHashLSH(params=(b, r))``
returns for the same signatures (``tests/test_lsh.py`` checks it), without a dict of byte strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

_KEY_MULT = np.uint64(0x9E3779B97F4A7C15)


def candidate_probability(s: np.ndarray | float, bands: int, rows: int) -> np.ndarray:
    """The probability that a pair of true Jaccard ``s`` shares at least one band: 1-(1-s^r)^b."""
    s = np.asarray(s, dtype=float)
    return 1.0 - (1.0 - s**rows) ** bands


def choose_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """Bands and rows minimising the weighted false-positive and false-negative areas around ``threshold``.

    The same criterion as datasketch's ``MinHashLSH(threshold=...)``.

    >>> choose_params(0.5, 128)
    (25, 5)
    """
    grid = np.linspace(0.0, 1.0, 2001)
    best, params = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            p = candidate_probability(grid, b, r)
            lo, hi = grid <= threshold, grid >= threshold
            fp = np.trapezoid(p[lo], grid[lo])
            fn = np.trapezoid(1.0 - p[hi], grid[hi])
            err = fp * fp_weight + fn * fn_weight
            if err < best:
                best, params = err, (b, r)
    return params


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """A 64-bit key per (window, band), band ``i`` being columns ``i*rows .. (i+1)*rows-1`` as in
    datasketch; equal rows give equal keys, and bands never share buckets. ``(n, bands)`` uint64."""
    n = sigs.shape[0]
    keys = np.zeros((n, bands), dtype=np.uint64)
    for i in range(bands):
        k = np.zeros(n, dtype=np.uint64)
        for c in range(i * rows, (i + 1) * rows):
            k = k * _KEY_MULT + sigs[:, c].astype(np.uint64) + np.uint64(1)
        keys[:, i] = k ^ np.uint64((i * 0xD6E8FEB86659FD93) & 0xFFFFFFFFFFFFFFFF)
    return keys


@dataclass
class CandidateStats:
    """What banding did: buckets seen, buckets dropped as too common, candidate pairs."""

    buckets: int = 0
    dropped_buckets: int = 0
    dropped_members: int = 0
    pairs: int = 0
    below_estimate: int = 0  # candidate pairs whose signature estimate fell under the floor
    dropped_examples: list[int] = field(default_factory=list)


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d integer array by sorting.

    numpy 2.3+ routes ``np.unique`` through a hash table, 30-100x slower on a million distinct int64.
    """
    x = np.sort(x)
    if len(x) < 2:
        return x
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def candidate_pairs(
    keys: np.ndarray, group: np.ndarray, max_bucket: int, stats: CandidateStats | None = None
) -> np.ndarray:
    """Pairs of windows ``(i, j)``, ``i < j``, that share a band bucket and belong to different groups.

    Args:
        keys: ``(n, bands)`` band keys.
        group: ``(n,)`` group (document) of each window; windows of one group are never paired.
        max_bucket: buckets with more windows than this are dropped (boilerplate) and counted.

    Returns:
        ``(m, 2)`` int64 array of unique pairs, sorted.
    """
    stats = stats if stats is not None else CandidateStats()
    n = keys.shape[0]
    group = np.ascontiguousarray(group, dtype=np.int64)
    out = []
    for band in range(keys.shape[1]):
        k = keys[:, band]
        order = np.argsort(k)  # no stable order needed: pairs are normalised and sorted below
        codes, counts = _bucket_pairs(order, k[order], group, max_bucket)
        stats.buckets += int(counts[0])
        stats.dropped_buckets += int(counts[1])
        stats.dropped_members += int(counts[2])
        out.append(codes)
        if len(out) > 16:  # keep the running list short: the same pair recurs in many bands
            out = [sorted_unique(np.concatenate(out))]
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    code = sorted_unique(np.concatenate(out))
    stats.pairs += len(code)
    return np.stack([code // n, code % n], axis=1)


@njit(cache=True)
def _bucket_pairs(order, ks, group, max_bucket):  # pragma: no cover - compiled; tests/test_lsh.py checks it
    """Codes ``x * n + y`` (``x < y``) of the window pairs of every band bucket (runs of equal ``ks``)
    from different groups, and ``(buckets, dropped buckets, dropped members)``."""
    n = len(order)
    counts = np.zeros(3, np.int64)
    total = 0
    s = 0
    while s < n:  # first pass: how many pairs
        e = s + 1
        while e < n and ks[e] == ks[s]:
            e += 1
        z = e - s
        if z >= 2:
            counts[0] += 1
            if z > max_bucket:
                counts[1] += 1
                counts[2] += z
            else:
                total += z * (z - 1) // 2
        s = e
    codes = np.empty(total, np.int64)
    m = 0
    s = 0
    while s < n:
        e = s + 1
        while e < n and ks[e] == ks[s]:
            e += 1
        if 2 <= e - s <= max_bucket:
            for i in range(s, e):
                for j in range(i + 1, e):
                    x, y = order[i], order[j]
                    if group[x] != group[y]:
                        codes[m] = min(x, y) * n + max(x, y)
                        m += 1
        s = e
    return codes[:m], counts


def shared_key_pairs(keys: np.ndarray, items: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Pairs of items ``(x, y)``, ``x < y``, of different groups that share a key (unique, sorted).

    The buckets of :func:`candidate_pairs` when the entries are given as flat ``(key, item)`` rows,
    as an index stores them (an item once per band, bands never sharing keys); the caller leaves out
    the keys of buckets too common to keep.
    """
    if len(keys) < 2:
        return np.empty((0, 2), dtype=np.int64)
    keys = np.ascontiguousarray(keys)
    order = np.argsort(keys, kind="stable")
    group = np.ascontiguousarray(group, dtype=np.int64)
    codes, _ = _bucket_pairs(order, keys[order], group, len(keys) + 1)
    n = len(keys)
    x, y = items[codes // n], items[codes % n]
    lo, hi = np.minimum(x, y).astype(np.int64), np.maximum(x, y).astype(np.int64)
    if not len(lo):
        return np.empty((0, 2), dtype=np.int64)
    both = np.unique(np.stack([lo, hi], axis=1), axis=0)
    return both
