"""A shared index in Redis (``--index redis://[user:password@]host:port/db``), with redis-py.

The same plain values as the SQLite store, under keys prefixed ``syndetect:`` in the URL's database:

- ``meta`` (hash), ``version`` (a counter every batch increments);
- ``doc`` (hash: id -> JSON row), ``sid`` (id -> serial), ``ids`` (serial -> id), ``indexed`` (set);
- ``a:<doc>`` (hash: ``name`` -> raw little-endian bytes, ``name.dtype``, ``name.shape``; never pickle);
- ``b:<band key as 8 little-endian bytes>`` (the bucket: its window ids, 8 such bytes each), ``wins``
  (window -> its number of band entries), ``n`` (counts);
- ``pair`` (hash: JSON ``[a, b, seq]`` -> JSON row), ``pd:<doc>`` (set of the pair fields of a document);
- ``cl`` (hash: id -> JSON ``[seq, record]``), ``cm:<doc>`` (set of the clusters a document is in).

A batch is one ``MULTI``/``EXEC`` transaction: the server applies all of it at once or, when the client
goes away before ``EXEC`` (killed, disconnected), none of it. Several workers may share one index: a
batch is computed from what its worker read, so it commits only when no other batch was committed
since that first read (``WATCH`` on ``version``); otherwise it is refused with one line and changes
nothing, and running the command again computes it against the newer index.

The password of a URL (or ``SYNDETECT_REDIS_PASSWORD``, which keeps it off the command line) is used to
connect and never shown: :attr:`RedisStore.location`, which messages and statistics print, hides it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import numpy as np

from syndetect.index.store import (
    FORMAT,
    Batch,
    DocRow,
    IndexError_,
    PairRow,
    Store,
    array_from,
    array_record,
)

PREFIX = "syndetect:"
PASSWORD_ENV = "SYNDETECT_REDIS_PASSWORD"
_CHUNK = 2000  # commands per pipeline round trip, keys per script call
_SECRET_QUERY = ("password", "pass", "auth", "token")
_UNSEEN = object()
_TIMEOUT = 600  # seconds for one reply (a large batch's EXEC takes a while); redis-py 8 defaults to 5

# A bucket (``b:`` and its band key's 8 little-endian bytes) is a string of its windows' ids, 8
# little-endian bytes each; ``wins`` counts each window's entries under the same 8 bytes. One script
# call takes many entries packed in one string (16 bytes each: band key, window; sorted, distinct) and
# keeps the counts exact as SQLite's INSERT OR IGNORE / DELETE do (an entry already there is not added
# twice). The bucket keys are derived inside the script (a single Redis, not a Redis Cluster).
# KEYS = wins hash, counts hash; ARGV = bucket key prefix, packed entries.
_BANDS_ADD = """
local function has(cur, w)
  local s = 1
  while true do
    local p = string.find(cur, w, s, true)
    if not p then return false end
    if (p - 1) % 8 == 0 then return true end
    s = p + 1
  end
end
local pre, blob = ARGV[1], ARGV[2]
local n, added, i, len = 0, {}, 1, #blob
while i <= len do
  local k, j, parts = string.sub(blob, i, i + 7), i, {}
  while j <= len and string.sub(blob, j, j + 7) == k do
    parts[#parts + 1] = string.sub(blob, j + 8, j + 15)
    j = j + 16
  end
  local key, new = pre .. k, table.concat(parts)
  local size = redis.call('APPEND', key, new)
  if size > #new then
    local old = redis.call('GETRANGE', key, 0, size - #new - 1)
    local keep = {}
    for _, w in ipairs(parts) do
      if not has(old, w) then keep[#keep + 1] = w end
    end
    if #keep < #parts then redis.call('SET', key, old .. table.concat(keep)) end
    parts = keep
  end
  for _, w in ipairs(parts) do added[w] = (added[w] or 0) + 1 end
  n = n + #parts
  i = j
end
for w, c in pairs(added) do redis.call('HINCRBY', KEYS[1], w, c) end
if n > 0 then redis.call('HINCRBY', KEYS[2], 'band_keys', n) end
return n
"""
_BANDS_DEL = """
local pre, blob = ARGV[1], ARGV[2]
local n, removed, i, len = 0, {}, 1, #blob
while i <= len do
  local k, j, gone = string.sub(blob, i, i + 7), i, {}
  while j <= len and string.sub(blob, j, j + 7) == k do
    gone[string.sub(blob, j + 8, j + 15)] = true
    j = j + 16
  end
  local key = pre .. k
  local cur = redis.call('GET', key)
  if cur then
    local keep = {}
    for p = 1, #cur, 8 do
      local w = string.sub(cur, p, p + 7)
      if gone[w] then
        gone[w] = nil
        removed[w] = (removed[w] or 0) + 1
        n = n + 1
      else
        keep[#keep + 1] = w
      end
    end
    if #keep == 0 then redis.call('DEL', key) else redis.call('SET', key, table.concat(keep)) end
  end
  i = j
end
for w, c in pairs(removed) do
  if redis.call('HINCRBY', KEYS[1], w, -c) <= 0 then redis.call('HDEL', KEYS[1], w) end
end
if n > 0 then redis.call('HINCRBY', KEYS[2], 'band_keys', -n) end
return n
"""
# The buckets of many band keys (ARGV = prefix, their 8-byte keys packed): position, ids of non-empty ones.
_BANDS_GET = """
local pre, blob, out = ARGV[1], ARGV[2], {}
for i = 1, #blob, 8 do
  local v = redis.call('GET', pre .. string.sub(blob, i, i + 7))
  if v then
    out[#out + 1] = (i - 1) / 8
    out[#out + 1] = v
  end
end
return out
"""
_PER_CALL = 50_000  # band entries (or keys) per script call
_WIN = np.dtype("<i8")


def redact(url: str) -> str:
    """The URL without its secrets: a password (and a lone user part, which may be one) becomes ``***``."""
    try:
        u = urlsplit(url)
        host = u.hostname or ""
        port = u.port
    except ValueError:
        return f"{url.split('://', 1)[0]}://***"
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None:
        netloc += f":{port}"
    if u.password is not None:
        netloc = f"{u.username or ''}:***@{netloc}"
    elif u.username:
        netloc = f"***@{netloc}"
    query = "&".join(
        f"{quote(k)}={'***' if k.lower() in _SECRET_QUERY else quote(v)}"
        for k, v in parse_qsl(u.query, keep_blank_values=True)
    )
    return urlunsplit((u.scheme, netloc, u.path, query, ""))


def _d(b: bytes | str | None) -> str | None:
    return b.decode() if isinstance(b, bytes) else b


def _chunks(items: list, n: int = _CHUNK) -> Iterator[list]:
    for k in range(0, len(items), n):
        yield items[k : k + n]


def _doc_json(d: DocRow) -> str:
    return json.dumps(
        [d.serial, d.id, d.outlet, d.published, d.time, d.time_precision, d.url, d.title, d.extra, d.text,
         d.indexed, d.n_tokens],
        ensure_ascii=False,
    )  # fmt: skip


def _pair_field(a: str, b: str, seq: int) -> str:
    return json.dumps([a, b, seq], ensure_ascii=False)


def _pair_json(p: PairRow) -> list:
    return [p.a, p.b, p.seq, p.a_start, p.a_end, p.b_start, p.b_end, p.kind, p.jaccard, p.containment,
            p.source, p.kept, p.directed]  # fmt: skip


def _pair_row(v: list) -> PairRow:
    return PairRow(*v[:11], bool(v[11]), v[12])


def _guarded(fn):
    """Redis and decoding failures as one-line :class:`IndexError_` naming the (redacted) index."""

    @wraps(fn)
    def call(self: RedisStore, *args, **kwargs):
        with self._errors():
            return fn(self, *args, **kwargs)

    return call


class RedisStore(Store):
    """An index in one Redis database; see the module's docstring for the layout."""

    def __init__(self, url: str) -> None:
        self.location = redact(url)
        try:
            import redis
        except ImportError:
            raise IndexError_(
                f"{self.location}: a Redis index needs the redis package (pip install 'syndetect[redis]')"
            ) from None
        self._redis = redis
        extra: dict[str, Any] = {}
        try:
            u = urlsplit(url)
            if u.password is None and os.environ.get(PASSWORD_ENV):
                extra["password"] = os.environ[PASSWORD_ENV]
            self._r = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=_TIMEOUT, **extra)
        except ValueError as err:
            # redis-py's messages may quote the URL: say what is wrong without it
            what = "an unknown scheme" if "scheme" in str(err) else "a malformed URL"
            raise IndexError_(f"{self.location}: not a usable Redis URL ({what})") from None
        self._scripts = {
            "add": self._r.register_script(_BANDS_ADD),
            "del": self._r.register_script(_BANDS_DEL),
            "get": self._r.register_script(_BANDS_GET),
        }
        self._pending_create = False  # create() takes effect with the first batch
        self._seen: Any = _UNSEEN  # the version this worker's reads of the coming batch saw

    # ------------------------------------------------------------------------------------- basics

    def _k(self, *parts: str) -> str:
        return PREFIX + ":".join(parts)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        r = self._redis.exceptions
        refused = tuple(
            getattr(r, n)
            for n in ("AuthenticationError", "AuthorizationError", "NoPermissionError")
            if hasattr(r, n)
        )
        loc = self.location
        try:
            yield
        except IndexError_:
            raise
        except refused as err:
            raise IndexError_(f"{loc}: Redis refused the credentials ({_one_line(err)})") from None
        except (r.ConnectionError, r.TimeoutError) as err:
            raise IndexError_(f"{loc}: cannot reach Redis ({_one_line(err)})") from None
        except r.RedisError as err:
            if "WRONGTYPE" in str(err):
                raise IndexError_(
                    f"{loc}: not a syndetect index or corrupted (a key of another type)"
                ) from None
            raise IndexError_(f"{loc}: Redis error ({_one_line(err)})") from None
        except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError) as err:
            raise IndexError_(
                f"{loc}: not a syndetect index or corrupted ({type(err).__name__}: {_one_line(err)})"
            ) from None

    def _saw(self) -> None:
        """Remember the version the first read of a batch saw (the batch commits only onto it)."""
        if self._seen is _UNSEEN:
            self._seen = self._r.get(self._k("version"))

    @_guarded
    def exists(self) -> bool:
        return self._pending_create or bool(self._r.hexists(self._k("meta"), "format"))

    @_guarded
    def create(self) -> None:
        if self._r.hexists(self._k("meta"), "format"):
            raise IndexError_(
                f"{self.location}: an index already exists (add to it with: syndetect index add)"
            )
        leftovers = next(iter(self._r.scan_iter(match=PREFIX + "*", count=1000)), None)
        if leftovers is not None:
            raise IndexError_(f"{self.location}: keys {PREFIX}* exist but hold no index; remove them first")
        self._pending_create = True
        self._seen = _UNSEEN

    @_guarded
    def meta(self) -> dict[str, str]:
        self._saw()
        got = {_d(k): _d(v) for k, v in self._r.hgetall(self._k("meta")).items()}
        if self._pending_create and not got:
            got = {"format": FORMAT}
        return got

    @_guarded
    def doc_ids(self) -> list[str]:
        self._saw()
        return sorted(_d(k) for k in self._r.hkeys(self._k("sid")))

    @_guarded
    def doc_serial(self, ids: Iterable[str]) -> dict[str, int]:
        self._saw()
        out = {}
        for part in _chunks(list(ids)):
            for i, s in zip(part, self._r.hmget(self._k("sid"), part), strict=True):
                if s is not None:
                    out[i] = int(s)
        return out

    @_guarded
    def doc_ids_of(self, serials: Iterable[int]) -> dict[int, str]:
        self._saw()
        out = {}
        for part in _chunks([int(s) for s in serials]):
            for s, i in zip(part, self._r.hmget(self._k("ids"), part), strict=True):
                if i is not None:
                    out[s] = _d(i)
        return out

    def docs(self, ids: Iterable[str] | None = None) -> Iterator[DocRow]:
        with self._errors():
            self._saw()
            want = self.doc_ids() if ids is None else sorted(set(ids))
        for part in _chunks(want):
            with self._errors():
                rows = [json.loads(v) for v in self._r.hmget(self._k("doc"), part) if v is not None]
                out = [DocRow(*r[:10], bool(r[10]), int(r[11])) for r in rows]
            yield from out

    @_guarded
    def arrays(self, ids: Iterable[str], names: Iterable[str]) -> dict[str, dict[str, np.ndarray]]:
        self._saw()
        names = list(names)
        fields = [f for n in names for f in (n, f"{n}.dtype", f"{n}.shape")]
        out: dict[str, dict[str, np.ndarray]] = {}
        for part in _chunks(sorted(set(ids)), 500):
            pipe = self._r.pipeline(transaction=False)
            for doc in part:
                pipe.hmget(self._k("a", doc), fields)
            for doc, got in zip(part, pipe.execute(), strict=True):
                for k, name in enumerate(names):
                    data, dtype, shape = got[3 * k : 3 * k + 3]
                    if data is not None:
                        out.setdefault(doc, {})[name] = array_from(_d(dtype), _d(shape), data)
        return out

    @_guarded
    def band_members(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self._saw()
        keys = np.unique(np.asarray(keys, dtype=np.int64))
        ks: list[np.ndarray] = []
        ws: list[np.ndarray] = []
        for lo in range(0, len(keys), _PER_CALL):
            part = keys[lo : lo + _PER_CALL]
            got = self._scripts["get"](keys=[], args=[self._k("b", ""), part.astype(_WIN).tobytes()])
            for pos, packed in zip(got[::2], got[1::2], strict=True):
                w = np.frombuffer(packed, dtype=_WIN).astype(np.int64)
                ws.append(w)
                ks.append(np.full(len(w), part[int(pos)], dtype=np.int64))
        if not ks:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(ks), np.concatenate(ws)

    def _pair_fields(self, docs: list[str]) -> set[str]:
        fields: set[str] = set()
        for part in _chunks(docs):
            pipe = self._r.pipeline(transaction=False)
            for d in part:
                pipe.smembers(self._k("pd", d))
            for got in pipe.execute():
                fields.update(_d(f) for f in got)
        return fields

    def _rows(self, fields: list[str]) -> dict[str, list]:
        out = {}
        for part in _chunks(fields):
            for f, v in zip(part, self._r.hmget(self._k("pair"), part), strict=True):
                if v is not None:
                    out[f] = json.loads(v)
        return out

    @_guarded
    def pairs(self, docs: Iterable[str] | None = None) -> list[PairRow]:
        self._saw()
        if docs is None:
            rows = [json.loads(v) for v in self._r.hvals(self._k("pair"))]
        else:
            rows = list(self._rows(sorted(self._pair_fields(sorted(set(docs))))).values())
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        return [_pair_row(r) for r in rows]

    @_guarded
    def clusters(self, docs: Iterable[str] | None = None) -> list[tuple[str, int, dict]]:
        self._saw()
        if docs is None:
            got = [(_d(k), v) for k, v in self._r.hgetall(self._k("cl")).items()]
        else:
            ids: set[str] = set()
            for part in _chunks(sorted(set(docs))):
                ids.update(_d(c) for c in self._r.sunion([self._k("cm", d) for d in part]))
            got = []
            for part in _chunks(sorted(ids)):
                got += [(c, v) for c, v in zip(part, self._r.hmget(self._k("cl"), part), strict=True) if v]
        out = []
        for cid, v in got:
            seq, record = json.loads(v)
            out.append((cid, int(seq), record))
        out.sort(key=lambda r: r[1])
        return out

    @_guarded
    def counts(self) -> dict[str, int]:
        self._saw()
        pipe = self._r.pipeline(transaction=True)  # one consistent reading
        pipe.hlen(self._k("sid"))
        pipe.scard(self._k("indexed"))
        pipe.hlen(self._k("wins"))
        pipe.hget(self._k("n"), "band_keys")
        pipe.hlen(self._k("pair"))
        pipe.hlen(self._k("cl"))
        docs, indexed, wins, bands, pairs, clusters = pipe.execute()
        return {
            "documents": int(docs),
            "indexed": int(indexed),
            "windows": int(wins),
            "band_keys": int(bands or 0),
            "pairs": int(pairs),
            "clusters": int(clusters),
        }

    @_guarded
    def size_bytes(self) -> int | None:
        """The memory Redis reports for the index's keys (``MEMORY USAGE``, sampled for large ones)."""
        total = 0
        keys = list(self._r.scan_iter(match=PREFIX + "*", count=1000))
        for part in _chunks(keys):
            pipe = self._r.pipeline(transaction=False)
            for k in part:
                pipe.memory_usage(k)
            total += sum(int(n or 0) for n in pipe.execute())
        return total

    # ------------------------------------------------------------------------------------- writing

    @_guarded
    def write(self, batch: Batch) -> None:
        r = self._redis
        version = self._k("version")
        with self._r.pipeline(transaction=True) as tx:
            tx.watch(version)
            if self._seen is not _UNSEEN and self._seen != tx.get(version):
                self._seen = _UNSEEN  # a new attempt reads the index afresh
                raise IndexError_(self._conflict())
            if self._pending_create and tx.hexists(self._k("meta"), "format"):
                raise IndexError_(
                    f"{self.location}: an index already exists (add to it with: syndetect index add)"
                )
            before = self._before(batch)  # read on another connection; WATCH guards them too
            tx.multi()
            self._apply(tx, batch, before)
            if self._pending_create:
                tx.hsetnx(self._k("meta"), "format", FORMAT)
            tx.incr(version)
            try:
                tx.execute()
            except r.WatchError:
                self._seen = _UNSEEN
                raise IndexError_(self._conflict()) from None
        self._pending_create = False
        self._seen = _UNSEEN

    def _conflict(self) -> str:
        return (
            f"{self.location}: another worker committed a batch to the index meanwhile; nothing of this one"
            " was written: run the command again"
        )

    def _before(self, batch: Batch) -> dict[str, Any]:
        """What the batch's deletions and updates need to know of the index as it is."""
        dropped = sorted(set(batch.drop_docs))
        pairs_of_dropped = self._pair_fields(dropped)
        serials = dict(zip(dropped, self._r.hmget(self._k("sid"), dropped), strict=True)) if dropped else {}
        firsts = sorted({a for a, _ in batch.drop_pairs})
        fields_of = {}
        for a, fields in zip(firsts, [self._pair_fields([a]) for a in firsts], strict=True):
            fields_of[a] = fields
        gone_pairs = set(pairs_of_dropped)
        for a, b in batch.drop_pairs:
            gone_pairs.update(f for f in fields_of[a] if json.loads(f)[:2] == [a, b])
        kept = [_pair_field(a, b, s) for a, b, s, _, _ in batch.kept]
        kept_rows = self._rows(sorted(set(kept)))
        drop_cl = sorted(set(batch.drop_clusters))
        cl_docs: dict[str, list[str]] = {}
        for part in _chunks(drop_cl):
            for c, v in zip(part, self._r.hmget(self._k("cl"), part), strict=True):
                if v is not None:
                    cl_docs[c] = sorted({m["doc"] for m in json.loads(v)[1]["members"]})
        new_ids = [d.id for d in batch.docs]
        taken = []
        for part in _chunks(new_ids):
            taken += [
                i for i, s in zip(part, self._r.hmget(self._k("sid"), part), strict=True) if s is not None
            ]
        if taken and not set(taken) <= set(dropped):
            raise IndexError_(f"{self.location}: document {sorted(taken)[0]!r} is already indexed")
        return {
            "serials": serials,
            "gone_pairs": gone_pairs,
            "kept_rows": kept_rows,
            "cl_docs": cl_docs,
        }

    def _bands(self, tx, which: str, keys: np.ndarray, wins: np.ndarray) -> None:
        """Queue the script calls adding (removing) band entries, each once, in key order."""
        if not len(keys):
            return
        pairs = np.stack([np.asarray(keys, np.int64), np.asarray(wins, np.int64)], axis=1)
        pairs = np.unique(pairs, axis=0).astype(_WIN)  # sorted by key, then window; distinct
        head = [self._k("wins"), self._k("n")]
        lo = 0
        while lo < len(pairs):
            hi = min(lo + _PER_CALL, len(pairs))
            while hi < len(pairs) and pairs[hi, 0] == pairs[hi - 1, 0]:
                hi += 1  # a bucket's entries in one call
            blob = np.ascontiguousarray(pairs[lo:hi]).tobytes()
            self._scripts[which](keys=head, args=[self._k("b", ""), blob], client=tx)
            lo = hi

    def _apply(self, tx, batch: Batch, before: dict[str, Any]) -> None:
        """Queue the batch's commands, in the SQLite store's order (deletions, then insertions)."""
        k = self._k
        gone = before["gone_pairs"]
        # documents, their arrays and their pairs
        for doc in sorted(set(batch.drop_docs)):
            tx.hdel(k("doc"), doc)
            tx.hdel(k("sid"), doc)
            if before["serials"].get(doc) is not None:
                tx.hdel(k("ids"), before["serials"][doc])
            tx.srem(k("indexed"), doc)
            tx.delete(k("a", doc))
        for f in sorted(gone):
            a, b, _ = json.loads(f)
            tx.hdel(k("pair"), f)
            tx.srem(k("pd", a), f)
            tx.srem(k("pd", b), f)
        for keys, wins in batch.bands_del:
            self._bands(tx, "del", keys, wins)
        for cid in sorted(set(batch.drop_clusters)):
            tx.hdel(k("cl"), cid)
            for doc in before["cl_docs"].get(cid, ()):
                tx.srem(k("cm", doc), cid)
        for d in batch.docs:
            tx.hset(k("doc"), d.id, _doc_json(d))
            tx.hset(k("sid"), d.id, d.serial)
            tx.hset(k("ids"), d.serial, d.id)
            if d.indexed:
                tx.sadd(k("indexed"), d.id)
        by_doc: dict[str, dict[str, Any]] = {}
        for doc, name, a in batch.arrays:
            dtype, shape, data = array_record(a)
            by_doc.setdefault(doc, {}).update({name: data, f"{name}.dtype": dtype, f"{name}.shape": shape})
        for doc, mapping in by_doc.items():
            tx.hset(k("a", doc), mapping=mapping)
        for keys, wins in batch.bands_add:
            self._bands(tx, "add", keys, wins)
        rows: dict[str, list] = {}
        for p in batch.pairs:
            rows[_pair_field(p.a, p.b, p.seq)] = _pair_json(p)
        for a, b, s, kept, directed in batch.kept:
            f = _pair_field(a, b, s)
            row = rows.get(f)
            if row is None and f not in gone:
                row = before["kept_rows"].get(f)
            if row is None:
                continue  # as SQL's UPDATE of a row that is not there: nothing
            row = list(row)
            row[11], row[12] = bool(kept), directed
            rows[f] = row
        for f, row in rows.items():
            tx.hset(k("pair"), f, json.dumps(row, ensure_ascii=False))
            tx.sadd(k("pd", row[0]), f)
            tx.sadd(k("pd", row[1]), f)
        for cid, seq, record in batch.clusters:
            tx.hset(k("cl"), cid, json.dumps([seq, record], ensure_ascii=False))
            for doc in sorted({m["doc"] for m in record["members"]}):
                tx.sadd(k("cm", doc), cid)
        if batch.meta:
            tx.hset(k("meta"), mapping=dict(batch.meta))

    def close(self) -> None:
        self._r.close()


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__
