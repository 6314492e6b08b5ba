"""The detection run over a corpus: features, candidates, alignment, verified pairs.

Documents are put in id order first, so the same corpus in any input order gives the same output.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from syndetect.config import Config
from syndetect.detect.candidates import doc_pairs, find_candidates
from syndetect.detect.features import Features, Vocabulary, features, pack, unpack
from syndetect.detect.kernel import KINDS, align_pairs
from syndetect.detect.minhash import scheme_info
from syndetect.detect.shingle import HASH_NAME
from syndetect.parallel import chunks, fork_map, processes
from syndetect.records import Document, Match, Passage
from syndetect.text.normalize import UNICODE_VERSION
from syndetect.text.sentences import snap

Progress = Callable[[str, int, int], None]  # (step, done, total)
MIN_PAIRS_PER_JOB = 500  # fewer candidate pairs than this per process are verified in this one
MIN_DOCS_PER_JOB = 2000  # the same for computing features


@dataclass
class Corpus:
    """Documents in id order with their features."""

    docs: list[Document]
    feats: list[Features]
    cfg: Config
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {d.id: i for i, d in enumerate(self.docs)}

    def spans(self, i: int) -> tuple:
        """Original-text (starts, ends) of document ``i``'s tokens."""
        return self.feats[i].starts, self.feats[i].ends


@dataclass
class PairsResult:
    corpus: Corpus
    matches: list[Match]
    stats: dict[str, Any]


def prepare(docs: Iterable[Document], cfg: Config, progress: Progress | None = None) -> Corpus:
    """Compute every document's features, in id order, on ``run.jobs`` processes.

    Forked workers send their chunk's features back packed (one buffer per field: ``features.pack``),
    so that the transfer costs little next to tokenizing.
    """
    ordered = sorted(docs, key=lambda d: d.id)
    jobs = processes(cfg.run.jobs, len(ordered), MIN_DOCS_PER_JOB)
    feats: list[Features] = []
    shared = (ordered, cfg, Vocabulary(cfg.shingle.seed), jobs > 1)  # each forked worker fills its own copy
    for chunk in fork_map(_features_range, shared, chunks(len(ordered), jobs, 2000), jobs):
        feats.extend(unpack(chunk) if isinstance(chunk, dict) else chunk)
        if progress:
            progress("features", len(feats), len(ordered))
    if progress:
        progress("features", len(ordered), len(ordered))
    return Corpus(ordered, feats, cfg)


def _features_range(shared: tuple, lo: int, hi: int) -> list[Features] | dict:
    """The features of documents ``lo`` to ``hi`` (packed for another process when asked). Token
    hashes do not depend on the vocabulary cache, so every process gives the same features."""
    docs, cfg, vocab, packed = shared
    out = [features(d, cfg, vocab) for d in docs[lo:hi]]
    return pack(out) if packed else out


def _verify_range(shared: tuple[Corpus, np.ndarray, np.ndarray], lo: int, hi: int) -> list[tuple]:
    """Every verified passage of candidate pairs ``lo`` to ``hi``, with its character offsets:
    ``(i, j, a_start, a_end, b_start, b_end, kind, jaccard, containment)``. The pairs are aligned in
    one compiled call (``kernel.align_pairs``)."""
    corpus, pairs, bag = shared
    cfg = corpus.cfg
    which, spans, measures, kinds = align_pairs(corpus.feats, pairs[lo:hi], bag[lo:hi], cfg)
    reach = cfg.verify.snap_sentences
    out = []
    rows = pairs[lo:hi]
    for k, (a0, a1, b0, b1), (jac, cont, _), kd in zip(
        which.tolist(), spans.tolist(), measures.tolist(), kinds.tolist(), strict=True
    ):
        i, j = int(rows[k, 0]), int(rows[k, 1])
        (sa, ea), (sb, eb) = corpus.spans(i), corpus.spans(j)
        kind = KINDS[kd]
        if reach and kind == "rewrite":
            a0, a1 = snap(corpus.docs[i].text, sa, ea, a0, a1, reach)
            b0, b1 = snap(corpus.docs[j].text, sb, eb, b0, b1, reach)
        out.append(
            (
                i,
                j,
                int(sa[a0]),
                int(ea[a1 - 1]),
                int(sb[b0]),
                int(eb[b1 - 1]),
                kind,
                round(jac, 4),
                round(cont, 4),
            )
        )
    return out


def verify(
    corpus: Corpus, pairs: np.ndarray, bag: np.ndarray, progress: Progress | None = None
) -> list[Match]:
    """Align every candidate pair on ``run.jobs`` processes; the matches in pair order.

    The aligner (``kernel.align_pairs``, for every profile) is a pure function of two documents, so
    the pairs are cut into chunks that forked workers align; results come back in chunk order,
    identical to a single process's.
    """
    jobs = processes(corpus.cfg.run.jobs, len(pairs), MIN_PAIRS_PER_JOB)
    bounds = chunks(len(pairs), jobs, 2000)
    matches = []
    docs = corpus.docs
    for (_, hi), found in zip(
        bounds, fork_map(_verify_range, (corpus, pairs, bag), bounds, jobs), strict=True
    ):
        for i, j, a0, a1, b0, b1, kind, jac, cont in found:
            da, db = docs[i], docs[j]
            matches.append(Match(Passage(da.id, a0, a1), Passage(db.id, b0, b1), kind, jac, cont))
        if progress:
            progress("verify", hi, len(pairs))
    return matches


def find_pairs(docs: Iterable[Document], cfg: Config, progress: Progress | None = None) -> PairsResult:
    """Detection only: every verified reuse between passages of two different documents, with
    ``source`` left ``None``. Direction and grouping are :func:`syndetect.run`'s."""
    t0 = time.perf_counter()
    gc_was = gc.isenabled()
    gc.disable()
    try:
        corpus = prepare(docs, cfg, progress)
        t1 = time.perf_counter()
        cands = find_candidates(corpus.feats, cfg, progress=progress)
        pairs, bag = doc_pairs(cands, len(corpus.docs))
        t2 = time.perf_counter()
        matches = verify(corpus, pairs, bag, progress)
        if progress:
            progress("verify", len(pairs), len(pairs))
        t3 = time.perf_counter()
        # -- the opt-in semantic channel (paraphrases, translations): off, nothing here runs ---------
        semantic = None
        if cfg.semantic.enabled:
            from syndetect.detect.semantic import find_paraphrases

            found, withdrawn, semantic = find_paraphrases(corpus, pairs, matches, progress)
            matches = [m for k, m in enumerate(matches) if k not in withdrawn] + found
        # ----------------------------------------------------------------------------------------------
    finally:
        if gc_was:
            gc.enable()
    info = scheme_info(cfg.minhash.num_perm, cfg.minhash.seed, HASH_NAME)
    stats = {
        "documents": len(corpus.docs),
        "indexed": sum(f.indexed for f in corpus.feats),
        "too_short": sum(not f.indexed for f in corpus.feats),
        "tokens": sum(f.n_tokens for f in corpus.feats),
        "bands": cands.bands,
        "rows": cands.rows,
        "windows": {c: int(len(t.doc)) for c, t in cands.tables.items()},
        "candidate_window_pairs": {c: s.pairs for c, s in cands.stats.items()},
        "below_estimate": {c: s.below_estimate for c, s in cands.stats.items()},
        "dropped_buckets": {c: s.dropped_buckets for c, s in cands.stats.items()},
        "dropped_bucket_windows": {c: s.dropped_members for c, s in cands.stats.items()},
        "candidate_doc_pairs": len(pairs),
        "feature_processes": processes(cfg.run.jobs, len(corpus.docs), MIN_DOCS_PER_JOB),
        "verify_processes": processes(cfg.run.jobs, len(pairs), MIN_PAIRS_PER_JOB),
        "verified_pairs": len(matches),
        "kinds": {k: sum(m.kind == k for m in matches) for k in ("exact", "near", "rewrite")},
        "scheme": info.__dict__,
        "normalizer": {"version": cfg.normalize.version, "unicode": UNICODE_VERSION},
        "seconds": {
            "features": round(t1 - t0, 3),
            "candidates": round(t2 - t1, 3),
            "verify": round(t3 - t2, 3),
        },
    }
    if semantic is not None:
        stats["kinds"]["paraphrase"] = semantic["paraphrase_pairs"]
        stats["semantic"] = semantic
    return PairsResult(corpus, matches, stats)
