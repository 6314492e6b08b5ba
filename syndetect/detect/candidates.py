"""Candidate document pairs: windows over each document, MinHash signatures, LSH buckets.

Two channels run side by side:
- ``ordered``: word n-grams; finds verbatim and lightly edited copies.
- ``bag``: content words regardless of order; finds word- and phrase-shuffled copies and rewrites.
- ``bag_wide``: the same over windows ``segment.wide`` times longer: a long passage whose words were
  shuffled shares few words with any one short window of its source, but most with a long one.

A window covers ``segment.window`` positions every ``segment.stride`` positions; signatures are built
from per-block minima (blocks of ``stride`` positions) so overlapping windows cost one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from syndetect.config import Config
from syndetect.detect.features import Features
from syndetect.detect.lsh import CandidateStats, band_keys, candidate_pairs, choose_params, sorted_unique
from syndetect.detect.minhash import EMPTY, block_minima, window_signatures

CHANNELS = ("ordered", "bag", "bag_wide")


@dataclass
class WindowTable:
    """The windows of one channel: their document, first position and band keys."""

    doc: np.ndarray  # document index of each window
    first: np.ndarray  # first position of each window within its document
    keys: np.ndarray  # (n_windows, bands) band keys
    sigs: np.ndarray  # (n_windows, num_perm) signatures, for the similarity estimate of candidates


@dataclass
class CandidateResult:
    """Candidate window pairs per channel, and what banding dropped."""

    pairs: dict[str, np.ndarray]  # channel -> (m, 2) global window indices
    tables: dict[str, WindowTable]
    stats: dict[str, CandidateStats] = field(default_factory=dict)
    bands: int = 0
    rows: int = 0


def banding(cfg: Config) -> tuple[int, int]:
    """The configured bands and rows, or those chosen from the threshold."""
    if cfg.lsh.bands and cfg.lsh.rows:
        return cfg.lsh.bands, cfg.lsh.rows
    return choose_params(cfg.lsh.threshold, cfg.minhash.num_perm)


def positions(f: Features, channel: str) -> np.ndarray:
    """The hashes a channel signs: n-grams, or content words (others masked as EMPTY)."""
    return f.grams if channel == "ordered" else f.bag()


def window_table(
    feats: Sequence[Features],
    doc_ids: Sequence[int],
    channel: str,
    cfg: Config,
    bands: int,
    rows: int,
    signed: Callable[[int], None] | None = None,
    keyed: bool = True,
) -> WindowTable:
    """Sign every window of the given documents in one channel and return their band keys
    (``signed(n)``: told the number of documents signed so far, batch by batch; ``keyed=False``:
    signatures only, the keys left empty)."""
    scale = cfg.segment.wide if channel == "bag_wide" else 1
    stride = cfg.segment.stride * scale
    span = max(1, round(cfg.segment.window * scale / stride))
    docs_out, first_out, keys_out, sigs_out = [], [], [], []
    batch_hashes: list[np.ndarray] = []
    batch_docs: list[int] = []
    batch_size = 0

    def flush() -> None:
        nonlocal batch_size
        if not batch_hashes:
            return
        lens = np.array([len(h) for h in batch_hashes])
        hashes = np.concatenate(batch_hashes)
        nblocks = -(-lens // stride)
        offsets = np.concatenate(([0], np.cumsum(lens)[:-1]))
        block_starts = np.concatenate(
            [o + np.arange(0, n, stride) for o, n in zip(offsets, lens, strict=True)]
        )
        bsig = block_minima(hashes, block_starts, cfg.minhash.num_perm, cfg.minhash.seed)
        sigs, first_block = window_signatures(bsig, nblocks, span)
        block_doc = np.repeat(np.arange(len(lens)), nblocks)
        block_first = np.concatenate([np.arange(0, n, stride) for n in lens])
        wdoc = np.asarray(batch_docs)[block_doc[first_block]]
        wfirst = block_first[first_block]
        keep = ~(sigs == EMPTY).all(axis=1)
        docs_out.append(wdoc[keep])
        first_out.append(wfirst[keep])
        keys_out.append(
            band_keys(sigs[keep], bands, rows) if keyed else np.empty((int(keep.sum()), 0), np.uint64)
        )
        sigs_out.append(sigs[keep])
        batch_hashes.clear()
        batch_docs.clear()
        batch_size = 0

    for k, i in enumerate(doc_ids, 1):
        h = positions(feats[i], channel)
        if len(h) == 0:
            continue
        batch_hashes.append(h)
        batch_docs.append(i)
        batch_size += len(h)
        if batch_size >= 1 << 18:
            flush()
            if signed:
                signed(k)
    flush()
    if not docs_out:
        n = cfg.minhash.num_perm
        return WindowTable(
            np.empty(0, np.int64),
            np.empty(0, np.int64),
            np.empty((0, bands), np.uint64),
            np.empty((0, n), np.uint32),
        )
    return WindowTable(
        np.concatenate(docs_out),
        np.concatenate(first_out),
        np.concatenate(keys_out),
        np.concatenate(sigs_out),
    )


def estimate(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The MinHash estimate of the Jaccard similarity of each window pair (share of equal values)."""
    if not len(pairs):
        return np.empty(0, dtype=np.float32)
    return _estimate(sigs, np.ascontiguousarray(pairs, dtype=np.int64))


@njit(cache=True)
def _estimate(sigs, pairs):  # pragma: no cover - compiled; tests/test_candidates.py compares with numpy
    # One pass over both rows, no temporaries: numpy's gather-compare-mean makes three.
    out = np.empty(len(pairs), dtype=np.float32)
    n = sigs.shape[1]
    for k in range(len(pairs)):
        a, b = sigs[pairs[k, 0]], sigs[pairs[k, 1]]
        same = 0
        for m in range(n):
            same += a[m] == b[m]
        out[k] = same / n
    return out


def find_candidates(
    feats: Sequence[Features],
    cfg: Config,
    channels: Sequence[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CandidateResult:
    """Candidate window pairs of every indexed document, per channel (``lsh.channels`` by default).

    ``progress("candidates", done, total)`` counts documents signed, channel after channel.
    """
    channels = cfg.lsh.channels if channels is None else channels
    bands, rows = banding(cfg)
    doc_ids = [i for i, f in enumerate(feats) if f.indexed]
    result = CandidateResult(pairs={}, tables={}, bands=bands, rows=rows)
    total = max(1, len(doc_ids) * len(channels))
    if progress:
        progress("candidates", 0, total)
    for c, channel in enumerate(channels):
        base = c * len(doc_ids)
        signed = (lambda n, base=base: progress("candidates", base + n, total)) if progress else None
        table = window_table(feats, doc_ids, channel, cfg, bands, rows, signed)
        stats = CandidateStats()
        pairs = candidate_pairs(table.keys, table.doc, cfg.lsh.max_bucket, stats)
        # Banding lets through pairs well below the threshold; the signatures' own estimate drops them.
        floor = cfg.lsh.min_estimate if channel == "ordered" else cfg.lsh.min_estimate_bag
        est = estimate(table.sigs, pairs)
        stats.below_estimate = int((est < floor).sum())
        result.pairs[channel] = pairs[est >= floor]
        table.sigs = table.sigs[:0]  # no longer needed: free the memory
        table.keys = table.keys[:0]  # no longer needed either
        result.tables[channel] = table
        result.stats[channel] = stats
        if progress:
            progress("candidates", base + len(doc_ids), total)
    return result


def doc_pairs(result: CandidateResult, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate document pairs ``(i, j)``, ``i < j``, sorted, and whether an order-free channel proposed
    each (only then is the order-free aligner run). Plain arrays: a few bytes per pair."""
    codes, bag_codes = [], []
    for channel, pairs in result.pairs.items():
        t = result.tables[channel]
        if not len(pairs):
            continue
        da, db = t.doc[pairs[:, 0]].astype(np.int64), t.doc[pairs[:, 1]].astype(np.int64)
        c = sorted_unique(np.minimum(da, db) * n_docs + np.maximum(da, db))
        codes.append(c)
        if channel != "ordered":
            bag_codes.append(c)
    if not codes:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=bool)
    all_codes = sorted_unique(np.concatenate(codes))
    bag = np.isin(all_codes, np.concatenate(bag_codes)) if bag_codes else np.zeros(len(all_codes), bool)
    return np.stack([all_codes // n_docs, all_codes % n_docs], axis=1), bag


def doc_pair_windows(result: CandidateResult) -> dict[tuple[int, int], dict[str, list[tuple[int, int]]]]:
    """Candidate window pairs grouped by document pair ``(i, j)``, ``i < j``, as first positions
    (for diagnostics: a dict of lists, heavy on a large corpus)."""
    grouped: dict[tuple[int, int], dict[str, list[tuple[int, int]]]] = {}
    for channel, pairs in result.pairs.items():
        t = result.tables[channel]
        if not len(pairs):
            continue
        da, db = t.doc[pairs[:, 0]], t.doc[pairs[:, 1]]
        fa, fb = t.first[pairs[:, 0]], t.first[pairs[:, 1]]
        swap = da > db
        da, db = np.where(swap, db, da), np.where(swap, da, db)
        fa, fb = np.where(swap, fb, fa), np.where(swap, fa, fb)
        for x, y, p, q in zip(da.tolist(), db.tolist(), fa.tolist(), fb.tolist(), strict=True):
            grouped.setdefault((x, y), {}).setdefault(channel, []).append((p, q))
    return grouped
