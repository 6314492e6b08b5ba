"""Web input: HTML pages and WARC crawls, read into documents (the API the readers call).

- :func:`iter_html`: an ``.html``/``.htm`` file or a directory of them (sorted, recursive).
- :func:`iter_warc`: a ``.warc``/``.warc.gz`` file, streamed record by record.
- :func:`extract_page`: the pure core, one page in, one document (or ``None``) out.
- :func:`normalize_url`: the key that recognises the same page crawled again.

A facade over the modules that do the work: :mod:`syndetect.io.html` (pages),
:mod:`syndetect.io.warc` (crawls), :mod:`syndetect.io.urls` (hosts, outlets, URL keys) and
:mod:`syndetect.io.captures` (recaptures and counters). It imports them; none of them imports it.

Example:
    >>> normalize_url("https://www.example.com/news/1/?utm_source=tw#top")
    'example.com/news/1'
"""

from __future__ import annotations

from syndetect.io.captures import SKIP_REASONS, Captures, captures_for, count_skip, web_stats
from syndetect.io.html import extract_page, iter_html
from syndetect.io.urls import TRACKING_PARAMS, TRACKING_PREFIXES, normalize_url, outlet_for, url_host
from syndetect.io.warc import iter_warc

__all__ = [
    "SKIP_REASONS",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "Captures",
    "captures_for",
    "count_skip",
    "extract_page",
    "iter_html",
    "iter_warc",
    "normalize_url",
    "outlet_for",
    "url_host",
    "web_stats",
]
