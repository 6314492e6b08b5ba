"""Where did this passage come from: a query against an index, its matching passages ranked, the
inferred origin and the copy chain from the origin to the best match.

The query goes through the same pure functions as a document added to the index (features, window
signatures, band keys, the bucket rule, the signature estimate, the aligner), so a passage of an
indexed article finds what that article's pairs hold, without writing anything. Origin and chain come
from the stored provenance group of the best match: its origin, and the copy tree's parents from that
origin down to the best match. A match that is in no group (the passage appears once in the index) is
its own origin.

>>> from syndetect.index import open_store
>>> tracer = Tracer(open_store("demo.index"))  # doctest: +SKIP
>>> tracer.trace("لولا قراراتكم وأعمالكم لكان الإرهاب ...")["origin"]["doc"]  # doctest: +SKIP
'rt-1'
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from syndetect.config import Config
from syndetect.detect.corpus import Corpus, verify
from syndetect.detect.features import Features, Vocabulary, features
from syndetect.index.core import (
    _Sigs,
    check,
    doc_candidates,
    document,
    load_features,
    serial_of,
    stored_config,
    windows,
)
from syndetect.index.store import IndexError_, Store
from syndetect.provenance.origin import time_key
from syndetect.provenance.span_graph import interval_jaccard
from syndetect.records import Document, Passage

QUERY = "<query>"  # the query's document id (never an indexed id: ids come from inputs)
_QUERY_SERIAL = 0  # indexed serials start at 1


class QueryTooShort(ValueError):
    """A query shorter than the shortest passage the index can match (``str(err)`` is one line)."""


class _LRU(OrderedDict):
    """A small least-recently-used cache."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_many(self, keys, load) -> dict:
        missing = [k for k in keys if k not in self]
        if missing:
            for k, v in load(missing).items():
                self[k] = v
        out = {}
        for k in keys:
            if k in self:
                self.move_to_end(k)
                out[k] = self[k]
        while len(self) > self.size:
            self.popitem(last=False)
        return out


def shortest_query(cfg: Config) -> int:
    """The fewest tokens a query needs: an indexable document holding a reportable passage."""
    return max(cfg.read.min_tokens, cfg.shingle.ngram, cfg.verify.min_tokens)


def _ngram_jaccard(fq: Features, fd: Features, start: int, end: int) -> float:
    """Jaccard of the whole query's word n-grams and those of the document span ``[start, end)``."""
    n = len(fd.tokens) - len(fd.grams) + 1  # the n-gram length
    t0 = int(np.searchsorted(fd.starts, start))
    t1 = int(np.searchsorted(fd.ends, end, side="right"))  # tokens [t0, t1) lie in the span
    span = np.unique(fd.grams[t0 : max(t0, t1 - n + 1)])
    q = fq.gram_keys
    if not len(q) or not len(span):
        return 0.0
    inter = len(np.intersect1d(q, span, assume_unique=True))
    return round(inter / (len(q) + len(span) - inter), 4)


class Tracer:
    """Answers queries against one index; keeps the stored features it reads (a few thousand
    documents) so that many queries in one process read each document once."""

    def __init__(self, store: Store, cfg: Config | None = None, cache: int = 4096) -> None:
        self.store = store
        self.cfg = cfg or stored_config(store)
        check(store, self.cfg)
        self.vocab = Vocabulary(self.cfg.shingle.seed)
        self.min_tokens = shortest_query(self.cfg)
        self._feats: _LRU = _LRU(cache)  # doc id -> Features
        self._docs: _LRU = _LRU(cache)  # doc id -> Document
        self._ids: dict[int, str] = {}  # serial -> doc id

    # ------------------------------------------------------------------------------------ loading

    def _id_of(self, serials: list[int]) -> list[str]:
        need = [s for s in serials if s not in self._ids]
        if need:
            self._ids.update(self.store.doc_ids_of(need))
        return [self._ids[s] for s in serials]

    def _features(self, ids: list[str]) -> dict[str, Features]:
        return self._feats.get_many(ids, lambda need: load_features(self.store, need))

    def _documents(self, ids: list[str]) -> dict[str, Document]:
        return self._docs.get_many(ids, lambda need: {r.id: document(r) for r in self.store.docs(need)})

    def _serial_features(self, serials: list[int]) -> dict[int, Features]:
        ids = self._id_of(serials)
        got = self._features(ids)
        return {s: got[i] for s, i in zip(serials, ids, strict=True)}

    # ------------------------------------------------------------------------------------ queries

    def trace_doc(self, doc_id: str) -> dict[str, Any]:
        """Where an indexed document's passages came from (the document itself left out of the matches)."""
        docs = self._documents([doc_id])
        if doc_id not in docs:
            raise IndexError_(f"{self.store.location}: document {doc_id!r} is not in the index")
        serial = self.store.doc_serial([doc_id])[doc_id]
        return self.trace(docs[doc_id].text, exclude=(doc_id, serial))

    def trace(self, text: str, exclude: tuple[str, int] | None = None) -> dict[str, Any]:
        """The ``trace --json`` object of one query text: ``query``, ``origin``, ``matches``, ``chain``."""
        cfg = self.cfg
        q = Document(QUERY, text)
        fq = features(q, cfg, self.vocab)
        if fq.n_tokens < self.min_tokens:
            raise QueryTooShort(
                f"the query has {fq.n_tokens} words; the index matches passages of at least "
                f"{self.min_tokens} (verify.min_tokens)"
            )
        w = windows([fq], [_QUERY_SERIAL], cfg)
        sk, sw = self.store.band_members(w.keys)
        if exclude is not None:  # the document's own windows stand for the query's
            keep = serial_of(sw) != exclude[1]
            sk, sw = sk[keep], sw[keep]
        keys = np.concatenate([w.keys, sk])
        wins = np.concatenate([w.wins, sw])
        _, inv, total = np.unique(keys, return_inverse=True, return_counts=True)
        enabled = total[inv] <= cfg.lsh.max_bucket
        sigs = _Sigs(cfg, dict(w.sig_of), self._serial_features)
        cands = doc_candidates(
            keys[enabled], wins[enabled], sigs, cfg, lambda x, y: np.minimum(x, y) == _QUERY_SERIAL
        )
        serials = sorted(b for _, b in cands)
        ids = self._id_of(serials)
        docs = self._documents(ids)
        feats = self._features(ids)
        corpus = Corpus([q, *(docs[i] for i in ids)], [fq, *(feats[i] for i in ids)], cfg)
        pairs = np.array([(0, k + 1) for k in range(len(ids))], dtype=np.int64).reshape(-1, 2)
        bag = np.array([cands[(_QUERY_SERIAL, s)] for s in serials], dtype=bool)
        found = verify(corpus, pairs, bag)
        matches = []
        for m in found:
            d = docs[m.b.doc]
            sim = _ngram_jaccard(fq, feats[d.id], m.b.start, m.b.end)
            matches.append((sim, m.b))
        matches.sort(key=lambda x: (-x[0], time_key(docs[x[1].doc], x[1]), x[1].end))
        records = [self._passage(docs[p.doc], p, similarity=s) for s, p in matches]
        origin, chain = self._provenance([p for _, p in matches], docs)
        return {"query": text, "origin": origin, "matches": records, "chain": chain}

    # ------------------------------------------------------------------------------------ provenance

    @staticmethod
    def _passage(doc: Document, p: Passage, **more: Any) -> dict[str, Any]:
        rec: dict[str, Any] = {"doc": doc.id, "outlet": doc.outlet, "published": doc.published}
        if doc.title:
            rec["title"] = doc.title
        if doc.url:
            rec["url"] = doc.url
        rec.update({"start": p.start, "end": p.end, "text": doc.text[p.start : p.end]})
        rec.update(more)
        return rec

    def _provenance(
        self, ranked: list[Passage], docs: dict[str, Document]
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The origin and the chain from it to the best match, from the best match's stored group."""
        if not ranked:
            return None, []
        best = ranked[0]
        group, member = None, None
        score = 0.0
        for _, _, rec in self.store.clusters([best.doc]):
            for k, m in enumerate(rec["members"]):
                if m["doc"] != best.doc:
                    continue
                j = interval_jaccard((m["start"], m["end"]), (best.start, best.end))
                if j > score:
                    group, member, score = rec, k, j
        if group is None or not group.get("origin"):
            return self._passage(docs[best.doc], best), [{"doc": best.doc, "parent": None}]
        members = group["members"]
        first = {}
        for k, m in enumerate(members):
            first.setdefault(m["doc"], k)
        chain, seen, k = [], set(), member
        while k is not None and members[k]["doc"] not in seen:
            m = members[k]
            seen.add(m["doc"])
            chain.append({"doc": m["doc"], "parent": m["parent"]})
            k = first.get(m["parent"]) if m["parent"] is not None else None
        chain.reverse()
        o = group["origin"]
        odoc = self._documents([o["doc"]])[o["doc"]]
        origin = self._passage(odoc, Passage(o["doc"], o["start"], o["end"]))
        return origin, chain


def trace(store: Store, text: str) -> dict[str, Any]:
    """One query against an index (see :class:`Tracer` for many)."""
    return Tracer(store).trace(text)
