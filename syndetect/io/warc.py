"""WARC files: stream the records, turn HTML responses into documents, count everything else.

Only ``response`` records with HTTP status 200 and an HTML content type become documents; redirects,
errors, non-HTML payloads and ``request``/``metadata``/``warcinfo``/``revisit`` records are skipped
and counted in ``stats.web["skipped"]``. Records are read one at a time (warcio), so memory stays
bounded whatever the file's size; a page larger than :data:`MAX_PAGE_BYTES` is skipped
(``too_large``). A truncated or corrupt file raises :class:`~syndetect.io.errors.InputError` naming
the byte offset of the bad record (with ``skip_invalid``: the rest of that file is skipped, counted
as ``invalid`` and passed to ``stats.skip`` when the stats object has one).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from syndetect.config import ReadConfig
from syndetect.io.captures import Captures, captures_for, count_skip, web_stats
from syndetect.io.errors import InputError
from syndetect.io.html import PageTooDeep, charset_from_content_type, extract_page
from syndetect.records import Document

__all__ = ["MAX_PAGE_BYTES", "iter_warc"]

MAX_PAGE_BYTES = 16 * 1024 * 1024  # larger pages are skipped, never held in memory
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml", "text/xhtml"})
_DRAIN = 1 << 16


class _Corrupt(Exception):
    """A record that cannot be read to its end."""


def _drain(record: Any) -> None:
    """Read the rest of a record and fail if the file ends before its Content-Length."""
    raw = record.raw_stream
    while raw.read(_DRAIN):
        pass
    missing = getattr(raw, "limit", 0)
    if missing:
        raise _Corrupt(f"truncated WARC record: {missing} bytes missing")


def _decoders() -> frozenset[str]:
    """The HTTP content encodings warcio decodes here (``br`` only with the brotli package)."""
    from warcio.bufferedreaders import BufferedReader

    return frozenset(BufferedReader.get_supported_decompressors())


def _looks_like_html(payload: bytes) -> bool:
    head = payload[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def iter_warc(
    path: str | os.PathLike[str],
    cfg: ReadConfig,
    stats: Any = None,
    *,
    captures: Captures | None = None,
) -> Iterator[Document]:
    """The documents of a ``.warc`` or ``.warc.gz`` file, streamed record by record.

    ``id`` is the WARC-Target-URI; a later capture of the same normalized URL in the run gets
    ``#2``, ``#3``, ... and ``extra["revision_of"]``. ``published`` comes from the page metadata,
    else the WARC-Date (``extra["published_source"]`` says which); ``extra`` also has ``warc_date``,
    ``normalized_url`` and ``source_file``; ``origin`` is ``file:offset`` of the record.

    Raises:
        InputError: the file cannot be opened, or a record is truncated or corrupt (unless
            ``cfg.skip_invalid``).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    name = os.fspath(path)
    web = web_stats(stats)
    reg = captures_for(stats, captures)
    try:
        fh = open(name, "rb")  # noqa: SIM115 - closed below, also when the generator is abandoned
    except OSError as err:
        raise InputError(name, None, f"cannot read ({err.strerror})") from err
    read_so_far = 0
    offset = 0
    try:
        records = ArchiveIterator(fh)
        while True:
            try:
                record = next(records, None)
            except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as err:
                offset = records.offset  # where the unreadable record starts
                raise _Corrupt(f"corrupt WARC: {' '.join(str(err).split())[:200]}") from err
            except (AttributeError, TypeError, KeyError, IndexError) as err:
                # warcio's own failures on a malformed header (a response record without
                # WARC-Target-URI: AttributeError on None) -- found by benchmarks/fuzz.py
                offset = records.offset
                detail = " ".join(str(err).split())[:200]
                raise _Corrupt(
                    f"corrupt WARC: malformed record ({type(err).__name__} in warcio: {detail})"
                ) from err
            offset = records.offset  # warcio updates it when it moves to the next record
            if record is None:
                break
            web["records"] += 1
            doc = _document(record, name, offset, cfg, web)
            position = fh.tell()
            web["bytes"] += position - read_so_far
            read_so_far = position
            if doc is None:
                continue
            doc_id, first = reg.assign(doc.extra.get("normalized_url", doc.id), doc.id)
            if first is not None:
                doc.extra["revision_of"] = first
                web["revisions"] += 1
            web["documents"] += 1
            yield replace(doc, id=doc_id)
    except _Corrupt as err:
        message = f"{err} (the rest of the file is unreadable)"
        if not cfg.skip_invalid:
            raise InputError(name, None, str(err), byte=offset) from err.__cause__
        count_skip(web, "invalid")
        web.setdefault("errors", []).append(f"{name}: record at byte {offset}: {message}")
        skip = getattr(stats, "skip", None)
        if callable(skip):
            skip(name, None, f"record at byte {offset}: {message}")
    finally:
        web["bytes"] += max(0, _tell(fh) - read_so_far)
        fh.close()


def _tell(fh: Any) -> int:
    try:
        return fh.tell()
    except (OSError, ValueError):
        return 0


def _document(record: Any, name: str, offset: int, cfg: ReadConfig, web: dict[str, Any]) -> Document | None:
    """The document of one record, or ``None`` (counted) when it is not an HTML page with text."""
    if record.rec_type != "response":
        count_skip(web, "not_response")
        _drain(record)
        return None
    web["responses"] += 1
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    # ASCII digits only: "³00" passes str.isdigit() but not int() (found by benchmarks/fuzz.py)
    if status is None or not (status.isascii() and status.isdigit()):
        count_skip(web, "non_html")  # e.g. a dns: response
        _drain(record)
        return None
    code = int(status)
    if code != 200:
        count_skip(
            web, "redirect" if 300 <= code < 400 else "error_status" if code >= 400 else "other_status"
        )
        _drain(record)
        return None
    ctype = http.get_header("Content-Type") or ""
    mime = ctype.split(";", 1)[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        count_skip(web, "non_html")
        _drain(record)
        return None
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    if encoding not in ("", "identity") and encoding not in _decoders():
        count_skip(web, "unsupported_encoding")  # e.g. br without the brotli package, zstd
        _drain(record)
        return None
    try:
        payload = record.content_stream().read(MAX_PAGE_BYTES + 1)
    except (OSError, ValueError, EOFError, zlib.error):
        payload = None  # a broken Content-Encoding or chunking inside an intact record
    _drain(record)
    if payload is None:
        count_skip(web, "bad_payload")
        return None
    if len(payload) > MAX_PAGE_BYTES:
        count_skip(web, "too_large")
        return None
    if not mime and not _looks_like_html(payload):
        count_skip(web, "non_html")
        return None
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>") or None
    warc_date = record.rec_headers.get_header("WARC-Date")
    try:
        doc = extract_page(
            payload, uri, cfg, fallback_date=warc_date, headers_charset=charset_from_content_type(ctype)
        )
    except PageTooDeep as err:
        count_skip(web, "too_deep")
        web.setdefault("errors", []).append(f"{name}: record at byte {offset}: {err}")
        return None
    if doc is None:
        count_skip(web, "empty_text")
        return None
    extra = {**doc.extra, "warc_date": warc_date, "source_file": name}
    return replace(doc, id=doc.id or f"{name}:{offset}", extra=extra, origin=f"{name}:{offset}")
