"""What the engine keeps of a document: token hashes and n-gram hashes, nothing else.

Holding arrays instead of token strings keeps a 30,000-article corpus in a few hundred megabytes.
Each token's character offsets are kept too (8 bytes a token), so that aligned token spans become
character spans without tokenizing the text again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xxhash

from syndetect.config import Config
from syndetect.detect.lsh import sorted_unique
from syndetect.detect.minhash import EMPTY
from syndetect.detect.shingle import fold32, ngram_hashes
from syndetect.records import Document
from syndetect.text.normalize import tokenize
from syndetect.text.stem import light_stem
from syndetect.text.stopwords import STOPWORDS


@dataclass(frozen=True, slots=True)
class Features:
    """Token-level features of one document.

    Attributes:
        tokens: 32-bit hash of each normalized token.
        content: True for content words (not stopwords, at least two letters): the order-free channel.
        grams: 32-bit hash of each word n-gram starting at each token (``len(tokens) - n + 1``).
        indexed: whether the document is long enough to enter the index.
        gram_keys: the distinct n-gram hashes, sorted.
        gram_start: where each distinct n-gram's positions begin in ``gram_pos`` (one more entry at
            the end), so its count is ``gram_start[k + 1] - gram_start[k]``.
        gram_pos: the positions of the n-grams, grouped by ``gram_keys`` and ascending within a group.
        bag_keys: the distinct content-word hashes, sorted.
        starts, ends: each token's character offsets in the original text (end exclusive).

        words: 32-bit hash of each token as order-free verification compares it (content-word
            containment and order of a passage): light-stemmed with ``shingle.bag_stem``, else ``tokens``
            itself. Candidates, regions and passage edges use ``tokens``.

    The sorted views let the aligner intersect two documents with a few array calls.
    """

    tokens: np.ndarray
    content: np.ndarray
    grams: np.ndarray
    indexed: bool
    gram_keys: np.ndarray
    gram_start: np.ndarray
    gram_pos: np.ndarray
    bag_keys: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    words: np.ndarray

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)

    def bag(self) -> np.ndarray:
        """Token hashes for the order-free channel: stopwords replaced by ``EMPTY``."""
        return np.where(self.content, self.tokens, EMPTY)


@dataclass
class Vocabulary:
    """Token strings seen in a run, each hashed once (``xxh64`` of its UTF-8 bytes, seeded).

    Ids are local to the run and never leave it; hashes are the stable values.
    """

    seed: int = 1
    ids: dict[str, int] = field(default_factory=dict)
    hashes: np.ndarray = field(default_factory=lambda: np.empty(1024, dtype=np.uint64))
    content: np.ndarray = field(default_factory=lambda: np.empty(1024, dtype=bool))
    names: list[str] = field(default_factory=list)  # the token of each id
    stems: np.ndarray = field(
        default_factory=lambda: np.empty(0, dtype=np.uint64)
    )  # per id, filled on demand

    def stem_hashes(self, ids: np.ndarray) -> np.ndarray:
        """The 64-bit hash of each id's light stem (``syndetect.text.stem``)."""
        done = len(self.stems)
        if done < len(self.ids):
            new = [
                xxhash.xxh64_intdigest(light_stem(w).encode("utf-8"), self.seed) for w in self.names[done:]
            ]
            self.stems = np.concatenate((self.stems, np.array(new, dtype=np.uint64)))
        return self.stems[ids]

    def lookup(self, tokens: list[str]) -> np.ndarray:
        """The id of every token, adding new ones."""
        new = set(tokens).difference(self.ids)
        if new:
            start = len(self.ids)
            need = start + len(new)
            if need > len(self.hashes):
                size = max(need, 2 * len(self.hashes))
                self.hashes = np.resize(self.hashes, size)
                self.content = np.resize(self.content, size)
            self.names.extend(sorted(new))
            for k, w in enumerate(sorted(new), start=start):
                self.ids[w] = k
                self.hashes[k] = xxhash.xxh64_intdigest(w.encode("utf-8"), self.seed)
                self.content[k] = len(w) >= 2 and w not in STOPWORDS
        return np.fromiter(map(self.ids.__getitem__, tokens), dtype=np.int64, count=len(tokens))


def grouped(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(keys, start, pos)``: the distinct values sorted, where each one's positions begin in ``pos``
    (plus the end), and the positions grouped by value, ascending within a group."""
    pos = np.argsort(values, kind="stable").astype(np.int32)
    ordered = values[pos]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    start = np.flatnonzero(first).astype(np.int32)
    return ordered[start], np.append(start, np.int32(len(ordered))), pos


def features(doc: Document, cfg: Config, vocab: Vocabulary | None = None) -> Features:
    """Tokenize, hash and shingle one document (pure but for the shared vocabulary cache)."""
    vocab = vocab if vocab is not None else Vocabulary(cfg.shingle.seed)
    toks = tokenize(doc.text, cfg.normalize, clitics=cfg.shingle.clitics)
    ids = vocab.lookup(toks.words)
    h64 = vocab.hashes[ids]
    tokens, content = fold32(h64), vocab.content[ids]
    grams = ngram_hashes(h64, cfg.shingle.ngram)
    keys, start, pos = grouped(grams)
    return Features(
        tokens=tokens,
        content=content,
        grams=grams,
        indexed=len(ids) >= max(cfg.read.min_tokens, cfg.shingle.ngram),
        gram_keys=keys,
        gram_start=start,
        gram_pos=pos,
        bag_keys=sorted_unique(tokens[content]),
        starts=toks.starts,
        ends=toks.ends,
        words=fold32(vocab.stem_hashes(ids)) if cfg.shingle.bag_stem else tokens,
    )


ARRAYS = ("tokens", "content", "grams", "gram_keys", "gram_start", "gram_pos", "bag_keys", "starts", "ends")


def pack(feats: list[Features]) -> dict[str, np.ndarray]:
    """Many documents' features as one array per field and the lengths: a few large buffers, which
    cross a process boundary at memory speed, instead of eleven small arrays a document."""
    out = {}
    for name in ARRAYS:
        parts = [getattr(f, name) for f in feats]
        out[name] = np.concatenate(parts) if parts else np.empty(0)
        out[name + "/len"] = np.array([len(p) for p in parts], dtype=np.int64)
    out["indexed"] = np.array([f.indexed for f in feats], dtype=bool)
    stemmed = [f.words is not f.tokens for f in feats]
    if any(stemmed):
        out["words"] = np.concatenate([f.words for f in feats])
    return out


def unpack(packed: dict[str, np.ndarray]) -> list[Features]:
    """The features ``pack`` packed, as views into its buffers."""
    fields = {}
    for name in ARRAYS:
        cuts = np.cumsum(packed[name + "/len"])[:-1]
        fields[name] = np.split(packed[name], cuts)
    words = (
        np.split(packed["words"], np.cumsum(packed["tokens/len"])[:-1])
        if "words" in packed
        else fields["tokens"]
    )
    return [
        Features(indexed=bool(x), words=w, **{name: fields[name][k] for name in ARRAYS})
        for k, (x, w) in enumerate(zip(packed["indexed"].tolist(), words, strict=True))
    ]
