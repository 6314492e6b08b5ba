"""Where an index lives: the storage interface and its embedded SQLite backend (one file, WAL).

A store holds plain values only: documents (metadata and text), typed arrays (raw little-endian bytes
with dtype and shape, never pickle), band keys with an index on them, verified pairs, clusters and
metadata. What they mean is :mod:`syndetect.index.core`'s business. Every change a batch makes goes
through one :meth:`Store.write` call, which is one transaction: all of it lands or none of it does.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FORMAT = "syndetect-index/1"  # the layout version stored in every index


class IndexError_(ValueError):
    """An index that cannot be used (missing, of another version or scheme, corrupted, unreachable):
    ``str(err)`` is one line."""


# ----------------------------------------------------------------------------------------- arrays


def array_record(a: np.ndarray) -> tuple[str, str, bytes]:
    """``(dtype, shape, bytes)`` of an array: little-endian raw bytes, its dtype name and shape."""
    a = np.ascontiguousarray(a)
    dt = a.dtype.newbyteorder("<") if a.dtype.byteorder == ">" else a.dtype
    return dt.str, json.dumps(list(a.shape)), a.astype(dt, copy=False).tobytes()


def array_from(dtype: str, shape: str, data: bytes) -> np.ndarray:
    """The array :func:`array_record` stored."""
    return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(json.loads(shape))


# ----------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class DocRow:
    """A document as stored: its fields as JSON-native values; ``serial`` numbers its windows."""

    serial: int
    id: str
    outlet: str
    published: str | None
    time: str | None
    time_precision: str | None
    url: str | None
    title: str | None
    extra: str  # JSON object
    text: str
    indexed: bool
    n_tokens: int


@dataclass(frozen=True, slots=True)
class PairRow:
    """A verified pair as stored (``a`` < ``b`` by id; ``seq`` its order within the document pair)."""

    a: str
    b: str
    seq: int
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: str
    jaccard: float
    containment: float
    source: str | None
    kept: bool  # whether the cluster stage kept it (not a revision, boilerplate or stock pair)
    directed: str | None = None  # ``source`` by the full rule over every indexed document


@dataclass
class Batch:
    """Everything one ``add`` or ``remove`` changes, applied by :meth:`Store.write` at once."""

    meta: dict[str, str] = field(default_factory=dict)
    docs: list[DocRow] = field(default_factory=list)
    arrays: list[tuple[str, str, np.ndarray]] = field(default_factory=list)  # (doc, name, array)
    bands_add: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (keys int64, wins int64)
    bands_del: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    drop_docs: list[str] = field(default_factory=list)  # documents, their arrays and their pairs
    drop_pairs: list[tuple[str, str]] = field(default_factory=list)  # document pairs whose rows go
    pairs: list[PairRow] = field(default_factory=list)
    kept: list[tuple[str, str, int, bool, str | None]] = field(
        default_factory=list
    )  # (a, b, seq, kept, directed)
    drop_clusters: list[str] = field(default_factory=list)
    clusters: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)  # (id, seq, record)


class Store:
    """The storage interface. Reads are plain calls; writes go through :meth:`write` only."""

    location: str

    def exists(self) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def create(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def meta(self) -> dict[str, str]:  # pragma: no cover - interface
        raise NotImplementedError

    def doc_ids(self) -> list[str]:  # pragma: no cover - interface
        """Every indexed document's id, sorted."""
        raise NotImplementedError

    def doc_serial(self, ids: Iterable[str]) -> dict[str, int]:  # pragma: no cover - interface
        """The serial number of each given document that is indexed."""
        raise NotImplementedError

    def doc_ids_of(self, serials: Iterable[int]) -> dict[int, str]:  # pragma: no cover - interface
        """The id of each given serial number."""
        raise NotImplementedError

    def docs(self, ids: Iterable[str] | None = None) -> Iterator[DocRow]:  # pragma: no cover - interface
        """The given documents (every one when ``None``), in id order."""
        raise NotImplementedError

    def arrays(self, ids: Iterable[str], names: Iterable[str]) -> dict[str, dict[str, np.ndarray]]:
        """``doc -> name -> array`` for the given documents and array names."""
        raise NotImplementedError  # pragma: no cover - interface

    def band_members(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        """``(keys, wins)`` of every stored window in the buckets of the given band keys."""
        raise NotImplementedError

    def pairs(self, docs: Iterable[str] | None = None) -> list[PairRow]:  # pragma: no cover - interface
        """Stored pairs (those involving the given documents; every one when ``None``), in run order."""
        raise NotImplementedError

    def clusters(self, docs: Iterable[str] | None = None) -> list[tuple[str, int, dict]]:  # pragma: no cover
        """``(id, seq, record)`` of stored clusters (those with a member in ``docs``; all when ``None``)."""
        raise NotImplementedError

    def counts(self) -> dict[str, int]:  # pragma: no cover - interface
        raise NotImplementedError

    def size_bytes(self) -> int | None:  # pragma: no cover - interface
        raise NotImplementedError

    def write(self, batch: Batch) -> None:  # pragma: no cover - interface
        """Apply a batch in one transaction."""
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        pass


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    serial INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, outlet TEXT NOT NULL, published TEXT,
    time TEXT, time_precision TEXT, url TEXT, title TEXT, extra TEXT NOT NULL, text TEXT NOT NULL,
    indexed INTEGER NOT NULL, n_tokens INTEGER NOT NULL);
CREATE TABLE arrays (
    doc TEXT NOT NULL, name TEXT NOT NULL, dtype TEXT NOT NULL, shape TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (doc, name));
CREATE TABLE bands (key INTEGER NOT NULL, win INTEGER NOT NULL, PRIMARY KEY (key, win)) WITHOUT ROWID;
CREATE TABLE pairs (
    a TEXT NOT NULL, b TEXT NOT NULL, seq INTEGER NOT NULL, a_start INTEGER NOT NULL, a_end INTEGER NOT NULL,
    b_start INTEGER NOT NULL, b_end INTEGER NOT NULL, kind TEXT NOT NULL, jaccard REAL NOT NULL,
    containment REAL NOT NULL, source TEXT, kept INTEGER NOT NULL, directed TEXT, PRIMARY KEY (a, b, seq));
CREATE INDEX pairs_b ON pairs (b);
CREATE TABLE clusters (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, record TEXT NOT NULL);
CREATE TABLE members (cluster TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX members_doc ON members (doc);
CREATE INDEX members_cluster ON members (cluster);
"""

_DOC_COLS = "serial, id, outlet, published, time, time_precision, url, title, extra, text, indexed, n_tokens"
_PAIR_COLS = "a, b, seq, a_start, a_end, b_start, b_end, kind, jaccard, containment, source, kept, directed"
_CHUNK = 500  # ids per IN (...) query


def _chunks(items: list, n: int = _CHUNK) -> Iterator[list]:
    for k in range(0, len(items), n):
        yield items[k : k + n]


def _doc_row(r: tuple) -> DocRow:
    return DocRow(*r[:10], bool(r[10]), int(r[11]))


def _pair_row(r: tuple) -> PairRow:
    return PairRow(*r[:11], bool(r[11]), r[12])


class SQLiteStore(Store):
    """One SQLite file in WAL mode (the standard library's ``sqlite3``)."""

    def __init__(self, path: str) -> None:
        self.location = path
        self.path = path
        self._db: sqlite3.Connection | None = None

    def exists(self) -> bool:
        return os.path.exists(self.path)

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            if not self.exists():
                raise IndexError_(f"{self.path}: no index here (make one with: syndetect index build)")
            try:
                with open(self.path, "rb") as fh:
                    head = fh.read(16)
            except OSError as err:
                raise IndexError_(f"{self.path}: cannot read the index ({err.strerror})") from None
            if head != b"SQLite format 3\x00":  # sqlite would take an empty file for a new database
                raise IndexError_(f"{self.path}: not a syndetect index or corrupted (not a SQLite file)")
            self._db = self._connect()
            try:
                self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            except sqlite3.DatabaseError as err:
                self._db.close()
                self._db = None
                raise IndexError_(f"{self.path}: not a syndetect index or corrupted ({err})") from None
        return self._db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA cache_size = -65536")
        db.execute("PRAGMA temp_store = MEMORY")
        return db

    def create(self) -> None:
        if self.exists():
            raise IndexError_(f"{self.path}: an index already exists (add to it with: syndetect index add)")
        tmp = f"{self.path}.tmp-{os.getpid()}"
        db = sqlite3.connect(tmp, isolation_level=None)
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        db.close()
        os.replace(tmp, self.path)  # the empty index appears whole or not at all

    def _q(self, sql: str, args: Iterable = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, tuple(args)).fetchall()
        except sqlite3.DatabaseError as err:
            raise IndexError_(f"{self.path}: unreadable index ({err})") from None

    def meta(self) -> dict[str, str]:
        return dict(self._q("SELECT key, value FROM meta"))

    def doc_ids(self) -> list[str]:
        return [r[0] for r in self._q("SELECT id FROM docs ORDER BY id")]

    def doc_serial(self, ids: Iterable[str]) -> dict[str, int]:
        out = {}
        for part in _chunks(list(ids)):
            marks = ",".join("?" * len(part))
            out.update(self._q(f"SELECT id, serial FROM docs WHERE id IN ({marks})", part))
        return out

    def doc_ids_of(self, serials: Iterable[int]) -> dict[int, str]:
        out = {}
        for part in _chunks(list(serials)):
            marks = ",".join("?" * len(part))
            out.update(self._q(f"SELECT serial, id FROM docs WHERE serial IN ({marks})", part))
        return out

    def docs(self, ids: Iterable[str] | None = None) -> Iterator[DocRow]:
        if ids is None:
            for r in self._q(f"SELECT {_DOC_COLS} FROM docs ORDER BY id"):
                yield _doc_row(r)
            return
        rows = []
        for part in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(part))
            rows += self._q(f"SELECT {_DOC_COLS} FROM docs WHERE id IN ({marks})", part)
        for r in sorted(rows, key=lambda r: r[1]):
            yield _doc_row(r)

    def arrays(self, ids: Iterable[str], names: Iterable[str]) -> dict[str, dict[str, np.ndarray]]:
        names = list(names)
        out: dict[str, dict[str, np.ndarray]] = {}
        nm = ",".join("?" * len(names))
        for part in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(part))
            sql = (
                f"SELECT doc, name, dtype, shape, data FROM arrays WHERE doc IN ({marks}) AND name IN ({nm})"
            )
            for doc, name, dtype, shape, data in self._q(sql, part + names):
                out.setdefault(doc, {})[name] = array_from(dtype, shape, data)
        return out

    def band_members(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = np.unique(np.asarray(keys, dtype=np.int64))
        if not len(keys):
            return np.empty(0, np.int64), np.empty(0, np.int64)
        db = self.db
        try:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS q (key INTEGER PRIMARY KEY)")
            db.execute("BEGIN")  # one transaction for the lookup (read-only on the index itself)
            db.executemany("INSERT INTO temp.q VALUES (?)", ((k,) for k in keys.tolist()))
            # CROSS JOIN keeps the few asked keys as the outer loop: one b-tree seek each, never a scan
            rows = db.execute(
                "SELECT b.key, b.win FROM temp.q CROSS JOIN bands b ON b.key = q.key"
            ).fetchall()
            db.execute("DELETE FROM temp.q")
            db.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise IndexError_(f"{self.path}: unreadable index ({err})") from None
        if not rows:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        arr = np.array(rows, dtype=np.int64)
        return arr[:, 0], arr[:, 1]

    def pairs(self, docs: Iterable[str] | None = None) -> list[PairRow]:
        if docs is None:
            return [_pair_row(r) for r in self._q(f"SELECT {_PAIR_COLS} FROM pairs ORDER BY a, b, seq")]
        rows = set()
        for part in _chunks(sorted(set(docs))):
            marks = ",".join("?" * len(part))
            for col in ("a", "b"):
                rows.update(self._q(f"SELECT {_PAIR_COLS} FROM pairs WHERE {col} IN ({marks})", part))
        return [_pair_row(r) for r in sorted(rows, key=lambda r: (r[0], r[1], r[2]))]

    def clusters(self, docs: Iterable[str] | None = None) -> list[tuple[str, int, dict]]:
        if docs is None:
            rows = self._q("SELECT id, seq, record FROM clusters ORDER BY seq")
        else:
            ids: set[str] = set()
            for part in _chunks(sorted(set(docs))):
                marks = ",".join("?" * len(part))
                ids.update(r[0] for r in self._q(f"SELECT cluster FROM members WHERE doc IN ({marks})", part))
            rows = []
            for part in _chunks(sorted(ids)):
                marks = ",".join("?" * len(part))
                rows += self._q(f"SELECT id, seq, record FROM clusters WHERE id IN ({marks})", part)
            rows.sort(key=lambda r: r[1])
        return [(i, s, json.loads(r)) for i, s, r in rows]

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self._q(sql)[0][0])  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM docs"),
            "indexed": one("SELECT count(*) FROM docs WHERE indexed"),
            "windows": one("SELECT count(DISTINCT win) FROM bands"),
            "band_keys": one("SELECT count(*) FROM bands"),
            "pairs": one("SELECT count(*) FROM pairs"),
            "clusters": one("SELECT count(*) FROM clusters"),
        }

    def size_bytes(self) -> int | None:
        return sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))

    def write(self, batch: Batch) -> None:
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            self._apply(db, batch)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    @staticmethod
    def _apply(db: sqlite3.Connection, batch: Batch) -> None:
        for part in _chunks(batch.drop_docs):
            marks = ",".join("?" * len(part))
            for sql in (
                f"DELETE FROM docs WHERE id IN ({marks})",
                f"DELETE FROM arrays WHERE doc IN ({marks})",
                f"DELETE FROM pairs WHERE a IN ({marks})",
                f"DELETE FROM pairs WHERE b IN ({marks})",
            ):
                db.execute(sql, part)
        for keys, wins in batch.bands_del:
            db.executemany(
                "DELETE FROM bands WHERE key = ? AND win = ?", zip(keys.tolist(), wins.tolist(), strict=True)
            )
        db.executemany("DELETE FROM pairs WHERE a = ? AND b = ?", batch.drop_pairs)
        for part in _chunks(batch.drop_clusters):
            marks = ",".join("?" * len(part))
            db.execute(f"DELETE FROM clusters WHERE id IN ({marks})", part)
            db.execute(f"DELETE FROM members WHERE cluster IN ({marks})", part)
        db.executemany(
            f"INSERT INTO docs ({_DOC_COLS}) VALUES ({','.join('?' * 12)})",
            (
                (
                    d.serial,
                    d.id,
                    d.outlet,
                    d.published,
                    d.time,
                    d.time_precision,
                    d.url,
                    d.title,
                    d.extra,
                    d.text,
                    int(d.indexed),
                    d.n_tokens,
                )
                for d in batch.docs
            ),
        )
        db.executemany(
            "INSERT INTO arrays VALUES (?, ?, ?, ?, ?)",
            ((doc, name, *array_record(a)) for doc, name, a in batch.arrays),
        )
        for keys, wins in batch.bands_add:
            order = np.lexsort((wins, keys))  # in key order: the b-tree is filled page by page
            keys, wins = keys[order], wins[order]
            db.executemany(
                "INSERT OR IGNORE INTO bands VALUES (?, ?)", zip(keys.tolist(), wins.tolist(), strict=True)
            )
        db.executemany(
            f"INSERT INTO pairs ({_PAIR_COLS}) VALUES ({','.join('?' * 13)})",
            (
                (
                    p.a,
                    p.b,
                    p.seq,
                    p.a_start,
                    p.a_end,
                    p.b_start,
                    p.b_end,
                    p.kind,
                    p.jaccard,
                    p.containment,
                    p.source,
                    int(p.kept),
                    p.directed,
                )
                for p in batch.pairs
            ),
        )
        db.executemany(
            "UPDATE pairs SET kept = ?, directed = ? WHERE a = ? AND b = ? AND seq = ?",
            ((int(k), d, a, b, s) for a, b, s, k, d in batch.kept),
        )
        for cid, seq, record in batch.clusters:
            db.execute(
                "INSERT INTO clusters VALUES (?, ?, ?)", (cid, seq, json.dumps(record, ensure_ascii=False))
            )
            db.executemany(
                "INSERT INTO members VALUES (?, ?)",
                ((cid, d) for d in sorted({m["doc"] for m in record["members"]})),
            )
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", batch.meta.items())

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
