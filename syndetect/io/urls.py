"""URLs: the host, the outlet a URL names, and the key that recognises the same page crawled again.

A leaf module (standard library only): the JSON Lines, CSV, HTML and WARC readers all name outlets by
the same rule, :func:`outlet_for`.

Example:
    >>> normalize_url("https://www.example.com/news/1/?utm_source=tw#top")
    'example.com/news/1'
    >>> outlet_for("https://www.aawsat.com/home/article/1")
    'aawsat.com'
"""

from __future__ import annotations

from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote,
    unquote_to_bytes,
    urlencode,
    urljoin,
    urlsplit,
)

__all__ = [
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "join_url",
    "normalize_url",
    "outlet_for",
    "url_host",
]

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


def _split(url: str) -> SplitResult:
    """``urlsplit``, reading a scheme-less ``example.com/x`` as a host and path. Raises ValueError."""
    s = url.strip()
    if "://" not in s[:16] and not s.startswith("//"):
        s = "//" + s
    return urlsplit(s)


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def url_host(url: str | None) -> str:
    """The host of ``url``, lowercased, without ``www.`` and without the port (``""`` when none).

    A malformed URL (``http://[::1``) or one whose "host" holds spaces has none.

    >>> url_host("https://WWW.Alriyadh.com:443/x")
    'alriyadh.com'
    >>> url_host("not a url"), url_host("http://[::1/x")
    ('', '')
    """
    if not url:
        return ""
    try:
        host = _split(url).hostname or ""
    except ValueError:
        return ""
    if any(ch.isspace() for ch in host):
        return ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def join_url(base: str | None, href: str) -> str | None:
    """``href`` resolved against ``base`` (``urljoin``), or ``None`` when either is malformed.

    >>> join_url("https://example.com/a/b", "../c")
    'https://example.com/c'
    >>> join_url("https://example.com/", "http://[oops/") is None
    True
    """
    try:
        joined = urljoin(base or "", href.strip())
        urlsplit(joined).port  # noqa: B018 - raises ValueError on a malformed host or port
    except ValueError:
        return None
    return joined


def normalize_url(url: str) -> str:
    """The URL as a key for recognising the same page crawled again.

    Scheme, ``www.``, default ports, the fragment, a trailing slash and tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ...) are dropped; the host is lowercased, the remaining query
    parameters sorted and percent-escapes made canonical (so an Arabic path matches its encoded form).
    A malformed URL is its own key (stripped).

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


def outlet_for(url: str | None, outlet_map: dict[str, str] | None = None, default: str | None = "unknown"):
    """The outlet of a URL: ``outlet_map``'s name for the longest matching key, else the host.

    A key is a host or ``host/path``, matched at ``/`` boundaries; ``www.``, the scheme and the port
    are ignored. Without a host the outlet is ``default`` (``"unknown"``).

    >>> outlet_for("https://www.alriyadh.com/1072")
    'alriyadh.com'
    >>> m = {"arabic.cnn.com": "cnn-arabic", "arabic.cnn.com/sport": "cnn-sport"}
    >>> [outlet_for(u, m) for u in ("http://arabic.cnn.com/a", "http://arabic.cnn.com/sport/b",
    ...                              "http://arabic.cnn.com/sports", "http://edition.cnn.com/a")]
    ['cnn-arabic', 'cnn-sport', 'cnn-arabic', 'edition.cnn.com']
    >>> outlet_for("not a url", default=None) is None
    True
    """
    host = url_host(url)
    if not host:
        return default
    if not outlet_map:
        return host
    try:
        path = unquote(_split(url or "").path).strip("/")
    except ValueError:
        path = ""
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
