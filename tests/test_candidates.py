"""Candidate filtering: the compiled signature estimate equals numpy's share of equal values."""

from __future__ import annotations

import numpy as np

from syndetect.detect.candidates import estimate


def test_estimate_is_the_share_of_equal_signature_values():
    rng = np.random.default_rng(7)
    sigs = rng.integers(0, 4, size=(300, 128), dtype=np.uint32)  # few values: many equal positions
    pairs = rng.integers(0, 300, size=(5000, 2), dtype=np.int64)
    want = (sigs[pairs[:, 0]] == sigs[pairs[:, 1]]).mean(axis=1).astype(np.float32)
    got = estimate(sigs, pairs)
    assert got.dtype == np.float32
    assert np.array_equal(got, want)
    assert np.all(estimate(sigs, np.stack([np.arange(300)] * 2, axis=1)) == 1.0)
    assert estimate(sigs, np.empty((0, 2), dtype=np.int64)).shape == (0,)
