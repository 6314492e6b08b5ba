"""What the engine keeps of a document: token offsets and hashes, nothing else.

Holding arrays instead of token strings keeps a 30,000-article corpus in a few hundred megabytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from syndetect.config import Config
from syndetect.minhash import EMPTY
from syndetect.normalize import tokenize
from syndetect.records import Document
from syndetect.shingle import fold32, ngram_hashes, token_hashes
from syndetect.stopwords import STOPWORDS


@dataclass(frozen=True, slots=True)
class Features:
    """Token-level features of one document.

    Attributes:
        starts, ends: original-text offsets of each token (int32).
        tokens: 32-bit hash of each normalized token.
        content: True for content words (not stopwords, at least two letters): the order-free channel.
        grams: 32-bit hash of each word n-gram starting at each token (``len(tokens) - n + 1``).
        indexed: whether the document is long enough to enter the index.
    """

    starts: np.ndarray
    ends: np.ndarray
    tokens: np.ndarray
    content: np.ndarray
    grams: np.ndarray
    indexed: bool

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)

    def bag(self) -> np.ndarray:
        """Token hashes for the order-free channel: stopwords replaced by ``EMPTY``."""
        return np.where(self.content, self.tokens, EMPTY)


_STOP_HASHES: dict[int, np.ndarray] = {}


def _stop_hashes(seed: int) -> np.ndarray:
    if seed not in _STOP_HASHES:
        _STOP_HASHES[seed] = np.unique(fold32(token_hashes(sorted(STOPWORDS), seed)))
    return _STOP_HASHES[seed]


def features(doc: Document, cfg: Config) -> Features:
    """Tokenize, hash and shingle one document (pure)."""
    toks = tokenize(doc.text, cfg.normalize, clitics=cfg.shingle.clitics)
    h64 = token_hashes(toks.words, cfg.shingle.seed)
    h32 = fold32(h64)
    lengths = toks.ends - toks.starts
    content = ~np.isin(h32, _stop_hashes(cfg.shingle.seed)) & (lengths >= 2)
    grams = ngram_hashes(h64, cfg.shingle.ngram)
    indexed = len(h32) >= max(cfg.read.min_tokens, cfg.shingle.ngram)
    return Features(
        starts=np.asarray(toks.starts, dtype=np.int32),
        ends=np.asarray(toks.ends, dtype=np.int32),
        tokens=h32,
        content=content,
        grams=grams,
        indexed=indexed,
    )
