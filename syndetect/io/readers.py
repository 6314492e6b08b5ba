"""Reading documents: JSON Lines, CSV, text directories, HTML and WARC, streamed one by one.

Every input format ends as a stream of :class:`~syndetect.records.Document`. Records are validated
strictly: a bad one raises :class:`~syndetect.io.errors.InputError` whose message is one line naming the
file and line (``news.jsonl:17: missing "text"``), or, with ``ReadConfig.skip_invalid``, is skipped and
listed in :class:`ReadStats`.

Inputs, chosen by path:

- ``-``: JSON Lines on stdin (named ``<stdin>`` in messages).
- ``.jsonl``, ``.json``, ``.ndjson`` (each optionally ``.gz``): JSON Lines, one object per line.
- ``.csv`` (optionally ``.gz``): a header row, then one document per record, with the same columns; an
  empty cell is an absent value; a record's line is the line it starts on.
- ``.txt``: one document, the whole file, id = the path as given, outlet ``"unknown"``.
- ``.html``, ``.htm``, ``.warc``, ``.warc.gz``: read by :mod:`syndetect.io.web` (imported only then);
  it keeps its counters (``stats.web``) and its registry of URLs seen (``stats.web_captures``) on the
  run's :class:`ReadStats`, so later captures of a URL get ``#2``, ``#3``, ... across all inputs.
- a directory, recursively, in sorted order of the relative path: every ``.txt``, ``.html``, ``.htm``,
  ``.warc``, ``.warc.gz``, ``.jsonl`` and ``.jsonl.gz`` file, each by its reader; a ``.txt`` file's id
  (and an HTML page's, when it has no URL) is its path relative to the directory, with forward slashes.
  Other files (``.json`` and ``.csv`` included: in a folder they are as often metadata as data) and
  hidden files are ignored and counted in ``ReadStats.ignored_files``, and so are FIFOs, sockets and
  devices (reading one could block the run forever).

Text is kept exactly as decoded (a leading UTF-8 BOM dropped; ``\r\n`` inside a ``.txt`` file or a CSV
field kept), so offsets index the text as published. Ids are unique in the run: a repeated id is an
error naming the first place, except for HTML and WARC pages, where it is a later capture (``#2``).

Example:
    >>> import json, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "news.jsonl")
    >>> with open(path, "w", encoding="utf-8") as fh:
    ...     _ = fh.write(json.dumps({"id": "a1", "text": "عاجل: انفجار في بيروت", "url": "https://www.example.com/x",
    ...                              "date": "2015-10-21"}) + "\\n")
    >>> [(d.id, d.outlet, d.time_precision, d.time.isoformat()) for d in read_documents([path])]
    [('a1', 'example.com', 'day', '2015-10-21T00:00:00+00:00')]
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import os
import re
import stat
import sys
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO

from syndetect.config import ReadConfig
from syndetect.io.dates import parse_published
from syndetect.io.errors import InputError, printable
from syndetect.io.urls import outlet_for
from syndetect.records import Document

__all__ = ["STDIN_NAME", "ReadStats", "outlet_from_url", "parse_published", "read_documents"]

STDIN_NAME = "<stdin>"

_JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
_CSV_SUFFIXES = (".csv",)
_HTML_SUFFIXES = (".html", ".htm")
_WARC_SUFFIXES = (".warc", ".warc.gz")
# What a directory contributes; the rest of its files are ignored (and counted).
_DIR_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz") + _HTML_SUFFIXES + _WARC_SUFFIXES
_KNOWN = "JSON Lines (.jsonl, .json, .ndjson, optionally .gz), .csv, .txt, .html, .htm, .warc, .warc.gz, a directory or -"

_BOM = b"\xef\xbb\xbf"


@dataclass
class ReadStats:
    """What a read saw: documents yielded, records skipped (with ``skip_invalid``), files ignored."""

    read: int = 0  # documents yielded
    # One {"file", "line", "error"} per record skipped with ``skip_invalid``.
    skipped: list[dict[str, Any]] = field(default_factory=list)
    too_short: int = 0  # filled by the engine: documents kept but too short to index
    ignored_files: int = 0  # files inside input directories with an extension no reader handles
    web: dict[str, Any] | None = None  # HTML/WARC counters, kept by syndetect.io.web (records, skipped, ...)
    web_captures: Any = field(default=None, repr=False, compare=False)  # syndetect.io.web's URL registry
    # For progress bars only (not in to_json): bytes of the input files, and how many are read so far
    # (compressed bytes for .gz; whole files for the formats read at once).
    bytes_total: int = field(default=0, repr=False, compare=False)
    bytes_done: int = field(default=0, repr=False, compare=False)

    def skip(self, path: str, line: int | None, error: str) -> None:
        """Record one skipped record."""
        self.skipped.append({"file": path, "line": line, "error": error})

    def to_json(self) -> dict[str, Any]:
        """The statistics as a JSON object: counts, then every skipped record."""
        out: dict[str, Any] = {
            "read": self.read,
            "skipped": len(self.skipped),
            "too_short": self.too_short,
            "ignored_files": self.ignored_files,
            "skipped_records": list(self.skipped),
        }
        if self.web is not None:
            out["web"] = self.web
        return out


class _RecordError(ValueError):
    """A bad record; the caller adds the file and line."""


# --------------------------------------------------------------------------------------------- outlets


def outlet_from_url(url: str, outlet_map: dict[str, str] | None = None) -> str | None:
    """The outlet of a URL (:func:`syndetect.io.urls.outlet_for`), ``None`` when it has no host.

    Example:
        >>> outlet_from_url("https://www.aawsat.com/home/article/1")
        'aawsat.com'
        >>> outlet_from_url("https://arabic.cnn.com/middleeast/2013/x", {"arabic.cnn.com": "cnn",
        ...                 "arabic.cnn.com/middleeast": "cnn-me"})
        'cnn-me'
        >>> outlet_from_url("not a url") is None
        True
    """
    return outlet_for(url, outlet_map, default=None)


# --------------------------------------------------------------------------------------------- records

_TYPE_NAMES = {
    bool: "a boolean",
    int: "the number",
    float: "the number",
    str: "a string",
    list: "an array",
    dict: "an object",
}


def _describe(value: Any, hint: bool = True) -> str:
    if value is None:
        return "null"
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        return f"{name} {shown}" + (" (write it in quotes)" if hint else "")
    if isinstance(value, bool):
        return f"{name} ({json.dumps(value)})"
    return name


def _string(rec: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = rec.get(key)
    if value is None:
        if required:
            raise _RecordError(
                f'missing "{key}"' if key not in rec else f'"{key}" must be a string, got null'
            )
        return None
    if not isinstance(value, str):
        raise _RecordError(f'"{key}" must be a string, got {_describe(value)}')
    return value


def document_from_record(
    rec: dict[str, Any], origin: str = "", outlet_map: dict[str, str] | None = None
) -> Document:
    """A Document from one input record (a dict), validated exactly as the readers validate a JSON line
    (the ``date`` alias, date parsing, outlet from the URL). Raises ``ValueError`` naming the problem.

    >>> document_from_record({"id": "x", "text": "", "date": "2015-10-21", "url": "https://www.rt.com/a"}).outlet
    'rt.com'
    """
    check_record(rec)
    return _document(rec, origin, outlet_map or None)


def _document(rec: dict[str, Any], origin: str, outlets: dict[str, str] | None) -> Document:
    """A validated Document from one record (a JSON object or a CSV row)."""
    doc_id = _string(rec, "id", required=True)
    if not doc_id:
        raise _RecordError('"id" is empty')
    text = _string(rec, "text", required=True)
    url = _string(rec, "url") or None
    title = _string(rec, "title")
    outlet = _string(rec, "outlet") or None
    if outlet is None:
        outlet = (outlet_for(url, outlets, default=None) if url else None) or "unknown"

    date_key = "published" if rec.get("published") not in (None, "") else "date"
    published = _string(rec, date_key) or None
    moment = precision = None
    if published is not None:
        try:
            moment, precision = parse_published(published)
        except ValueError:
            raise _RecordError(
                f'bad "{date_key}" date {json.dumps(published, ensure_ascii=False)} '
                "(expected ISO 8601, e.g. 2015-10-21 or 2015-10-21T11:00:00+03:00)"
            ) from None
    consumed = {"id", "text", "outlet", "published", "url", "title"}
    if date_key == "date":
        consumed.add("date")  # the alias became `published`
    extra = {k: v for k, v in rec.items() if k not in consumed}
    return Document(
        id=doc_id,
        text=text,
        outlet=outlet,
        published=published,
        time=moment,
        time_precision=precision,
        url=url,
        title=title,
        extra=extra,
        origin=origin,
        fields=tuple(rec),
    )


# ----------------------------------------------------------------------------------------------- lines


def _decoded_lines(fh: BinaryIO, path: str, bad: list[int]) -> Iterator[tuple[int, str]]:
    """(line number, text) for each physical line, decoded as UTF-8; a BOM at the start is dropped.

    A line that is not valid UTF-8 is decoded with ``surrogateescape`` and its number appended to ``bad``,
    so that the caller can report (or skip) the record it belongs to.
    """
    lineno = 0
    try:
        for lineno, raw in enumerate(fh, start=1):  # noqa: B007 (lineno is reported on errors)
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(lineno)
                line = raw.decode("utf-8", "surrogateescape")
            yield lineno, line
    except (gzip.BadGzipFile, zlib.error) as err:
        raise InputError(path, lineno + 1, f"not a valid gzip file ({err})", partial=True) from None
    except EOFError:
        raise InputError(
            path, lineno + 1, "truncated gzip file (it ends in the middle)", partial=True
        ) from None
    except OSError as err:
        raise InputError(path, lineno + 1, f"cannot read ({err.strerror or err})", partial=True) from None


def _bad_byte(text: str) -> tuple[int, int] | None:
    """The first undecodable byte of a string decoded with ``surrogateescape``, and its 1-based position."""
    for i, ch in enumerate(text):
        if "\udc80" <= ch <= "\udcff":
            return ord(ch) - 0xDC00, i + 1
    return None


def _utf8_error(line: str) -> str:
    found = _bad_byte(line)
    return f"invalid UTF-8 (byte 0x{found[0]:02x} at column {found[1]})" if found else "invalid UTF-8"


def _open_binary(path: str) -> BinaryIO:
    try:
        if path.lower().endswith(".gz"):
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return open(path, "rb")
    except OSError as err:
        raise InputError(path, None, f"cannot read ({err.strerror or err})") from None


# ------------------------------------------------------------------------------------------ formats

# A reader yields (line, Document | None, error | None): a document, or what is wrong with a record.
_Item = tuple[int | None, Document | None, str | None]


MAX_DEPTH = 100  # arrays and objects nested deeper than this in a record are refused
MAX_INT_DIGITS = 4300  # Python's default int <-> str limit: longer numbers cannot be written back
_SURROGATE = re.compile("[\ud800-\udfff]")
_INT_LIMIT = 10**MAX_INT_DIGITS


def _no_constant(name: str) -> Any:
    raise _RecordError(f"{name} is not a JSON number (write it in quotes, or leave the field out)")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _RecordError(f"the number {text[:40]} is out of range (write it in quotes)")
    return value


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _RecordError(f"a number with {digits} digits (more than {MAX_INT_DIGITS}; write it in quotes)")
    return int(text)


_DECODER = json.JSONDecoder(parse_float=_float, parse_int=_int, parse_constant=_no_constant)


def _loads(line: str) -> Any:
    """One JSON value, strictly: no NaN or Infinity, no numbers Python cannot write back, nesting bounded."""
    try:
        return _DECODER.decode(line)
    except json.JSONDecodeError as err:
        msg = err.msg.removesuffix(" at")  # "Unterminated string starting at" + " at column 5"
        raise _RecordError(f"malformed JSON ({msg} at column {err.colno})") from None
    except RecursionError:
        raise _RecordError(f"JSON nested deeper than {MAX_DEPTH} levels") from None


def _surrogate(text: str, where: str) -> None:
    found = _SURROGATE.search(text)
    if found:
        raise _RecordError(f"a lone surrogate (\\u{ord(found.group()):04x}) {where}: not text")


def check_record(rec: dict[str, Any]) -> None:
    """Refuse (``ValueError``) what could not be written back as UTF-8 JSON: lone surrogates, too deep a
    nesting, and (in records given as dicts) non-finite floats and integers too long to write."""
    stack: list[tuple[Any, int, str]] = [(rec, 0, "")]
    while stack:
        value, depth, field_name = stack.pop()
        if isinstance(value, str):
            _surrogate(value, f'in "{field_name}"')
        elif isinstance(value, float) and not math.isfinite(value):
            raise _RecordError(f'a non-finite number ({value}) in "{field_name}": not JSON')
        elif isinstance(value, int) and abs(value) >= _INT_LIMIT:
            raise _RecordError(f'a number with more than {MAX_INT_DIGITS} digits in "{field_name}"')
        elif isinstance(value, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise _RecordError(f"JSON nested deeper than {MAX_DEPTH} levels")
            if not isinstance(value, dict):
                stack.extend((v, depth + 1, field_name) for v in value)
                continue
            for k, v in value.items():
                _surrogate(k, "in a field name")
                stack.append((v, depth + 1, field_name or k))


def _jsonl_items(fh: BinaryIO, path: str, outlets: dict[str, str] | None) -> Iterator[_Item]:
    hint = (
        " (.json input is read as JSON Lines: one object per line)" if path.lower().endswith(".json") else ""
    )
    bad: list[int] = []
    first = True
    for lineno, line in _decoded_lines(fh, path, bad):
        if bad and bad[-1] == lineno:
            yield lineno, None, _utf8_error(line)
            continue
        if not line.strip():
            continue
        try:
            try:
                rec = _loads(line.rstrip("\r\n"))
            except _RecordError as err:
                raise _RecordError(f"{err}{hint if first else ''}") from None
            if not isinstance(rec, dict):
                raise _RecordError(
                    f"expected a JSON object, got {_describe(rec, hint=False)}{hint if first else ''}"
                )
            check_record(rec)
            yield lineno, _document(rec, f"{path}:{lineno}", outlets), None
        except _RecordError as err:
            yield lineno, None, str(err)
        first = False


def _read_jsonl(path: str, outlets: dict[str, str] | None, opened: list | None = None) -> Iterator[_Item]:
    if path == "-":
        yield from _jsonl_items(sys.stdin.buffer, STDIN_NAME, outlets)
        return
    with _open_binary(path) as fh:
        if opened is not None:
            opened.append(fh)
        yield from _jsonl_items(fh, path, outlets)


def _position(fh: Any) -> int:
    """Bytes of the file read so far (of the compressed file, for a gzip stream)."""
    raw = getattr(fh, "fileobj", None) or fh
    try:
        return raw.tell()
    except (OSError, ValueError):
        return 0


def _size(path: str) -> int:
    try:
        return os.path.getsize(path) if path != "-" else 0
    except OSError:
        return 0


def _read_csv(path: str, outlets: dict[str, str] | None) -> Iterator[_Item]:
    """CSV with a header row; a record's line is the line it starts on (fields may hold newlines)."""
    csv.field_size_limit(2**31 - 1)  # news articles exceed the default 128 KiB field limit
    with _open_binary(path) as fh:
        bad: list[int] = []
        lines = (line for _, line in _decoded_lines(fh, path, bad))
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as err:
            raise InputError(path, 1, f"malformed CSV header ({err})") from None
        if header is None:
            return  # an empty file: no documents
        if bad:
            raise InputError(path, bad[0], "invalid UTF-8 in the CSV header")
        header = [h.strip() for h in header]
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise InputError(path, 1, f"duplicate column {dupes[0]!r} in the CSV header")
        for required in ("id", "text"):
            if required not in header:
                raise InputError(
                    path, 1, f'no "{required}" column in the CSV header (columns: {", ".join(header)})'
                )
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                raise InputError(path, start, f"malformed CSV ({err})") from None
            if bad and bad[-1] >= start:
                where = next(n for n in bad if n >= start)
                yield where, None, _csv_utf8_error(header, row)
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            if len(row) != len(header):
                yield start, None, f"the record has {len(row)} fields, the header {len(header)}"
                continue
            rec: dict[str, Any] = dict(zip(header, row, strict=True))
            for key in ("outlet", "published", "date", "url", "title"):
                if rec.get(key) == "":
                    del rec[key]  # an empty cell is an absent value for the standard columns
            try:
                yield start, _document(rec, f"{path}:{start}", outlets), None
            except _RecordError as err:
                yield start, None, str(err)


def _csv_utf8_error(header: list[str], row: list[str]) -> str:
    for name, value in zip(header, row, strict=False):
        found = _bad_byte(value)
        if found:
            return f'invalid UTF-8 in "{name}" (byte 0x{found[0]:02x} at character {found[1]})'
    return "invalid UTF-8"


def _read_text(path: str, doc_id: str) -> Iterator[_Item]:
    """One document: the whole file, decoded as UTF-8 (a BOM dropped, line endings kept as they are)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        raise InputError(path, None, f"cannot read ({err.strerror or err})") from None
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        yield line, None, f"invalid UTF-8 (byte 0x{data[err.start]:02x})"
        return
    del data
    yield None, Document(id=doc_id, text=text, origin=path), None


def _read_web(path: str, rel: str, cfg: ReadConfig, stats: ReadStats) -> Iterator[_Item]:
    """HTML and WARC, read by :mod:`syndetect.io.web` (which keeps its counters on ``stats``)."""
    from syndetect.io import web  # lxml, trafilatura and warcio: loaded only for web input

    if path.lower().endswith(_HTML_SUFFIXES):
        for doc in web.iter_html(path, cfg, stats):
            if rel and doc.url is None and doc.id == path:
                doc = replace(doc, id=rel)  # a page without a URL, found in a directory: its relative path
            yield None, doc, None
    else:
        for doc in web.iter_warc(path, cfg, stats):
            yield None, doc, None


# ------------------------------------------------------------------------------------------ planning

# A plan step: (kind, path, id base): the path relative to its input directory, "" for a file given directly.
_Step = tuple[str, str, str]


def _kind(path: str) -> str | None:
    low = path.lower()
    if low.endswith(_WARC_SUFFIXES):
        return "web"
    if low.endswith(_HTML_SUFFIXES):
        return "web"
    base = low.removesuffix(".gz")
    if base.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if base.endswith(_CSV_SUFFIXES):
        return "csv"
    if low.endswith(".txt"):
        return "text"
    return None


def _plan(inputs: Sequence[str], stats: ReadStats) -> list[_Step]:
    """Check every input up front (a typo in the last input fails before the first is read)."""
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]  # type: ignore[list-item]
    steps: list[_Step] = []
    for given in inputs:
        path = os.fspath(given)
        if path == "-":
            steps.append(("jsonl", "-", ""))
            continue
        if os.path.isdir(path):
            steps.extend(_plan_dir(path, stats))
            continue
        if not os.path.exists(path):
            raise InputError(path, None, "no such file or directory")
        what = _special(path)
        if what is not None:
            raise InputError(
                path, None, f"not a regular file ({what}); stream JSON Lines to standard input as -"
            )
        kind = _kind(path)
        if kind is None:
            raise InputError(path, None, f"unknown input format (expected {_KNOWN})")
        steps.append((kind, path, ""))
    return steps


class InputWarning(UserWarning):
    """Something in the input was passed over (the run goes on): the CLI prints it as ``warning: ...``."""


def _special(path: str) -> str | None:
    """What ``path`` is when it is not a regular file (after symlinks): a FIFO, a socket, a device..."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "a dangling link" if os.path.islink(path) else "unreadable"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _plan_dir(root: str, stats: ReadStats) -> list[_Step]:
    found: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            full = os.path.join(dirpath, name)
            if name.startswith(".") or not name.lower().endswith(_DIR_SUFFIXES):
                stats.ignored_files += 1
                continue
            what = _special(full)
            if what is not None:  # reading a FIFO, a socket or a device could block forever
                stats.ignored_files += 1
                warnings.warn(InputWarning(f"{full}: not a regular file ({what}); skipped"), stacklevel=2)
                continue
            found.append((os.path.relpath(full, root).replace(os.sep, "/"), full))
    found.sort()
    return [(_kind(full) or "text", full, rel) for rel, full in found]


# ---------------------------------------------------------------------------------------------- read


def read_documents(
    inputs: Sequence[str], cfg: ReadConfig | None = None, stats: ReadStats | None = None
) -> Iterator[Document]:
    """Read documents from every input, one by one, as one corpus.

    Args:
        inputs: paths (see the module docstring for formats), ``-`` for JSON Lines on stdin.
        cfg: ``skip_invalid`` and ``outlet_map``; defaults to ``ReadConfig()``.
        stats: filled as the documents are read (``read``, ``skipped``, ``ignored_files``).

    Returns:
        An iterator of documents. Every input is checked to exist and have a known format when this
        is called; records are validated as they are read.

    Raises:
        InputError: a missing or unknown input (always), or a bad record (unless ``cfg.skip_invalid``):
            malformed JSON or CSV, not an object, a missing or non-string ``id`` or ``text``, a
            non-string field, a bad ``published`` date, invalid UTF-8, or an ``id`` seen before in the run.
    """
    cfg = cfg or ReadConfig()
    stats = stats if stats is not None else ReadStats()
    steps = _plan(inputs, stats)
    return _iterate(steps, cfg, stats)


def _iterate(steps: list[_Step], cfg: ReadConfig, stats: ReadStats) -> Iterator[Document]:
    outlets = cfg.outlet_map or None
    seen: dict[str, str] = {}  # id -> where it was first read
    stats.bytes_total = sum(_size(path) for _, path, _ in steps)
    base = 0
    for kind, path, arg in steps:
        shown = STDIN_NAME if path == "-" else path
        opened: list = []
        if kind == "jsonl":
            items = _read_jsonl(path, outlets, opened)
        elif kind == "csv":
            items = _read_csv(path, outlets)
        elif kind == "text":
            items = _read_text(path, arg or path)
        else:
            items = _read_web(path, arg, cfg, stats)
        for line, doc, error in _tolerant(items, shown, cfg, stats):
            if doc is not None and doc.id in seen:
                if kind == "web":
                    doc = _recapture(doc, seen)
                else:
                    error = f'duplicate id "{printable(doc.id)}" (first seen at {printable(seen[doc.id])})'
            if error is not None:
                if not cfg.skip_invalid:
                    raise InputError(shown, line, error)
                stats.skip(shown, line, error)
                continue
            assert doc is not None
            seen[doc.id] = doc.origin or (f"{shown}:{line}" if line is not None else shown)
            stats.read += 1
            if opened:
                stats.bytes_done = base + _position(opened[0])
            yield doc
        base += _size(path)
        stats.bytes_done = base


def _tolerant(items: Iterator[_Item], shown: str, cfg: ReadConfig, stats: ReadStats) -> Iterator[_Item]:
    """``items``; with ``skip_invalid``, a file that cannot be read to its end (a truncated ``.gz``) keeps
    the records read before the break, and the rest of it is listed as skipped."""
    try:
        yield from items
    except InputError as err:
        if not (cfg.skip_invalid and err.partial):
            raise
        stats.skip(shown, err.line, f"{err.message} (the rest of the file skipped)")


def _recapture(doc: Document, seen: dict[str, str]) -> Document:
    """A later capture of a URL already read: id ``URL#2``, ``URL#3``, ... (the contract's rule for web input)."""
    base = doc.url or doc.id
    n = 2
    while f"{base}#{n}" in seen:
        n += 1
    return replace(doc, id=f"{base}#{n}")
