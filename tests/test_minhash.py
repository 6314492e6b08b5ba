"""syndetect.detect.minhash: vectorized signatures identical to datasketch 2.x ``affine32``.

Protects: signatures interchangeable with datasketch's (same scheme, permutations, seed), overlapping
window signatures equal to signing each window directly, masked positions (``EMPTY``) ignored, and
the refusal to mix signatures made under different schemes.
"""

from __future__ import annotations

import dataclasses
import functools

import datasketch
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndetect.detect.minhash import (
    EMPTY,
    SCHEME,
    block_minima,
    permutations,
    scheme_info,
    signature,
    window_signatures,
)
from syndetect.detect.shingle import HASH_NAME, ngram_hash32, ngram_hashes, token_hashes
from syndetect.text.normalize import words
from tests.fixtures.planted import EDITED, EMBEDDED, REORDERED, TRIMMED, UNRELATED, WIRE

DOCS = {
    "wire": WIRE,
    "trimmed": TRIMMED,
    "edited": EDITED,
    "reordered": REORDERED,
    "embedded": EMBEDDED,
    "unrelated": UNRELATED,
    "short": "قال المتحدث باسم الوزارة",
}
NGRAM = 3
SHINGLE_SEED = 1


def _grams(text: str) -> tuple[list[str], np.ndarray]:
    """A document's word 3-grams as text (for datasketch) and as syndetect's 32-bit hashes."""
    w = words(text)
    texts = [" ".join(w[i : i + NGRAM]) for i in range(len(w) - NGRAM + 1)]
    return texts, ngram_hashes(token_hashes(w, SHINGLE_SEED), NGRAM)


def _datasketch(texts: list[str], num_perm: int, seed: int) -> datasketch.MinHash:
    m = datasketch.MinHash(
        num_perm=num_perm,
        seed=seed,
        hashfunc=functools.partial(ngram_hash32, n=NGRAM, seed=SHINGLE_SEED),
        scheme="affine32",
    )
    m.update_batch(texts)
    return m


@pytest.mark.parametrize("num_perm", [64, 128], ids=lambda p: f"perm={p}")
@pytest.mark.parametrize("seed", [1, 7], ids=lambda s: f"seed={s}")
@pytest.mark.parametrize("doc", sorted(DOCS))
def test_signature_equals_datasketch(doc: str, num_perm: int, seed: int) -> None:
    texts, grams = _grams(DOCS[doc])
    assert len(texts) == len(grams) > 0
    ours = signature(grams, num_perm, seed)
    assert ours.dtype == np.uint32
    np.testing.assert_array_equal(ours, _datasketch(texts, num_perm, seed).hashvalues)


@pytest.mark.parametrize("num_perm", [64, 128], ids=lambda p: f"perm={p}")
@pytest.mark.parametrize("seed", [1, 7], ids=lambda s: f"seed={s}")
def test_block_minima_of_many_docs_equals_datasketch(num_perm: int, seed: int) -> None:
    """One batch, one block per document: each row is that document's datasketch signature."""
    texts, grams = zip(*(_grams(DOCS[d]) for d in sorted(DOCS)), strict=True)
    lens = [len(g) for g in grams]
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    sigs = block_minima(np.concatenate(grams), starts, num_perm, seed)
    for row, t in zip(sigs, texts, strict=True):
        np.testing.assert_array_equal(row, _datasketch(t, num_perm, seed).hashvalues)


def test_permutations_are_datasketchs() -> None:
    a, b = permutations(128, 1)
    da, db = datasketch.MinHash(num_perm=128, seed=1, scheme=SCHEME).permutations
    np.testing.assert_array_equal(a, da)
    np.testing.assert_array_equal(b, db)
    assert (a & 1).all()  # odd multipliers: a bijection on 32-bit values


def test_lean_minhash_round_trip() -> None:
    """A syndetect signature loads into datasketch as a LeanMinHash and estimates Jaccard like it."""
    ta, ga = _grams(WIRE)
    tb, gb = _grams(EDITED)
    lean = datasketch.LeanMinHash(seed=1, hashvalues=signature(ga, 128, 1), scheme="affine32")
    other = _datasketch(tb, 128, 1)
    assert lean.jaccard(other) == float(np.mean(signature(ga, 128, 1) == signature(gb, 128, 1)))


@pytest.mark.parametrize("stride,span", [(5, 2), (7, 3), (20, 2), (4, 1)], ids=lambda v: str(v))
def test_window_signatures_equal_direct_signatures(stride: int, span: int) -> None:
    """Windows built from shared block minima equal signing each window's hashes directly, and a
    document shorter than one window gets one window over all of it."""
    docs = [_grams(DOCS[d])[1] for d in ("wire", "short", "embedded", "unrelated")]
    lens = np.array([len(g) for g in docs])
    nblocks = -(-lens // stride)
    offsets = np.concatenate(([0], np.cumsum(lens)[:-1]))
    block_starts = np.concatenate([o + np.arange(0, n, stride) for o, n in zip(offsets, lens, strict=True)])
    bsig = block_minima(np.concatenate(docs), block_starts, 64, 3)
    sigs, first = window_signatures(bsig, nblocks, span)
    block_doc = np.repeat(np.arange(len(docs)), nblocks)
    block_pos = np.concatenate([np.arange(0, n, stride) for n in lens])
    expected_windows = sum(max(int(nb) - span + 1, 1) for nb in nblocks)
    assert len(sigs) == len(first) == expected_windows
    for sig, fb in zip(sigs, first.tolist(), strict=True):
        d, p = block_doc[fb], block_pos[fb]
        window = docs[d][p : p + span * stride]
        np.testing.assert_array_equal(sig, signature(window, 64, 3))
    # the short document (fewer positions than one window): exactly one window over all of it
    short_first = first[block_doc[first] == 1]
    assert len(short_first) == 1
    np.testing.assert_array_equal(sigs[block_doc[first] == 1][0], signature(docs[1], 64, 3))


def test_window_signatures_skip_empty_documents() -> None:
    bsig = block_minima(np.arange(10, dtype=np.uint32), np.array([0, 5]), 16, 1)
    sigs, first = window_signatures(bsig, np.array([0, 2, 0]), 2)
    assert first.tolist() == [0]
    np.testing.assert_array_equal(sigs[0], np.minimum(bsig[0], bsig[1]))


def test_masked_positions_are_ignored() -> None:
    _, grams = _grams(WIRE)
    masked = grams.copy()
    masked[::3] = EMPTY
    np.testing.assert_array_equal(signature(masked, 128, 1), signature(grams[masked != EMPTY], 128, 1))


def test_block_of_only_masked_positions_stays_empty() -> None:
    hashes = np.array([5, 6, EMPTY, EMPTY, 9], dtype=np.uint32)
    sigs = block_minima(hashes, np.array([0, 2, 4]), 32, 1)
    assert (sigs[1] == EMPTY).all()
    np.testing.assert_array_equal(sigs[0], signature(hashes[:2], 32, 1))
    np.testing.assert_array_equal(sigs[2], signature(hashes[4:], 32, 1))
    assert (signature(np.empty(0, np.uint32), 32, 1) == EMPTY).all()


@settings(max_examples=60, deadline=None)
@given(
    hashes=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=200),
    cuts=st.sets(st.integers(1, 199), max_size=12),
)
def test_block_minima_equals_per_block_signature(hashes: list[int], cuts: set[int]) -> None:
    """Any partition into blocks: each row equals signing that block alone."""
    h = np.array(hashes, dtype=np.uint32)
    starts = np.array(sorted({0} | {c for c in cuts if c < len(h)}))
    sigs = block_minima(h, starts, 16, 5)
    ends = np.append(starts[1:], len(h))
    for row, s, e in zip(sigs, starts, ends, strict=True):
        block = h[s:e]
        kept = block[block != EMPTY]
        ref = datasketch.MinHash(num_perm=16, seed=5, hashfunc=int, scheme="affine32")
        if len(kept):
            ref.update_batch(kept.tolist())
        np.testing.assert_array_equal(row, ref.hashvalues)


def test_scheme_info_records_what_makes_signatures_comparable() -> None:
    info = scheme_info(128, 1, HASH_NAME)
    assert (info.scheme, info.num_perm, info.seed, info.hash) == ("affine32", 128, 1, HASH_NAME)
    assert info.datasketch == datasketch.__version__
    info.check(scheme_info(128, 1, HASH_NAME))  # same scheme: accepted


@pytest.mark.parametrize(
    "change",
    [{"scheme": "legacy"}, {"num_perm": 64}, {"seed": 2}, {"hash": "sha1_hash32"}],
    ids=lambda c: next(iter(c)),
)
def test_scheme_info_check_refuses_a_mismatch(change: dict) -> None:
    info = scheme_info(128, 1, HASH_NAME)
    other = dataclasses.replace(info, **change)
    with pytest.raises(ValueError, match="scheme mismatch"):
        info.check(other)
    with pytest.raises(ValueError, match="scheme mismatch"):
        other.check(info)
