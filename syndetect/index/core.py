"""The persistent index: add a batch, remove documents, read everything back as one run.

``add`` finds the batch's reuse against everything indexed and within itself with the same pure
functions as a run over the whole corpus (features, window signatures, band keys, the bucket rule,
the signature estimate, the aligner), so the stored pairs are the ones that run would find:

- the batch's windows are signed and banded; their band keys are looked up in the store, and every
  bucket they fall into is complete (the stored members plus the new ones), so ``lsh.max_bucket`` is
  judged on the whole corpus;
- a bucket that the batch pushes over ``max_bucket`` no longer links its older members: those
  document pairs are checked again from their stored band keys (``remove`` does the reverse);
- stored windows' signatures are recomputed from their documents' stored features when needed.

Clusters: the cluster stage's corpus-wide filters (revisions, boilerplate, stock phrases) run over
every indexed document; only the connected components the batch touches are regrouped. Each stored
cluster they held passes its id to the new group holding most of its members; a group heir to several
keeps the oldest id and lists the others in ``merged_from`` (:func:`assign_ids`).
"""

from __future__ import annotations

import functools
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from syndetect.config import Config, ConfigError, with_overrides
from syndetect.detect.candidates import estimate, window_table
from syndetect.detect.corpus import Corpus, prepare, verify
from syndetect.detect.features import ARRAYS, Features
from syndetect.detect.lsh import choose_params, shared_key_pairs
from syndetect.detect.minhash import scheme_info
from syndetect.detect.shingle import HASH_NAME
from syndetect.index.store import FORMAT, Batch, DocRow, IndexError_, PairRow, Store
from syndetect.io.serialize import cluster_json
from syndetect.pipeline import Run
from syndetect.provenance.groups import group_matches
from syndetect.provenance.origin import time_key
from syndetect.records import Cluster, Document, Match, Member, Passage
from syndetect.text.normalize import UNICODE_VERSION

Progress = Callable[[str, int, int], None]

CHANNEL_NO = {"ordered": 0, "bag": 1, "bag_wide": 2}
_SALT = (0, 0x5851F42D4C957F2D, 0x14057B7EF767814F)  # per channel: their band keys never meet
_ORD_BITS, _CHAN_BITS = 20, 4  # window id = serial << 24 | channel << 20 | ordinal
_FEAT_NAMES = (*ARRAYS, "words", "indexed")


# ----------------------------------------------------------------------------------------- identity


def identity(cfg: Config) -> dict[str, str]:
    """What an index must agree on with a configuration: fingerprint, scheme, normalizer."""
    return {
        "fingerprint": cfg.fingerprint(),
        "scheme": json.dumps(scheme_info(cfg.minhash.num_perm, cfg.minhash.seed, HASH_NAME).__dict__),
        "normalizer": json.dumps({"version": cfg.normalize.version, "unicode": UNICODE_VERSION}),
    }


def stored_config(store: Store) -> Config:
    """The configuration an index was built with."""
    meta = _meta(store)
    if "config" not in meta:
        raise IndexError_(f"{store.location}: an empty index (no batch was added)")
    try:
        tree = json.loads(meta["config"])
        return with_overrides(Config(), tree)
    except (ValueError, ConfigError) as err:
        raise IndexError_(f"{store.location}: unreadable configuration ({err})") from None


def _meta(store: Store) -> dict[str, str]:
    meta = store.meta()
    if meta.get("format") != FORMAT:
        raise IndexError_(
            f"{store.location}: index format {meta.get('format')!r}, this syndetect reads {FORMAT!r}; rebuild it"
        )
    return meta


def check(store: Store, cfg: Config) -> dict[str, str]:
    """The index's metadata, after checking that it was made with ``cfg``'s scheme and fingerprint."""
    meta = _meta(store)
    if "fingerprint" not in meta:
        return meta
    mine = identity(cfg)
    for key in ("scheme", "normalizer", "fingerprint"):
        if meta[key] != mine[key]:
            raise IndexError_(
                f"{store.location}: the index was made with another {key} ({meta[key]}, here {mine[key]});"
                " use its configuration or build a new index"
            )
    return meta


# ----------------------------------------------------------------------------------------- documents


def doc_row(d: Document, serial: int, f: Features) -> DocRow:
    return DocRow(
        serial,
        d.id,
        d.outlet,
        d.published,
        d.time.isoformat() if d.time else None,
        d.time_precision,
        d.url,
        d.title,
        json.dumps(d.extra, ensure_ascii=False),
        d.text,
        f.indexed,
        f.n_tokens,
    )


def document(r: DocRow) -> Document:
    """The stored document as the engine saw it."""
    return Document(
        r.id,
        r.text,
        r.outlet,
        r.published,
        datetime.fromisoformat(r.time) if r.time else None,
        r.time_precision,
        r.url,
        r.title,
        json.loads(r.extra),
        "",
    )


def feature_arrays(f: Features) -> dict[str, np.ndarray]:
    out = {name: getattr(f, name) for name in ARRAYS}
    if f.words is not f.tokens:
        out["words"] = f.words
    out["indexed"] = np.array([f.indexed])
    return out


def features_of(arrays: dict[str, np.ndarray]) -> Features:
    """Features from the stored arrays (copies: the stored buffers are read-only)."""
    fields = {name: np.array(arrays[name]) for name in ARRAYS}
    words = np.array(arrays["words"]) if "words" in arrays else fields["tokens"]
    return Features(indexed=bool(arrays["indexed"][0]), words=words, **fields)


def load_features(store: Store, ids: Iterable[str]) -> dict[str, Features]:
    return {doc: features_of(a) for doc, a in store.arrays(ids, _FEAT_NAMES).items()}


# ----------------------------------------------------------------------------------------- windows


def _ordinals(doc: np.ndarray) -> np.ndarray:
    """The rank of each window within its document (windows come grouped by document)."""
    n = len(doc)
    if not n:
        return np.empty(0, np.int64)
    idx = np.arange(n)
    first = np.ones(n, dtype=bool)
    first[1:] = doc[1:] != doc[:-1]
    return idx - np.maximum.accumulate(np.where(first, idx, 0))


@dataclass
class Windows:
    """Windows of some documents in every channel: flat band entries and signatures by window id."""

    keys: np.ndarray  # int64, salted per channel: one row per (window, band)
    wins: np.ndarray  # int64 window id of each entry
    sig_of: dict[int, np.ndarray] = field(default_factory=dict)


@functools.lru_cache(maxsize=8)
def _banding(threshold: float, num_perm: int, bands: int, rows: int) -> tuple[int, int]:
    return (bands, rows) if bands and rows else choose_params(threshold, num_perm)


def windows(
    feats: list[Features],
    serials: list[int],
    cfg: Config,
    with_sigs: bool = True,
    channels: Iterable[str] | None = None,
    keyed: bool = True,
) -> Windows:
    """Sign and band the windows of documents (features and serial numbers side by side); only
    ``channels`` when given; ``keyed=False``: signatures only (no band entries)."""
    bands, rows = _banding(cfg.lsh.threshold, cfg.minhash.num_perm, cfg.lsh.bands, cfg.lsh.rows)
    keys_out, wins_out, sig_of = [], [], {}
    ids = [k for k, f in enumerate(feats) if f.indexed]
    serial = np.asarray(serials, dtype=np.int64)
    for channel in cfg.lsh.channels:
        if channels is not None and channel not in channels:
            continue
        c = CHANNEL_NO[channel]
        t = window_table(feats, ids, channel, cfg, bands, rows, keyed=keyed)
        if not len(t.doc):
            continue
        wins = (serial[t.doc] << (_ORD_BITS + _CHAN_BITS)) | (c << _ORD_BITS) | _ordinals(t.doc)
        if with_sigs:
            sig_of.update(zip(wins.tolist(), t.sigs, strict=True))
        if not keyed:
            continue
        salted = (t.keys ^ np.uint64(_SALT[c])).view(np.int64)
        keys_out.append(salted.reshape(-1))
        wins_out.append(np.repeat(wins, bands))
    if not keys_out:
        return Windows(np.empty(0, np.int64), np.empty(0, np.int64), sig_of)
    return Windows(np.concatenate(keys_out), np.concatenate(wins_out), sig_of)


def serial_of(wins: np.ndarray) -> np.ndarray:
    return wins >> (_ORD_BITS + _CHAN_BITS)


def channel_of(wins: np.ndarray) -> np.ndarray:
    return (wins >> _ORD_BITS) & ((1 << _CHAN_BITS) - 1)


def _key_counts(keys: np.ndarray) -> dict[int, int]:
    u, c = np.unique(keys, return_counts=True)
    return dict(zip(u.tolist(), c.tolist(), strict=True))


def doc_candidates(
    keys: np.ndarray,
    wins: np.ndarray,
    sigs: Callable[[np.ndarray], np.ndarray],
    cfg: Config,
    want: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> dict[tuple[int, int], bool]:
    """Candidate document pairs (serials, smaller first) from complete buckets, and whether an
    order-free channel proposed each: the rule of ``candidates.find_candidates`` and ``doc_pairs``.

    Args:
        keys, wins: every entry of the buckets that count (too common ones already left out).
        sigs: window ids -> their signatures (rows), for the estimate floor.
        want: ``(serial x, serial y) -> bool mask`` of the document pairs to consider.
    """
    pairs = shared_key_pairs(keys, wins, serial_of(wins))
    if not len(pairs):
        return {}
    ca, cb = channel_of(pairs[:, 0]), channel_of(pairs[:, 1])
    pairs = pairs[ca == cb]
    sa, sb = serial_of(pairs[:, 0]), serial_of(pairs[:, 1])
    if want is not None:
        keep = want(sa, sb)
        pairs, sa, sb = pairs[keep], sa[keep], sb[keep]
    if not len(pairs):
        return {}
    uniq, inv = np.unique(pairs.reshape(-1), return_inverse=True)
    est = estimate(sigs(uniq), inv.reshape(-1, 2))
    chan = channel_of(pairs[:, 0])
    floor = np.where(chan == CHANNEL_NO["ordered"], cfg.lsh.min_estimate, cfg.lsh.min_estimate_bag)
    ok = est >= floor
    out: dict[tuple[int, int], bool] = {}
    for x, y, c in zip(sa[ok].tolist(), sb[ok].tolist(), chan[ok].tolist(), strict=True):
        k = (min(x, y), max(x, y))
        out[k] = out.get(k, False) or c != CHANNEL_NO["ordered"]
    return out


class _Sigs:
    """Window signatures: the batch's, and stored documents' recomputed from their features on demand."""

    def __init__(self, cfg: Config, known: dict[int, np.ndarray], feats: Callable[[list[int]], dict]):
        self.cfg, self.known, self.feats = cfg, known, feats

    def __call__(self, wins: np.ndarray) -> np.ndarray:
        todo: dict[int, set[int]] = defaultdict(set)  # channel -> serials with windows to sign
        for w, s, c in zip(wins.tolist(), serial_of(wins).tolist(), channel_of(wins).tolist(), strict=True):
            if w not in self.known:
                todo[c].add(s)
        if todo:
            got = self.feats(sorted(set().union(*todo.values())))  # serial -> Features
            for c, serials in todo.items():
                ser = sorted(serials)
                channel = [name for name, no in CHANNEL_NO.items() if no == c]
                signed = windows([got[s] for s in ser], ser, self.cfg, channels=channel, keyed=False)
                self.known.update(signed.sig_of)
        return np.stack([self.known[w] for w in wins.tolist()])


# ----------------------------------------------------------------------------------------- add


@dataclass
class Change:
    """What a batch changes before the cluster stage."""

    new_docs: list[Document]
    new_feats: list[Features]
    removed: set[str]
    pairs: list[PairRow]  # new pair rows (kept filled in by the cluster stage)
    dropped_pairs: set[tuple[str, str]]  # stored document pairs whose rows are replaced or go
    touched: set[str]  # documents whose pairs changed


def _match(p: PairRow) -> Match:
    return Match(
        Passage(p.a, p.a_start, p.a_end),
        Passage(p.b, p.b_start, p.b_end),
        p.kind,
        p.jaccard,
        p.containment,
        p.source,
    )


def _pair_rows(matches: list[Match]) -> list[PairRow]:
    out, seq, last = [], 0, None
    for m in matches:
        key = (m.a.doc, m.b.doc)
        seq = seq + 1 if key == last else 0
        last = key
        out.append(
            PairRow(
                m.a.doc,
                m.b.doc,
                seq,
                m.a.start,
                m.a.end,
                m.b.start,
                m.b.end,
                m.kind,
                m.jaccard,
                m.containment,
                m.source,
                False,
            )
        )
    return out


def _verify(
    docs: list[Document], feats: list[Features], cands: dict[tuple[str, str], bool], cfg: Config
) -> list[Match]:
    """Align candidate document pairs (ids, smaller first) exactly as ``corpus.verify`` does in a run."""
    order = sorted(range(len(docs)), key=lambda k: docs[k].id)
    corpus = Corpus([docs[k] for k in order], [feats[k] for k in order], cfg)
    keys = sorted(cands, key=lambda ab: (corpus.index[ab[0]], corpus.index[ab[1]]))
    if not keys:
        return []
    pairs = np.array([(corpus.index[a], corpus.index[b]) for a, b in keys], dtype=np.int64)
    bag = np.array([cands[k] for k in keys], dtype=bool)
    return verify(corpus, pairs, bag)


class _Loader:
    """Stored documents and features by serial, read once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.id_of: dict[int, str] = {}
        self.docs: dict[str, Document] = {}
        self.feats: dict[str, Features] = {}

    def ids(self, serials: Iterable[int]) -> list[str]:
        need = [s for s in serials if s not in self.id_of]
        if need:
            self.id_of.update(self.store.doc_ids_of(need))
        return [self.id_of[s] for s in serials]

    def features(self, serials: list[int]) -> dict[int, Features]:
        ids = self.ids(serials)
        need = [i for i in ids if i not in self.feats]
        if need:
            self.feats.update(load_features(self.store, need))
        return {s: self.feats[i] for s, i in zip(serials, ids, strict=True)}

    def documents(self, ids: Iterable[str]) -> None:
        need = [i for i in ids if i not in self.docs]
        if need:
            for r in self.store.docs(need):
                self.docs[r.id] = document(r)


def _recheck(
    store: Store,
    loader: _Loader,
    sigs: _Sigs,
    pairs: set[tuple[int, int]],
    delta: dict[int, int],
    cfg: Config,
) -> dict[tuple[int, int], bool]:
    """The candidate status of stored document pairs once bucket sizes change by ``delta``."""
    if not pairs:
        return {}
    serials = sorted({s for p in pairs for s in p})
    ids = loader.ids(serials)
    bands = store.arrays(ids, ("band_keys", "band_wins"))
    keys = np.concatenate([bands[i]["band_keys"] for i in ids if i in bands] or [np.empty(0, np.int64)])
    wins = np.concatenate([bands[i]["band_wins"] for i in ids if i in bands] or [np.empty(0, np.int64)])
    u, c = np.unique(keys, return_counts=True)
    shared = u[c >= 2]
    sk, sw = store.band_members(shared)
    total = _key_counts(sk)
    ok = np.array(
        [total.get(k, 0) + delta.get(k, 0) <= cfg.lsh.max_bucket for k in keys.tolist()], dtype=bool
    )
    ok &= np.isin(keys, shared)
    wanted = {(min(a, b), max(a, b)) for a, b in pairs}

    def want(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.array(
            [(min(a, b), max(a, b)) in wanted for a, b in zip(x.tolist(), y.tolist(), strict=True)], bool
        )

    found = doc_candidates(keys[ok], wins[ok], sigs, cfg, want)
    return {p: found[p] for p in wanted if p in found}


def _verify_involved(
    loader: _Loader, cands: dict[tuple[int, int], bool], recheck: set[tuple[int, int]], cfg: Config
) -> tuple[list[Match], set[tuple[str, str]]]:
    """Verify candidate document pairs (serials) over the documents they involve; also the stored
    document pairs ``recheck`` names, by id, whose rows are to be replaced by the verified ones."""
    involved = sorted({s for p in list(cands) + list(recheck) for s in p})
    id_list = loader.ids(involved)
    loader.documents(id_list)
    feats = loader.features(involved)
    name = dict(zip(involved, id_list, strict=True))
    by_ids = {tuple(sorted((name[a], name[b]))): bag for (a, b), bag in cands.items()}
    matches = _verify([loader.docs[name[s]] for s in involved], [feats[s] for s in involved], by_ids, cfg)
    dropped = {tuple(sorted((name[a], name[b]))) for a, b in recheck}
    return matches, dropped


@dataclass
class Detected:
    """A batch's reuse against the index and within itself, before anything is written."""

    meta: dict[str, str]
    corpus: Corpus  # the batch, prepared
    serials: list[int]  # the batch's serial numbers
    windows: Windows  # the batch's windows
    loader: _Loader  # the batch's and the involved stored documents
    candidates: int  # candidate document pairs
    recheck: set[tuple[int, int]]  # stored document pairs checked again
    matches: list[Match]  # verified pairs (the batch's, and the re-checked stored ones)
    dropped: set[tuple[str, str]]  # stored document pairs whose rows the re-checked ones replace


def _check_batch(store: Store, docs: list[Document]) -> None:
    seen: set[str] = set()
    for d in docs:
        if d.id in seen:
            raise IndexError_(f"{d.origin or d.id}: document id {d.id!r} appears twice in the batch")
        seen.add(d.id)
    already = store.doc_serial(seen)
    if already:
        first = min(already)
        raise IndexError_(
            f"{store.location}: document {first!r} is already indexed ({len(already)} of the batch are)"
        )


def detect(store: Store, docs: list[Document], cfg: Config, progress: Progress | None = None) -> Detected:
    """A batch's reuse against everything indexed and within itself (nothing is written)."""
    meta = check(store, cfg)
    _check_batch(store, docs)
    corpus = prepare(docs, cfg, progress)
    start = int(meta.get("next_serial", "1"))
    serials = list(range(start, start + len(corpus.docs)))
    new_w = windows(corpus.feats, serials, cfg)
    loader = _Loader(store)
    for s, d, f in zip(serials, corpus.docs, corpus.feats, strict=True):
        loader.id_of[s], loader.docs[d.id], loader.feats[d.id] = d.id, d, f
    sigs = _Sigs(cfg, dict(new_w.sig_of), loader.features)
    # complete buckets of the batch's keys
    old_k, old_w = store.band_members(new_w.keys)
    cap = cfg.lsh.max_bucket
    keys = np.concatenate([new_w.keys, old_k])
    wins = np.concatenate([new_w.wins, old_w])
    u, inv, total = np.unique(keys, return_inverse=True, return_counts=True)  # complete buckets
    enabled = total[inv] <= cap
    cands = doc_candidates(keys[enabled], wins[enabled], sigs, cfg, lambda x, y: np.maximum(x, y) >= start)
    # buckets the batch pushed over the cap: their older members' pairs are checked again
    n_old = np.bincount(inv[len(new_w.keys) :], minlength=len(u))
    over = u[(total > cap) & (n_old >= 2) & (n_old <= cap)].tolist()
    new_n = dict(zip(u.tolist(), (total - n_old).tolist(), strict=True)) if over else {}
    recheck: set[tuple[int, int]] = set()
    if over:
        ok_, ow_ = store.band_members(np.array(over, dtype=np.int64))
        by_key: dict[int, set[int]] = defaultdict(set)
        for k, s in zip(ok_.tolist(), serial_of(ow_).tolist(), strict=True):
            by_key[k].add(s)
        for members in by_key.values():
            ms = sorted(members)
            recheck.update((a, b) for i, a in enumerate(ms) for b in ms[i + 1 :])
    rechecked = _recheck(store, loader, sigs, recheck, new_n, cfg)
    all_cands = dict(cands)
    all_cands.update(rechecked)
    matches, dropped = _verify_involved(loader, all_cands, recheck, cfg)
    return Detected(meta, corpus, serials, new_w, loader, len(cands), recheck, matches, dropped)


def add(store: Store, docs: list[Document], cfg: Config, progress: Progress | None = None) -> dict[str, Any]:
    """Index a batch: its reuse against everything indexed and within itself; clusters updated."""
    t0 = time.perf_counter()
    got = detect(store, docs, cfg, progress)
    meta, corpus, serials, new_w, loader = got.meta, got.corpus, got.serials, got.windows, got.loader
    matches, dropped, start = got.matches, got.dropped, int(meta.get("next_serial", "1"))
    touched = {d for ab in dropped for d in ab} | {d.id for d in corpus.docs}
    change = Change(corpus.docs, corpus.feats, set(), _pair_rows(matches), dropped, touched)
    batch = Batch()
    batch.meta.update(identity(cfg))
    batch.meta["config"] = json.dumps(cfg.to_dict(), ensure_ascii=False)
    batch.meta["next_serial"] = str(start + len(corpus.docs))
    for s, d, f in zip(serials, corpus.docs, corpus.feats, strict=True):
        batch.docs.append(doc_row(d, s, f))
        for nm, a in feature_arrays(f).items():
            batch.arrays.append((d.id, nm, a))
    if len(new_w.wins):
        ser = serial_of(new_w.wins)
        order = np.argsort(ser, kind="stable")
        ks, ws, ss = new_w.keys[order], new_w.wins[order], ser[order]
        cuts = np.flatnonzero(np.diff(ss)) + 1
        for kpart, wpart in zip(np.split(ks, cuts), np.split(ws, cuts), strict=True):
            doc = loader.id_of[int(serial_of(wpart[:1])[0])]
            batch.arrays.append((doc, "band_keys", kpart))
            batch.arrays.append((doc, "band_wins", wpart))
        batch.bands_add.append((new_w.keys, new_w.wins))
    t1 = time.perf_counter()
    cstats = regroup(store, cfg, change, batch, meta, progress)
    store.write(batch)
    return {
        "documents": len(corpus.docs),
        "indexed": sum(f.indexed for f in corpus.feats),
        "windows": int(len(np.unique(new_w.wins))),
        "candidate_doc_pairs": got.candidates,
        "rechecked_doc_pairs": len(got.recheck),
        "verified_pairs": len(matches),
        **cstats,
        "seconds": {"detect": round(t1 - t0, 3), "clusters": round(time.perf_counter() - t1, 3)},
    }


# ----------------------------------------------------------------------------------------- remove


def remove(store: Store, ids: list[str], progress: Progress | None = None) -> dict[str, Any]:
    """Take documents down: they, their passages and their pairs go; their clusters are regrouped."""
    cfg = stored_config(store)
    meta = check(store, cfg)
    serial = store.doc_serial(ids)
    missing = sorted(set(ids) - set(serial))
    if missing:
        raise IndexError_(f"{store.location}: document {missing[0]!r} is not in the index")
    loader = _Loader(store)
    bands = store.arrays(ids, ("band_keys", "band_wins"))
    keys = np.concatenate([b["band_keys"] for b in bands.values()] or [np.empty(0, np.int64)])
    wins = np.concatenate([b["band_wins"] for b in bands.values()] or [np.empty(0, np.int64)])
    gone = _key_counts(keys)
    sk, sw = store.band_members(keys)
    before = _key_counts(sk)
    cap = cfg.lsh.max_bucket
    reopened = [k for k, n in gone.items() if before[k] > cap and before[k] - n <= cap]
    removed_serials = set(serial.values())
    recheck: set[tuple[int, int]] = set()
    if reopened:
        rk, rw = store.band_members(np.array(reopened, dtype=np.int64))
        by_key: dict[int, set[int]] = defaultdict(set)
        for k, s in zip(rk.tolist(), serial_of(rw).tolist(), strict=True):
            if s not in removed_serials:
                by_key[k].add(s)
        for members in by_key.values():
            ms = sorted(members)
            recheck.update((a, b) for i, a in enumerate(ms) for b in ms[i + 1 :])
    sigs = _Sigs(cfg, {}, loader.features)
    delta = {k: -n for k, n in gone.items()}
    rechecked = _recheck(store, loader, sigs, recheck, delta, cfg)
    matches, dropped = _verify_involved(loader, rechecked, recheck, cfg)
    touched = {d for ab in dropped for d in ab} | set(ids)
    for p in store.pairs(ids):
        touched.update((p.a, p.b))
    change = Change([], [], set(ids), _pair_rows(matches), dropped, touched)
    batch = Batch(drop_docs=sorted(ids))
    batch.bands_del.append((keys, wins))
    cstats = regroup(store, cfg, change, batch, meta, progress)
    store.write(batch)
    return {
        "removed": len(ids),
        "rechecked_doc_pairs": len(recheck),
        "verified_pairs": len(matches),
        **cstats,
    }


# ----------------------------------------------------------------------------------------- clusters


def _pkey(m: Match) -> tuple:
    return (m.a.doc, m.a.start, m.a.end, m.b.doc, m.b.start, m.b.end, m.kind)


def cluster_record(c: Cluster, docs: dict[str, Document], merged_from: list[str]) -> dict[str, Any]:
    return cluster_json(replace(c, merged_from=tuple(merged_from)), docs)


def cluster_of(rec: dict[str, Any]) -> Cluster:
    """A stored cluster record as a :class:`Cluster`."""
    members = tuple(
        Member(
            Passage(m["doc"], m["start"], m["end"]),
            m["parent"],
            m.get("similarity"),
            m.get("lag_hours"),
            m.get("rule"),
            m.get("credited"),
        )
        for m in rec["members"]
    )
    o = rec["origin"]
    origin = Passage(o["doc"], o["start"], o["end"]) if o else None
    return Cluster(rec["cluster"], members, origin, rec.get("upstream"), tuple(rec.get("merged_from", ())))


def _components(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def all_documents(
    store: Store, extra: list[Document] = (), removed: set[str] = frozenset()
) -> list[Document]:
    """Every indexed document (and a batch's), in id order."""
    docs = [document(r) for r in store.docs() if r.id not in removed]
    docs.extend(extra)
    docs.sort(key=lambda d: d.id)
    return docs


def all_grams(store: Store, ids: list[str], extra: dict[str, Features]) -> list[np.ndarray]:
    """Each document's distinct n-gram hashes (the stock phrase filter counts documents per n-gram)."""
    stored = store.arrays([i for i in ids if i not in extra], ("gram_keys",))
    return [
        extra[i].gram_keys if i in extra else stored[i]["gram_keys"] for i in ids if i in extra or i in stored
    ]


def regroup(
    store: Store, cfg: Config, change: Change, batch: Batch, meta: dict[str, str], progress=None
) -> dict[str, Any]:
    """Regroup the components a change touches; fill the batch with their clusters and kept flags."""
    docs = all_documents(store, change.new_docs, change.removed)
    by_id = {d.id: d for d in docs}
    new_feats = {d.id: f for d, f in zip(change.new_docs, change.new_feats, strict=True)}
    grams = all_grams(store, [d.id for d in docs], new_feats)
    rows = [
        p
        for p in store.pairs()
        if p.a not in change.removed and p.b not in change.removed and (p.a, p.b) not in change.dropped_pairs
    ]
    was = {(p.a, p.b, p.seq): (p.kept, p.directed) for p in rows}
    rows = sorted(rows + change.pairs, key=lambda p: (p.a, p.b, p.seq))
    run = Run.from_matches(docs, cfg, [_match(p) for p in rows], grams=grams)
    matches = run.pairs  # directed by the full rule over every document, as a run over them all
    touched = set(change.touched)
    chosen: dict[str, Any] = {}

    def select(kept: list[Match]) -> list[Match]:
        keys = {_pkey(m) for m in kept}
        flags = [(_pkey(m) in keys, m.source) for m in matches]
        for p, k in zip(rows, flags, strict=True):
            if was.get((p.a, p.b, p.seq), k) != k:
                touched.update((p.a, p.b))  # the corpus-wide rules changed their mind on this pair
        replaced = {cid: (seq, rec) for cid, seq, rec in store.clusters(touched)}
        for _, rec in replaced.values():
            touched.update(m["doc"] for m in rec["members"])
        comp = _components((m.a.doc, m.b.doc) for m in kept)
        roots = {comp[d] for d in touched if d in comp}
        members = {d for d, r in comp.items() if r in roots}
        replaced.update({cid: (seq, rec) for cid, seq, rec in store.clusters(members)})
        chosen["flags"], chosen["replaced"] = flags, replaced
        return [m for m in kept if comp[m.a.doc] in roots]

    groups = group_matches(matches, run.directed_docs, cfg, grams, directed=True, select=select)
    new_rows = {id(p) for p in change.pairs}
    for p, (k, d) in zip(rows, chosen["flags"], strict=True):
        if id(p) in new_rows:
            batch.pairs.append(replace(p, kept=k, directed=d))
        elif was[(p.a, p.b, p.seq)] != (k, d):
            batch.kept.append((p.a, p.b, p.seq, k, d))
    batch.drop_pairs.extend(sorted(change.dropped_pairs))  # their rows go; re-verified ones come back new
    replaced = chosen["replaced"]
    batch.drop_clusters.extend(sorted(replaced))
    next_seq = int(meta.get("next_cluster", "1"))
    assigned, next_seq = assign_ids(groups.clusters, replaced, next_seq, cfg.cluster.min_overlap)
    for c, (cid, seq, merged) in zip(groups.clusters, assigned, strict=True):
        batch.clusters.append((cid, seq, cluster_record(_renamed(c, cid), by_id, merged)))
    batch.meta["next_cluster"] = str(next_seq)
    return {
        "clusters_regrouped": len(groups.clusters),
        "clusters_replaced": len(replaced),
        "clusters_new": sum(1 for cid, _, _ in assigned if cid not in replaced),
    }


def _renamed(c: Cluster, cid: str) -> Cluster:
    return Cluster(cid, c.members, c.origin, c.upstream)


def _successors(
    clusters: list[Cluster], old: dict[str, tuple[int, dict]], min_overlap: float
) -> dict[str, int]:
    """Each stored cluster's successor among the new groups: the group holding most of its members
    unchanged (same document and span), then most of them still there (a span of the same document
    covering at least ``min_overlap`` of the stored one: a passage that grew into a longer one, as
    groups join enclosed components, is still there); the earlier group on a tie. A cluster none of
    whose members is still there has none."""
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # doc -> (group, start, end)
    for g, c in enumerate(clusters):
        for m in c.members:
            spans[m.passage.doc].append((g, m.passage.start, m.passage.end))
    out = {}
    for cid, (_, rec) in old.items():
        same: dict[int, int] = defaultdict(int)
        near: dict[int, int] = defaultdict(int)
        for m in rec["members"]:
            hit_same, hit_near = set(), set()
            for g, s, e in spans.get(m["doc"], ()):
                if (s, e) == (m["start"], m["end"]):
                    hit_same.add(g)
                if _covered((m["start"], m["end"]), (s, e)) >= min_overlap:
                    hit_near.add(g)
            for g in hit_same:
                same[g] += 1
            for g in hit_near:
                near[g] += 1
        if near:
            out[cid] = min(near, key=lambda g: (-same[g], -near[g], g))
    return out


def _covered(old: tuple[int, int], new: tuple[int, int]) -> float:
    """The share of span ``old`` that span ``new`` covers."""
    inter = min(old[1], new[1]) - max(old[0], new[0])
    return max(inter, 0) / max(old[1] - old[0], 1)


def assign_ids(
    clusters: list[Cluster], old: dict[str, tuple[int, dict]], next_seq: int, min_overlap: float = 0.5
) -> tuple[list[tuple[str, int, list[str]]], int]:
    """Stable ids. Each stored cluster the change touched passes to its successor (the new group that
    holds most of its members: :func:`_successors`). A group that succeeds one cluster keeps its id
    (grown or shrunk); one that succeeds several keeps the id of the one whose origin it keeps (the
    oldest of those, else the oldest) and lists the others (and what they had absorbed) in
    ``merged_from``; a group that succeeds none gets the next new id."""
    heirs: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for cid, g in _successors(clusters, old, min_overlap).items():
        o, kept = old[cid][1].get("origin") or {}, clusters[g].origin
        same = o.get("doc") == kept.doc and o.get("start", 0) < kept.end and kept.start < o.get("end", 0)
        heirs[g].append((0 if same else 1, old[cid][0], cid))
    out = []
    for g in range(len(clusters)):
        got = [(seq, cid) for _, seq, cid in sorted(heirs.get(g, ()))]
        if not got:
            out.append((f"c-{next_seq:06d}", next_seq, []))
            next_seq += 1
            continue
        (seq, cid), others = got[0], got[1:]
        prior = list(old[cid][1].get("merged_from", []))
        for _, other in others:
            prior += [other, *old[other][1].get("merged_from", [])]
        out.append((cid, seq, sorted(set(prior))))
    return out, next_seq


# ----------------------------------------------------------------------------------------- reading


@dataclass
class Contents:
    """Everything indexed, as a run over it would hold it."""

    config: Config
    docs: list[Document]
    matches: list[Match]
    clusters: list[Cluster]
    grams: list[np.ndarray]
    meta: dict[str, str]


def contents(store: Store) -> Contents:
    """Every indexed document, pair and cluster (clusters in a run's order: by origin)."""
    cfg = stored_config(store)
    meta = _meta(store)
    docs = all_documents(store)
    by_id = {d.id: d for d in docs}
    matches = [_match(p) for p in store.pairs()]
    clusters = [cluster_of(rec) for _, _, rec in store.clusters()]
    clusters.sort(key=lambda c: _order(c, by_id))
    grams = all_grams(store, [d.id for d in docs], {})
    return Contents(cfg, docs, matches, clusters, grams, meta)


_EPOCH = datetime(1970, 1, 1).astimezone()


def _order(c: Cluster, by_id: dict[str, Document]) -> tuple:
    o = c.origin
    k = time_key(by_id[o.doc], o)
    return (k[0], k[1] or _EPOCH, k[2], k[3], o.end)


def stats(store: Store) -> dict[str, Any]:
    """Counts, size, configuration fingerprint and scheme of an index."""
    meta = _meta(store)
    out: dict[str, Any] = {"index": store.location, **store.counts(), "bytes": store.size_bytes()}
    out["fingerprint"] = meta.get("fingerprint")
    out["scheme"] = json.loads(meta["scheme"]) if "scheme" in meta else None
    out["normalizer"] = json.loads(meta["normalizer"]) if "normalizer" in meta else None
    out["profile"] = json.loads(meta["config"]).get("profile") if "config" in meta else None
    out["format"] = meta.get("format")
    return out


def index_run(store: Store, progress: Progress | None = None) -> Run:
    """Everything indexed as a :class:`~syndetect.pipeline.Run` (the same writers as a run over every
    indexed document), its clusters the stored ones with their stable ids."""
    c = contents(store)
    info = stats(store)
    detection = {"documents": info["documents"], "indexed": info["indexed"], "verified_pairs": info["pairs"]}
    detection["index"] = {k: info[k] for k in ("index", "fingerprint", "scheme", "bytes")}
    run = Run.from_matches(c.docs, c.config, c.matches, grams=c.grams, stats=detection)
    run.progress = progress
    captured: dict[str, list[Match]] = {}

    def select(kept: list[Match]) -> list[Match]:
        captured["kept"] = kept
        return []

    groups = group_matches(run.pairs, run.directed_docs, c.config, c.grams, directed=True, select=select)
    run.__dict__["groups"] = replace(groups, clusters=c.clusters, matches=captured["kept"])
    return run
