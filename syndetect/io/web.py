"""Web input: HTML pages and WARC crawls, read into documents (the API the readers call).

- :func:`iter_html`: an ``.html``/``.htm`` file or a directory of them (sorted, recursive).
- :func:`iter_warc`: a ``.warc``/``.warc.gz`` file, streamed record by record.
- :func:`extract_page`: the pure core, one page in, one document (or ``None``) out.
- :func:`normalize_url`: the key that recognises the same page crawled again.

This module holds what both kinds of input share (URLs, outlets, the names of recaptures, the
``stats.web`` counters); pages are read by :mod:`syndetect.io.html`, crawls by
:mod:`syndetect.io.warc`, imported when first used.

Example:
    >>> normalize_url("https://www.example.com/news/1/?utm_source=tw#top")
    'example.com/news/1'
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, unquote_to_bytes, urlencode, urlsplit

from syndetect.config import ReadConfig

if TYPE_CHECKING:
    from syndetect.records import Document

__all__ = [
    "Captures",
    "extract_page",
    "iter_html",
    "iter_warc",
    "normalize_url",
    "outlet_for",
    "url_host",
    "web_stats",
]


def iter_html(
    path: str | os.PathLike[str], cfg: ReadConfig, stats: Any = None, *, captures: Captures | None = None
) -> Iterator[Document]:
    """The documents of an HTML file or a directory of them: see :func:`syndetect.io.html.iter_html`."""
    from syndetect.io.html import iter_html as _iter_html

    return _iter_html(path, cfg, stats, captures=captures)


def iter_warc(
    path: str | os.PathLike[str], cfg: ReadConfig, stats: Any = None, *, captures: Captures | None = None
) -> Iterator[Document]:
    """The documents of a WARC file, streamed: see :func:`syndetect.io.warc.iter_warc`."""
    from syndetect.io.warc import iter_warc as _iter_warc

    return _iter_warc(path, cfg, stats, captures=captures)


def extract_page(
    html: bytes | str,
    url: str | None,
    cfg: ReadConfig,
    fallback_date: str | None = None,
    headers_charset: str | None = None,
) -> Document | None:
    """One page as a document, ``None`` without main text: see :func:`syndetect.io.html.extract_page`."""
    from syndetect.io.html import extract_page as _extract_page

    return _extract_page(html, url, cfg, fallback_date, headers_charset)


# ---------------------------------------------------------------------------------------------- URLs

# Query parameters that only say how a reader arrived (campaign, click and share trackers).
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "igshid", "li_fat_id", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "_hsenc",
        "_hsmi", "__twitter_impression", "oly_anon_id", "oly_enc_id", "vero_id", "rb_clickid",
        "s_cid", "cmpid", "ocid", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
        "at_medium", "at_campaign", "wt_mc", "wt.mc_id", "ref_src", "ref_url", "sr_share", "amp_js_v",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_PATH_SAFE = "/!$&'()*+,;=:@~"


def _split(url: str):
    s = url.strip()
    if "://" not in s[:16] and not s.startswith("//"):
        s = "//" + s
    return urlsplit(s)


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def url_host(url: str | None) -> str:
    """The host of ``url``, lowercased, without ``www.`` and without the port (``""`` when none).

    >>> url_host("https://WWW.Alriyadh.com:443/x")
    'alriyadh.com'
    """
    if not url:
        return ""
    try:
        host = _split(url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def normalize_url(url: str) -> str:
    """The URL as a key for recognising the same page crawled again.

    Scheme, ``www.``, default ports, the fragment, a trailing slash and tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ...) are dropped; the host is lowercased, the remaining query
    parameters sorted and percent-escapes made canonical (so an Arabic path matches its encoded form).

    >>> normalize_url("https://www.Example.com/news/1/?utm_source=tw&id=7&fbclid=abc#comments")
    'example.com/news/1?id=7'
    >>> normalize_url("http://example.com/news/1") == normalize_url("https://www.example.com:443/news/1/")
    True
    >>> normalize_url("https://example.com/أخبار") == normalize_url("https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1")
    True
    """
    try:
        parts = _split(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return url.strip()
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = quote(unquote_to_bytes(parts.path), safe=_PATH_SAFE).rstrip("/")
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(sorted(params), quote_via=quote, safe="/:@!$'()*+,;=~")
    return host + path + ("?" + query if query else "")


def _map_key(key: str) -> tuple[str, str]:
    k = key.strip()
    if "://" in k:
        k = k.split("://", 1)[1]
    host, _, path = k.partition("/")
    host = host.lower().split(":", 1)[0].rstrip(".").removeprefix("www.")
    return host, unquote(path).strip("/")


def outlet_for(url: str | None, outlet_map: dict[str, str] | None = None) -> str:
    """The outlet of a page: ``outlet_map``'s name for the longest matching key, else the host.

    A key is a host or ``host/path``, matched at ``/`` boundaries (the rule of the JSON Lines
    reader); ``www.`` and the scheme are ignored. Without a host the outlet is ``"unknown"``.

    >>> outlet_for("https://www.alriyadh.com/1072")
    'alriyadh.com'
    >>> m = {"arabic.cnn.com": "cnn-arabic", "arabic.cnn.com/sport": "cnn-sport"}
    >>> [outlet_for(u, m) for u in ("http://arabic.cnn.com/a", "http://arabic.cnn.com/sport/b",
    ...                              "http://arabic.cnn.com/sports", "http://edition.cnn.com/a")]
    ['cnn-arabic', 'cnn-sport', 'cnn-arabic', 'edition.cnn.com']
    """
    host = url_host(url)
    if not host:
        return "unknown"
    if not outlet_map:
        return host
    path = unquote(_split(url or "").path).strip("/")
    best, best_len = host, -1
    for key, name in outlet_map.items():
        khost, kpath = _map_key(key)
        if host != khost:
            continue
        if kpath and not (path == kpath or path.startswith(kpath + "/")):
            continue
        if len(kpath) > best_len:
            best, best_len = name, len(kpath)
    return best


class Captures:
    """Names later captures of the same page: ``url``, ``url#2``, ``url#3``, ... within one run.

    One registry must span the whole run (every WARC and HTML input), so the readers keep one; by
    default it lives on the run's ``stats`` object as ``stats.web_captures``.

    >>> reg = Captures()
    >>> reg.assign("example.com/a", "http://example.com/a")
    ('http://example.com/a', None)
    >>> reg.assign("example.com/a", "https://www.example.com/a/")
    ('https://www.example.com/a/#2', 'http://example.com/a')
    """

    def __init__(self) -> None:
        self._seen: dict[str, list[Any]] = {}

    def assign(self, key: str, base_id: str) -> tuple[str, str | None]:
        """The id for a capture of ``key`` and the id of the first capture (``None`` for the first)."""
        entry = self._seen.get(key)
        if entry is None:
            self._seen[key] = [base_id, 1]
            return base_id, None
        entry[1] += 1
        return f"{base_id}#{entry[1]}", entry[0]

    def __len__(self) -> int:
        return len(self._seen)


def captures_for(stats: Any, captures: Captures | None) -> Captures:
    """The registry to use: the one given, else the one kept on ``stats`` (created if missing)."""
    if captures is not None:
        return captures
    reg = getattr(stats, "web_captures", None) if stats is not None else None
    if reg is None:
        reg = Captures()
        if stats is not None:
            try:
                stats.web_captures = reg
            except AttributeError:
                pass
    return reg


SKIP_REASONS = ("non_html", "redirect", "error_status", "empty_text", "not_response")


def web_stats(stats: Any) -> dict[str, Any]:
    """The ``stats.web`` counters (created when missing); a throwaway dict when ``stats`` is None.

    Keys: ``records`` (WARC records or HTML files seen), ``responses``, ``documents`` (yielded),
    ``revisions`` (later captures of a page already seen), ``bytes`` (input bytes read) and
    ``skipped`` (reason -> count: ``non_html``, ``redirect``, ``error_status``, ``empty_text``,
    ``not_response``, and when they occur ``other_status``, ``too_large``, ``bad_payload``,
    ``unsupported_encoding``, ``invalid``).
    """
    web = getattr(stats, "web", None) if stats is not None else None
    if web is None:
        web = {}
        if stats is not None:
            try:
                stats.web = web
            except AttributeError:
                pass
    for key in ("records", "responses", "documents", "revisions", "bytes"):
        web.setdefault(key, 0)
    skipped = web.setdefault("skipped", {})
    for key in SKIP_REASONS:
        skipped.setdefault(key, 0)
    return web


def count_skip(web: dict[str, Any], reason: str) -> None:
    """Count one record skipped for ``reason``."""
    web["skipped"][reason] = web["skipped"].get(reason, 0) + 1
