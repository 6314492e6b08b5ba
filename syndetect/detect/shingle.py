"""Shingles: tokens hashed with a named, seeded hash, combined into word n-grams.

The hash is ``xxh64`` of the token's UTF-8 bytes with the configured seed; an n-gram's hash is a
polynomial over its tokens' hashes modulo 2**64, folded to 32 bits (the width of datasketch's
``affine32`` scheme). ``ngram_hash32`` computes the same value for one n-gram given as text, so a
datasketch ``MinHash(hashfunc=...)`` fed the n-gram strings gives the very same signature.

Example:
    >>> h = token_hashes(["بوتين", "الاسد", "موسكو"], seed=1)
    >>> g = ngram_hashes(h, 2)
    >>> int(g[0]) == ngram_hash32("بوتين الاسد", n=2, seed=1)
    True
"""

from __future__ import annotations

import numpy as np
import xxhash

HASH_NAME = "xxh64-poly-fold32"

# Odd 64-bit multipliers, one per n-gram position (n up to 8).
_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)
MAX_NGRAM = len(_MULTIPLIERS)


def token_hashes(words: list[str], seed: int = 1) -> np.ndarray:
    """The 64-bit hash of every token (``xxh64`` of its UTF-8 bytes, seeded)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    table = {w: xxhash.xxh64_intdigest(w.encode("utf-8"), seed) for w in set(words)}
    return np.fromiter((table[w] for w in words), dtype=np.uint64, count=len(words))


def fold32(h: np.ndarray) -> np.ndarray:
    """Fold 64-bit hashes to 32 bits (high half xor low half)."""
    return ((h >> np.uint64(32)) ^ h).astype(np.uint32)


def ngram_hashes(hashes: np.ndarray, n: int) -> np.ndarray:
    """The 32-bit hash of every word n-gram, from the tokens' 64-bit hashes.

    Returns ``len(hashes) - n + 1`` values (none when there are fewer than ``n`` tokens).
    """
    if not 1 <= n <= MAX_NGRAM:
        raise ValueError(f"n={n}: word n-grams must have 1 to {MAX_NGRAM} tokens")
    m = len(hashes) - n + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint32)
    acc = hashes[:m] * _MULTIPLIERS[0]
    for k in range(1, n):
        acc = acc + hashes[k : k + m] * _MULTIPLIERS[k]
    return fold32(acc)


def ngram_hash32(ngram: str | bytes, n: int, seed: int = 1) -> int:
    """The hash ``ngram_hashes`` gives one n-gram, from its tokens joined by single spaces.

    Usable as a datasketch ``hashfunc`` (it accepts the UTF-8 bytes datasketch passes).
    """
    if isinstance(ngram, bytes):
        ngram = ngram.decode("utf-8")
    parts = ngram.split(" ")
    if len(parts) != n:
        raise ValueError(f"{ngram!r} has {len(parts)} tokens, expected {n}")
    return int(ngram_hashes(token_hashes(parts, seed), n)[0])
