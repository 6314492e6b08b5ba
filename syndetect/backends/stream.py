"""The streaming local backend: the in-memory run's pure functions over a corpus spilled to disk.

Detection memory is set by the batch size and the largest band bucket, not by the corpus:

1. Documents are read one by one into a SQLite spill store (``id`` primary key, the pickled
   ``Document``) and come back in id order: the local run's document index.
2. Batches of ``batch`` documents get their features (``detect.features.features``, on ``run.jobs``
   processes), written to one flat file per feature array with a per-document offset table, and
   their window signatures and band keys (``detect.candidates.window_table``): signatures (with the
   window's document) appended to a file per channel, band entries ``(key, band, window, document)``
   spilled to partition files by key range, each document's distinct n-grams to partition files by
   hash range (for the corpus-wide stock-phrase frequencies).
3. Each key partition holds whole buckets: sorted, cut into buckets with ``detect.lsh._bucket_pairs``
   (the same rule: buckets of more than ``lsh.max_bucket`` windows are dropped and counted). Window
   pairs are spilled by their first window; each such partition is made unique, gets the signatures of
   its windows read back, the estimate floor (``detect.candidates.estimate``), and gives document pairs
   with their order-free flag (as ``detect.candidates.doc_pairs``), spilled by first document.
4. Each document-pair partition is verified as soon as it is complete (``detect.corpus.verify``: the
   compiled aligner, sentence snapping), its documents' features and texts fetched from the spill
   store; matches come out in (i, j) order, exactly the in-memory list.
5. Provenance runs through ``syndetect.pipeline.Run.from_matches`` with the documents and the stock
   n-gram frequencies (only n-grams in at least ``boilerplate.stock_min_docs`` documents matter), so
   ``pairs.jsonl`` and ``clusters.jsonl`` are byte-identical to the in-memory run's. That stage holds
   the documents and the matches (it is corpus-wide: revisions, boilerplate, crawl batches).
"""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from syndetect.config import Config
from syndetect.detect.candidates import banding, estimate, window_table
from syndetect.detect.corpus import MIN_DOCS_PER_JOB, MIN_PAIRS_PER_JOB, Corpus, PairsResult, prepare, verify
from syndetect.detect.features import ARRAYS, Features, pack
from syndetect.detect.lsh import CandidateStats, _bucket_pairs, sorted_unique
from syndetect.detect.minhash import scheme_info
from syndetect.detect.shingle import HASH_NAME
from syndetect.parallel import processes
from syndetect.records import Document, Match
from syndetect.text.normalize import UNICODE_VERSION

Progress = Callable[[str, int, int], None]  # (step, done, total)
BATCH = 4000  # documents per batch
ENTRY = np.dtype([("key", "<u8"), ("band", "<i2"), ("win", "<i8"), ("doc", "<i4")])
ENTRIES_PER_PART = 4_000_000  # band entries per key partition (about 90 MB in memory when sorted)


def _parts(total: int, per_part: int, most: int = 256) -> int:
    """How many partitions for about ``total`` items, ``per_part`` each (1 to ``most``)."""
    return int(min(most, max(1, -(-total // per_part))))


def _part_of(values: np.ndarray, parts: int, span: int) -> np.ndarray:
    """The partition of each value in ``[0, span)`` cut into ``parts`` equal ranges."""
    return (values.astype(np.float64) * (parts / span)).astype(np.int64).clip(0, parts - 1)


class Spill:
    """Append-only partition files under one folder: ``write(part, array)``, ``read(part)``."""

    def __init__(self, folder: Path, name: str, parts: int, dtype: np.dtype) -> None:
        self.folder, self.name, self.parts, self.dtype = folder, name, parts, np.dtype(dtype)
        self.sizes = np.zeros(parts, dtype=np.int64)

    def path(self, part: int) -> Path:
        return self.folder / f"{self.name}-{part:04d}.bin"

    def write(self, parts: np.ndarray, values: np.ndarray) -> None:
        """Append each value to the file of its partition."""
        if not len(values):
            return
        order = np.argsort(parts, kind="stable")
        parts, values = parts[order], values[order]
        cuts = np.flatnonzero(np.diff(parts)) + 1
        for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(parts)], strict=True):
            p = int(parts[lo])
            with open(self.path(p), "ab") as fh:
                np.ascontiguousarray(values[lo:hi], dtype=self.dtype).tofile(fh)
            self.sizes[p] += hi - lo

    def read(self, part: int, remove: bool = True) -> np.ndarray:
        """The values of one partition (the file removed once read, unless told otherwise)."""
        path = self.path(part)
        if not path.exists():
            return np.empty(0, dtype=self.dtype)
        out = np.fromfile(path, dtype=self.dtype)
        if remove:
            path.unlink()
        return out


def read_rows(path: Path, dtype: np.dtype, rows: np.ndarray) -> np.ndarray:
    """Rows ``rows`` (sorted, unique) of a flat file of ``dtype`` records, one read per run of
    consecutive rows (plain reads, no memory map: only the rows asked for enter the process)."""
    dtype = np.dtype(dtype)
    out = np.empty(len(rows), dtype=dtype)
    if not len(rows):
        return out
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    view = out.view(np.uint8).reshape(len(rows), dtype.itemsize)
    with open(path, "rb", buffering=0) as fh:
        for lo, hi in zip(np.r_[0, breaks].tolist(), np.r_[breaks, len(rows)].tolist(), strict=True):
            fh.seek(int(rows[lo]) * dtype.itemsize)
            fh.readinto(memoryview(view[lo:hi]).cast("B"))
    return out


class FeatureStore:
    """Every document's features on disk: one flat file per array, a per-document offset table."""

    def __init__(self, folder: Path, stemmed: bool) -> None:
        self.folder = folder
        self.names = list(ARRAYS) + (["words"] if stemmed else [])
        self.dtypes: dict[str, np.dtype] = {}
        self.ends = np.zeros(len(self.names), dtype=np.int64)  # running length of each file
        self.row = np.dtype(
            [("start", "<i8", len(self.names)), ("len", "<i8", len(self.names)), ("indexed", "?")]
        )
        self.count = 0

    def add(self, feats: list[Features]) -> None:
        """Append a batch's features (in document order)."""
        packed = pack(feats)
        if "words" in self.names and "words" not in packed:
            packed["words"] = np.concatenate([f.words for f in feats])
            packed["words/len"] = packed["tokens/len"]
        rows = np.zeros(len(feats), dtype=self.row)
        for k, name in enumerate(self.names):
            buf, lens = packed[name], packed.get(name + "/len", packed["tokens/len"])
            self.dtypes.setdefault(name, buf.dtype)
            with open(self.folder / f"feat-{name}.bin", "ab") as fh:
                np.ascontiguousarray(buf, dtype=self.dtypes[name]).tofile(fh)
            rows["start"][:, k] = self.ends[k] + np.concatenate(([0], np.cumsum(lens)[:-1]))
            rows["len"][:, k] = lens
            self.ends[k] += int(lens.sum())
        rows["indexed"] = packed["indexed"]
        with open(self.folder / "feat-rows.bin", "ab") as fh:
            rows.tofile(fh)
        self.count += len(feats)

    def get(self, docs: np.ndarray) -> list[Features]:
        """The features of documents ``docs`` (sorted, unique indices)."""
        rows = read_rows(self.folder / "feat-rows.bin", self.row, docs)
        fields: dict[str, list[np.ndarray]] = {}
        for k, name in enumerate(self.names):
            dt = self.dtypes.get(name, np.dtype(np.uint32))
            with open(self.folder / f"feat-{name}.bin", "rb", buffering=0) as fh:
                out = []
                for s, n in zip(rows["start"][:, k].tolist(), rows["len"][:, k].tolist(), strict=True):
                    a = np.empty(n, dtype=dt)
                    if n:
                        fh.seek(s * dt.itemsize)
                        fh.readinto(memoryview(a).cast("B"))
                    out.append(a)
            fields[name] = out
        words = fields.pop("words", None) or fields["tokens"]
        return [
            Features(indexed=bool(x), words=words[k], **{n: fields[n][k] for n in ARRAYS})
            for k, x in enumerate(rows["indexed"].tolist())
        ]


class DocStore:
    """The documents in a SQLite file: read in any order, given back in id order and by index."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
            "CREATE TABLE docs (id TEXT PRIMARY KEY, doc BLOB) WITHOUT ROWID;"
            "CREATE TABLE ranks (idx INTEGER PRIMARY KEY, id TEXT);"
        )

    def add(self, docs: Iterable[Document], progress: Progress | None = None) -> int:
        """Store every document (an id seen twice keeps the first: the readers reject duplicates)."""
        n, batch = 0, []
        for d in docs:
            batch.append((d.id, pickle.dumps(d, 5)))
            if len(batch) >= 2000:
                n += self._insert(batch)
                if progress:
                    progress("read", n, 0)
        n += self._insert(batch)
        self.db.commit()
        return n

    def _insert(self, batch: list) -> int:
        self.db.executemany("INSERT OR IGNORE INTO docs VALUES (?, ?)", batch)
        k = len(batch)
        batch.clear()
        return k

    def ordered(self, size: int) -> Iterator[list[Document]]:
        """The documents in id order, ``size`` at a time; the order is recorded (index -> id)."""
        cur = self.db.execute("SELECT doc FROM docs ORDER BY id")  # BINARY: code point order
        idx = 0
        while rows := cur.fetchmany(size):
            batch = [pickle.loads(r[0]) for r in rows]
            yield batch
            idx += len(batch)
        self.db.executemany(
            "INSERT INTO ranks VALUES (?, ?)",
            enumerate(r[0] for r in self.db.execute("SELECT id FROM docs ORDER BY id")),
        )
        self.db.commit()

    def get(self, idx: np.ndarray) -> list[Document]:
        """The documents of indices ``idx``, in that order."""
        out = []
        for k in idx.tolist():
            (doc,) = self.db.execute(
                "SELECT d.doc FROM ranks r JOIN docs d ON d.id = r.id WHERE r.idx = ?", (k,)
            ).fetchone()
            out.append(pickle.loads(doc))
        return out

    def all(self) -> Iterator[Document]:
        for (doc,) in self.db.execute("SELECT doc FROM docs ORDER BY id"):
            yield pickle.loads(doc)


def _stock_grams(spill: Spill, min_docs: int) -> list[np.ndarray]:
    """Arrays whose document frequencies (``boilerplate.gram_document_frequency``) are the corpus's
    for every n-gram in at least ``min_docs`` documents; rarer ones are left out (no filter reads them:
    an n-gram is stock only from ``min_docs`` documents on)."""
    values, counts = [], []
    for p in range(spill.parts):
        v, c = np.unique(spill.read(p), return_counts=True)
        keep = c >= max(1, min_docs)
        values.append(v[keep])
        counts.append(c[keep])
    v, c = np.concatenate(values), np.concatenate(counts)
    if not len(v):
        return []
    return [v[c > k] for k in range(int(c.max()))]


def find_pairs_stream(
    docs: Iterable[Document],
    cfg: Config,
    progress: Progress | None = None,
    batch: int = BATCH,
    workdir: str | os.PathLike[str] | None = None,
    part_items: int = ENTRIES_PER_PART,
) -> tuple[PairsResult, list[np.ndarray], list[Document]]:
    """Detection as :func:`syndetect.detect.corpus.find_pairs`, streamed through a spill folder.

    Args:
        batch: documents per batch (features and signatures of one batch are in memory at once).
        workdir: where the spill folder is made (the system's temporary folder by default).
        part_items: band entries per spill partition (window and document pairs: half as many).

    Returns the detection (its corpus holds the documents but no features), the stock n-gram arrays
    for the cluster stage and the documents in id order. The semantic channel is not streamed.
    """
    if cfg.semantic.enabled:
        raise ValueError("the stream backend does not run the semantic channel: use --backend local")
    folder = Path(tempfile.mkdtemp(prefix="syndetect-stream-", dir=workdir))
    try:
        return _run(docs, cfg, progress, batch, folder, part_items)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(docs, cfg: Config, progress, batch: int, folder: Path, part_items: int):
    t0 = time.perf_counter()
    store = DocStore(folder / "docs.sqlite")
    n_docs = store.add(docs, progress)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        return _detect(store, n_docs, cfg, progress, batch, folder, t0, part_items)
    finally:
        if gc_was:
            gc.enable()
        store.db.close()


def _detect(
    store: DocStore, n_docs: int, cfg: Config, progress, batch: int, folder: Path, t0: float, part_items: int
):
    bands, rows = banding(cfg)
    channels = cfg.lsh.channels
    num_perm = cfg.minhash.num_perm
    sig_dtype = np.dtype([("sig", "<u4", num_perm), ("doc", "<i8")])
    # guess the sizes from the document count: about 30 windows a document and channel
    key_parts = _parts(n_docs * 30 * bands, part_items)
    keys = {c: Spill(folder, f"keys-{c}", key_parts, ENTRY) for c in channels}
    gram_spill = Spill(folder, "grams", _parts(n_docs * 400, 20_000_000), np.uint32)
    feats_store = FeatureStore(folder, cfg.shingle.bag_stem)
    n_win = dict.fromkeys(channels, 0)
    n_indexed = n_too_short = n_tokens = 0
    for k, docs in enumerate(store.ordered(batch)):
        base = k * batch
        corpus = prepare(docs, cfg)
        feats = corpus.feats
        feats_store.add(feats)
        n_indexed += sum(f.indexed for f in feats)
        n_too_short += sum(not f.indexed for f in feats)
        n_tokens += sum(f.n_tokens for f in feats)
        per_doc = [np.unique(f.grams) for f in feats if len(f.grams)]
        if per_doc:
            g = np.concatenate(per_doc)
            gram_spill.write(_part_of(g, gram_spill.parts, 1 << 32), g)
        ids = [i for i, f in enumerate(feats) if f.indexed]
        for c in channels:
            t = window_table(feats, ids, c, cfg, bands, rows)
            rec = np.empty(len(t.doc), dtype=sig_dtype)
            rec["sig"], rec["doc"] = t.sigs, t.doc + base
            with open(folder / f"sigs-{c}.bin", "ab") as fh:
                rec.tofile(fh)
            nw = len(t.doc)
            ent = np.empty((nw, bands), dtype=ENTRY)
            ent["key"] = t.keys
            ent["band"] = np.arange(bands, dtype=np.int16)[None, :]
            ent["win"] = (n_win[c] + np.arange(nw))[:, None]
            ent["doc"] = (t.doc + base)[:, None]
            ent = ent.ravel()
            keys[c].write(_part_of(ent["key"] >> np.uint64(11), key_parts, 1 << 53), ent)
            n_win[c] += nw
        if progress:
            progress("features", base + len(docs), n_docs)
    t1 = time.perf_counter()

    # -- buckets -> window pairs -> estimate floor -> document pairs, partition by partition ----------
    stats = {c: CandidateStats() for c in channels}
    doc_spill = Spill(folder, "docpairs", 1, np.int64)  # sized once the window pairs are known
    doc_parts_of: list[tuple[str, Spill]] = []
    for c in channels:
        nw = max(1, n_win[c])
        pair_spill = Spill(folder, f"winpairs-{c}", _parts(nw * 8, part_items // 2), np.int64)
        for p in range(key_parts):
            ent = keys[c].read(p)
            if not len(ent):
                continue
            order = np.lexsort((ent["band"], ent["key"]))
            ent = ent[order]
            change = np.ones(len(ent), dtype=bool)
            change[1:] = (ent["key"][1:] != ent["key"][:-1]) | (ent["band"][1:] != ent["band"][:-1])
            bucket = np.cumsum(change)
            n = len(ent)
            codes, counts = _bucket_pairs(
                np.arange(n), bucket, ent["doc"].astype(np.int64), cfg.lsh.max_bucket
            )
            st = stats[c]
            st.buckets += int(counts[0])
            st.dropped_buckets += int(counts[1])
            st.dropped_members += int(counts[2])
            x, y = ent["win"][codes // n], ent["win"][codes % n]
            lo, hi = np.minimum(x, y), np.maximum(x, y)
            code = sorted_unique(lo * nw + hi)
            pair_spill.write(_part_of(code // nw, pair_spill.parts, nw), code)
            del ent, order, change, bucket, codes, x, y, lo, hi, code
        floor = cfg.lsh.min_estimate if c == "ordered" else cfg.lsh.min_estimate_bag
        spill = Spill(folder, f"docpairs-{c}", _parts(n_docs * 20, part_items // 2), np.int64)
        for q in range(pair_spill.parts):
            code = sorted_unique(pair_spill.read(q))
            if not len(code):
                continue
            stats[c].pairs += len(code)
            lo, hi = code // nw, code % nw
            wins = sorted_unique(np.concatenate((lo, hi)))
            rec = read_rows(folder / f"sigs-{c}.bin", sig_dtype, wins)
            pairs = np.stack([np.searchsorted(wins, lo), np.searchsorted(wins, hi)], axis=1)
            est = estimate(np.ascontiguousarray(rec["sig"]), pairs)
            stats[c].below_estimate += int((est < floor).sum())
            pairs = pairs[est >= floor]
            da, db = rec["doc"][pairs[:, 0]], rec["doc"][pairs[:, 1]]
            dc = sorted_unique(np.minimum(da, db) * n_docs + np.maximum(da, db))
            spill.write(_part_of(dc // n_docs, spill.parts, n_docs), dc)
            del code, lo, hi, wins, rec, pairs, est
        (folder / f"sigs-{c}.bin").unlink(missing_ok=True)
        doc_parts_of.append((c, spill))
    del doc_spill
    t2 = time.perf_counter()

    # -- verify each document-pair partition (pairs sorted by first document: the in-memory order) ----
    parts = doc_parts_of[0][1].parts if doc_parts_of else 0
    matches: list[Match] = []
    n_pairs = 0
    for r in range(parts):
        codes, bag_codes = [], []
        for c, spill in doc_parts_of:
            got = spill.read(r)
            codes.append(got)
            if c != "ordered":
                bag_codes.append(got)
        all_codes = sorted_unique(np.concatenate(codes)) if codes else np.empty(0, np.int64)
        if not len(all_codes):
            continue
        bag = np.isin(all_codes, np.concatenate(bag_codes)) if bag_codes else np.zeros(len(all_codes), bool)
        i, j = all_codes // n_docs, all_codes % n_docs
        need = sorted_unique(np.concatenate((i, j)))
        local = Corpus(store.get(need), feats_store.get(need), cfg)
        pairs = np.stack([np.searchsorted(need, i), np.searchsorted(need, j)], axis=1)
        matches.extend(verify(local, pairs, bag))
        n_pairs += len(all_codes)
        if progress:
            progress("verify", r + 1, parts)
        del local
    t3 = time.perf_counter()
    ordered = list(store.all())
    grams = _stock_grams(gram_spill, cfg.boilerplate.stock_min_docs)
    info = scheme_info(cfg.minhash.num_perm, cfg.minhash.seed, HASH_NAME)
    out_stats = {
        "documents": n_docs,
        "indexed": n_indexed,
        "too_short": n_too_short,
        "tokens": n_tokens,
        "bands": bands,
        "rows": rows,
        "windows": {c: int(n_win[c]) for c in channels},
        "candidate_window_pairs": {c: s.pairs for c, s in stats.items()},
        "below_estimate": {c: s.below_estimate for c, s in stats.items()},
        "dropped_buckets": {c: s.dropped_buckets for c, s in stats.items()},
        "dropped_bucket_windows": {c: s.dropped_members for c, s in stats.items()},
        "candidate_doc_pairs": n_pairs,
        "feature_processes": processes(cfg.run.jobs, n_docs, MIN_DOCS_PER_JOB),
        "verify_processes": processes(cfg.run.jobs, n_pairs, MIN_PAIRS_PER_JOB),
        "verified_pairs": len(matches),
        "kinds": {k: sum(m.kind == k for m in matches) for k in ("exact", "near", "rewrite")},
        "scheme": info.__dict__,
        "normalizer": {"version": cfg.normalize.version, "unicode": UNICODE_VERSION},
        "seconds": {
            "features": round(t1 - t0, 3),
            "candidates": round(t2 - t1, 3),
            "verify": round(t3 - t2, 3),
        },
        "backend": {"name": "stream", "batch": batch, "key_partitions": key_parts},
    }
    return PairsResult(Corpus(ordered, [], cfg), matches, out_stats), grams, ordered


def run(
    docs: Iterable[Document],
    cfg: Config,
    progress: Progress | None = None,
    read_stats: Any = None,
    batch: int = BATCH,
    workdir: str | os.PathLike[str] | None = None,
    part_items: int = ENTRIES_PER_PART,
):
    """The :class:`syndetect.pipeline.Run` of a streamed detection (``--backend stream``)."""
    from syndetect.pipeline import Run

    detection, grams, ordered = find_pairs_stream(docs, cfg, progress, batch, workdir, part_items)
    r = Run.from_matches(
        ordered, cfg, detection.matches, grams=grams, stats=detection.stats, read_stats=read_stats
    )
    r.progress = progress
    return r


def run_inputs(inputs: list[str], cfg: Config, progress: Progress | None = None, batch: int = BATCH):
    """Read input paths one document at a time (any format ``extract`` reads) and run streamed."""
    from syndetect.io.readers import ReadStats, read_documents

    stats = ReadStats()
    t0 = time.perf_counter()
    r = run(read_documents(inputs, cfg.read, stats), cfg, progress, stats, batch)
    r.seconds["read+detect"] = round(time.perf_counter() - t0, 3)
    return r
