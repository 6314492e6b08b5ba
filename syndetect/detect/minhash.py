"""MinHash signatures of many token windows at once, identical to datasketch 2.x ``affine32``.

Each input hash ``h`` (32-bit) is pre-mixed with the MurmurHash3 finalizer and permuted by
``a_k * h + b_k mod 2**32`` with datasketch's own permutation parameters for (num_perm, seed); a
window's signature is the column-wise minimum over its hashes. Permuted values are computed once per
position and shared by the overlapping windows through block minima, so the cost is one pass over the
hashes whatever the overlap.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import datasketch
import numpy as np
from numba import njit

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)

_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@dataclass(frozen=True)
class SchemeInfo:
    """What makes signatures comparable; stored with every output and index."""

    scheme: str
    num_perm: int
    seed: int
    hash: str
    datasketch: str

    def check(self, other: SchemeInfo) -> None:
        """Refuse to mix signatures made under different schemes."""
        if (self.scheme, self.num_perm, self.seed, self.hash) != (
            other.scheme,
            other.num_perm,
            other.seed,
            other.hash,
        ):
            raise ValueError(
                f"MinHash scheme mismatch: {other} cannot be mixed with {self}; rebuild with one scheme"
            )


def scheme_info(num_perm: int, seed: int, hash_name: str) -> SchemeInfo:
    return SchemeInfo(SCHEME, num_perm, seed, hash_name, datasketch.__version__)


@functools.lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own ``affine32`` permutation parameters ``(a, b)`` for (num_perm, seed)."""
    a, b = datasketch.MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return np.ascontiguousarray(a, dtype=np.uint32), np.ascontiguousarray(b, dtype=np.uint32)


def fmix32(h: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer, elementwise (a bijection)."""
    s1, m1, s2, m2, s3 = _FMIX
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s3)


def block_minima(hashes: np.ndarray, block_starts: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """The MinHash of each block of consecutive hashes: ``(len(block_starts), num_perm)`` uint32.

    Blocks are ``hashes[block_starts[i]:block_starts[i+1]]`` (the last runs to the end) and must be
    non-empty. Values equal to ``EMPTY`` in ``hashes`` are masked out (a block of only those stays EMPTY).
    One compiled pass: each position is permuted ``num_perm`` times (a loop the compiler vectorizes)
    and folded into its block's running minimum.
    """
    a, b = permutations(num_perm, seed)
    nb = len(block_starts)
    if nb == 0:
        return np.empty((0, num_perm), dtype=np.uint32)
    starts = np.ascontiguousarray(block_starts, dtype=np.int64)
    ends = np.append(starts[1:], len(hashes))
    hashes = np.ascontiguousarray(hashes, dtype=np.uint32)
    return _block_minima(fmix32(hashes), hashes == EMPTY, starts, ends, a, b)


@njit(cache=True)
def _block_minima(
    mixed, masked, starts, ends, a, b
):  # pragma: no cover - compiled; see tests/test_minhash.py
    out = np.full((len(starts), len(a)), EMPTY, dtype=np.uint32)
    for i in range(len(starts)):
        row = out[i]
        for p in range(starts[i], ends[i]):
            if masked[p]:
                continue
            h = mixed[p]
            for k in range(len(a)):
                v = np.uint32(a[k] * h + b[k])  # affine32: a * h + b modulo 2**32
                if v < row[k]:
                    row[k] = v
    return out


def signature(hashes: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """The MinHash signature of one set of 32-bit hashes (EMPTY everywhere for an empty set)."""
    if len(hashes) == 0:
        return np.full(num_perm, EMPTY, dtype=np.uint32)
    return block_minima(hashes, np.array([0]), num_perm, seed)[0]


def window_signatures(
    block_sigs: np.ndarray, blocks_per_doc: np.ndarray, span: int
) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of windows of ``span`` consecutive blocks within each document.

    Returns ``(sigs, first_block)``: one row per window and the global index of its first block. A
    document with fewer than ``span`` blocks gets one window over all of them.
    """
    offsets = np.concatenate(([0], np.cumsum(blocks_per_doc)))
    nwin = np.maximum(blocks_per_doc - span + 1, 1)
    nwin[blocks_per_doc == 0] = 0
    total = int(nwin.sum())
    first = np.repeat(offsets[:-1], nwin) + (np.arange(total) - np.repeat(np.cumsum(nwin) - nwin, nwin))
    last_block = np.repeat(offsets[1:] - 1, nwin)
    sigs = block_sigs[first].copy()
    for k in range(1, span):
        idx = np.minimum(first + k, last_block)
        np.minimum(sigs, block_sigs[idx], out=sigs)
    return sigs, first
