"""HTML pages: decode the bytes, extract the main text and the metadata, name the document.

The pure core is :func:`extract_page` (one page in, one :class:`~syndetect.records.Document` or ``None``
out); :func:`iter_html` drives it over a file or a directory, and ``syndetect.io.warc.iter_warc`` over
the records of a WARC file.

The main text comes from trafilatura (on the CNN Arabic page in ``shared/data/html``: 0.914 word-level
similarity to the expected text, resiliparse 0.891; on synthetic pages with site chrome resiliparse
kept the chrome of one layout in three), with paragraphs separated by ``"\\n"`` and the site chrome
(menus, "اقرأ أيضاً" lists, footers) left out. Where this departs from trafilatura's defaults:

- no "baseline rescue": below 250 characters trafilatura replaces its result with the whole page's
  text, chrome included, so that every short news brief of an outlet would look syndicated;
- a page whose text is mostly its own link texts (a home or section page) has no text;
- a heading that opens the text and repeats the title is dropped (it is ``Document.title``), and
  the text is not NFC-normalized: diacritics stay in the order the page has them.

Example:
    >>> from syndetect.config import ReadConfig
    >>> page = ("<html><head><title>خبر</title>"
    ...         '<meta property="article:published_time" content="2015-07-21T11:05:00+03:00"></head>'
    ...         "<body><nav><a href='/'>الرئيسية</a></nav><article><p>" + "قال المتحدث إن الاجتماع انتهى. " * 12
    ...         + "</p></article></body></html>")
    >>> doc = extract_page(page.encode("windows-1256"), "https://www.example.com/news/1", ReadConfig(),
    ...                    headers_charset="windows-1256")
    >>> doc.id, doc.outlet, doc.published, doc.time_precision
    ('https://www.example.com/news/1', 'example.com', '2015-07-21T11:05:00+03:00', 'datetime')
    >>> doc.text.startswith("قال المتحدث")
    True
"""

from __future__ import annotations

import codecs
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from syndetect.config import ReadConfig
from syndetect.io.captures import Captures, captures_for, count_skip, web_stats
from syndetect.io.dates import parse_time
from syndetect.io.errors import InputError
from syndetect.io.urls import join_url, normalize_url, outlet_for
from syndetect.records import Document

__all__ = [
    "charset_from_content_type",
    "decode_html",
    "extract_page",
    "iter_html",
    "meta_charset",
    "parse_time",
    "PageTooDeep",
]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# ------------------------------------------------------------------------------------------ charsets

# Labels Python does not know, and the WHATWG rule that latin-1 and ASCII labels mean windows-1252.
_CHARSET_ALIASES = {
    "iso-8859-6-i": "iso8859-6",
    "iso-8859-6-e": "iso8859-6",
    "iso_8859-6": "iso8859-6",
    "asmo-708": "iso8859-6",
    "ecma-114": "iso8859-6",
    "csisolatinarabic": "iso8859-6",
    "iso-ir-127": "iso8859-6",
    "x-cp1256": "cp1256",
    "x-mac-arabic": "mac-arabic",
    "x-user-defined": "",
}
# Server defaults that are often wrong for Arabic pages: a page's own declaration and UTF-8 go first.
_WEAK_CODECS = frozenset({"cp1252"})
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def charset_codec(label: str | None, *, from_meta: bool = False) -> str | None:
    """Python's codec name for a charset label (``None`` when unknown).

    >>> [charset_codec(x) for x in ("windows-1256", "ISO-8859-6", "utf8", "iso-8859-1", "klingon")]
    ['cp1256', 'iso8859-6', 'utf-8', 'cp1252', None]
    """
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if key in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[key] or None
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    if name in ("iso8859-1", "latin-1", "ascii"):
        return "cp1252"
    if from_meta and name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # HTML: a <meta> can only be read if the page is ASCII-compatible
    return name


def charset_from_content_type(value: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, as given.

    >>> charset_from_content_type('text/html; charset="Windows-1256"')
    'Windows-1256'
    """
    if not value:
        return None
    m = _CHARSET_PARAM.search(value)
    return m.group(1) if m else None


def meta_charset(data: bytes, scan: int = 8192) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``<meta http-equiv=Content-Type>``.

    >>> meta_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6">')
    'iso-8859-6'
    """
    m = _META_CHARSET.search(data[:scan])
    return m.group(1).decode("ascii") if m else None


def decode_html(data: bytes, headers_charset: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM, then the HTTP charset, the ``<meta>`` charset, UTF-8, then detection.

    A latin-1/windows-1252 declaration (a common server default, wrong for most Arabic pages) is
    only tried after the page's other declaration and UTF-8. Returns ``(text, how)``, ``how`` being
    ``"bom:utf-8"``, ``"header:cp1256"``, ``"meta:iso8859-6"``, ``"utf-8"``, ``"detected:cp1256"``, ...

    >>> decode_html("خبر".encode("windows-1256"), "windows-1256")
    ('خبر', 'header:cp1256')
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace"), f"bom:{codec}"
    declared = [
        ("header", charset_codec(headers_charset)),
        ("meta", charset_codec(meta_charset(data), from_meta=True)),
    ]
    strong = [(how, c) for how, c in declared if c and c not in _WEAK_CODECS]
    weak = [(how, c) for how, c in declared if c and c in _WEAK_CODECS]
    tried = set()
    for how, codec in [*strong, ("", "utf-8"), *weak]:
        if codec in tried:
            continue
        tried.add(codec)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return text, f"{how}:{codec}" if how else codec
    try:
        from charset_normalizer import from_bytes
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise ImportError("decoding undeclared charsets needs charset-normalizer") from err
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), f"detected:{best.encoding}"
    return data.decode("utf-8", "replace"), "fallback:utf-8"


# ------------------------------------------------------------------------------------------ metadata

# Meta keys (property, name or itemprop; lowercased) that carry the publication time, best first.
PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class PageTooDeep(ValueError):
    """A page nested deeper than the HTML parser can follow, even with its inline tags flattened."""


MAX_DEPTH = 2000  # lxml's limit with huge_tree is 2048 levels (256 without)
# Inline tags that carry no structure: dropped (their text kept) from a page nested too deep to parse.
_INLINE_TAGS = re.compile(
    r"</?(?:font|b|i|u|s|em|strong|span|small|big|sup|sub|a|abbr|mark|q|cite|tt|center)\b[^>]*>", re.I
)


def parse_html(text: str):
    """The lxml tree of a page (``None`` when there is nothing to parse).

    Control characters (NUL, SUB, ...) are dropped first: lxml cannot put them into the XML tree
    trafilatura builds, which would lose the whole page. A page nested deeper than lxml follows
    (unclosed ``<font>`` tags do it) is parsed again with its inline tags flattened (their text kept).

    Raises:
        PageTooDeep: the page is nested too deep even then (its text cannot be recovered).
    """
    text = _XML_DECL.sub("", text[:512], count=1) + text[512:]
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if not text.strip():
        return None
    tree, deep = _parse(text)
    if deep:
        tree, deep = _parse(_INLINE_TAGS.sub("", text))
        if deep:
            raise PageTooDeep(f"HTML nested deeper than {MAX_DEPTH} levels")
    return tree


def _parse(text: str):
    """(tree or None, whether the parser stopped at its depth limit)."""
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring

    parser = HTMLParser(
        collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True, huge_tree=True
    )
    try:
        tree = document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):  # "Document is empty"
        return None, False
    deep = any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log)
    if not deep and tree is not None:
        deep = _depth(tree) > MAX_DEPTH
    return tree, deep


def _depth(tree) -> int:
    """The deepest element's depth (iteratively: no recursion on deep trees)."""
    deepest = 0
    stack = [(tree, 0)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in el)
    return deepest


def _clean(s: str | None) -> str:
    return " ".join(s.split()) if s else ""


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page says about itself."""

    canonical: str | None
    title: str | None
    published: tuple[str, datetime, str] | None


def page_meta(tree, url: str | None) -> PageMeta:
    """Canonical URL (``<link rel=canonical>``, else ``og:url``), title and publication time."""
    metas: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                metas.setdefault(key.strip().lower(), content)
    canonical = None
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            canonical = el.get("href")
            break
    canonical = canonical or metas.get("og:url")
    if canonical:
        canonical = join_url(url, canonical)  # None when malformed ("http://[oops/"): no canonical URL
        if canonical and not canonical.lower().startswith(("http://", "https://")):
            canonical = None

    title = _clean(metas.get("og:title") or metas.get("twitter:title")) or None
    if title is None:
        el = tree.find(".//title")
        t = _clean(el.text_content()) if el is not None else ""
        site = _clean(metas.get("og:site_name"))
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            if site and t.endswith(sep + site):
                t = t[: -len(sep + site)]
        if not t:
            h1 = tree.find(".//h1")
            t = _clean(h1.text_content()) if h1 is not None else ""
        title = t or None

    published = None
    for key in PUBLISHED_KEYS:
        published = parse_time(metas.get(key))
        if published:
            break
    if published is None:
        for el in tree.iter("script"):
            if "ld+json" in (el.get("type") or "") and el.text:
                m = _JSONLD_PUBLISHED.search(el.text)
                if m and (published := parse_time(m.group(1))):
                    break
    if published is None:
        for el in tree.iter("time"):
            if el.get("datetime") and (
                el.get("pubdate") is not None or el.get("itemprop") == "datePublished"
            ):
                if published := parse_time(el.get("datetime")):
                    break
    return PageMeta(canonical, title, published)


def _htmldate(tree, url: str | None) -> tuple[str, datetime, str] | None:
    """A date-only publication date found by htmldate in markup and URL (no guessing from text)."""
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception:  # noqa: BLE001 - a date is optional; never fail a page for it
        return None
    return parse_time(found) if found else None


LINK_SHARE_MAX = 0.4  # extracted text made mostly of the page's link texts is an index page, not an article


@functools.cache
def _trafilatura_config():
    """trafilatura's defaults, less the "baseline rescue" that pads a short text with the whole page.

    Below ``MIN_EXTRACTED_SIZE`` (250 characters by default) trafilatura replaces its result with
    every text of the page, menus and footer included: a short Arabic news brief would come out
    wrapped in its site's chrome, and every brief of an outlet would then look syndicated.
    """
    from trafilatura.settings import use_config

    config = use_config()  # a fresh copy of the defaults
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "0")
    return config


_NOT_LETTERS = re.compile(r"[\W\d_]+")


def link_share(tree, text: str) -> float:
    """The share of ``text``'s letters that belong to texts of the page's links (menus, link lists)."""
    letters = len(_NOT_LETTERS.sub("", text))
    if not letters:
        return 0.0
    anchors = {_clean("".join(a.itertext())) for a in tree.iter("a")}
    linked = sum(len(_NOT_LETTERS.sub("", a)) for a in anchors if len(a) >= 4 and a in text)
    return linked / letters


def main_text(tree, url: str | None = None) -> str:
    """The main text of a parsed page, paragraphs separated by ``"\\n"`` (``""`` when none).

    A heading that opens the text and repeats the page's title is left out (it is ``Document.title``);
    a page whose extracted text is mostly its own link texts (a home or section page) has none.
    """
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,  # trafilatura's cache is global: it would drop syndicated paragraphs
            with_metadata=False,
            config=_trafilatura_config(),
        )
    except Exception:  # noqa: BLE001 - a page the extractor cannot handle is a page without text
        return ""
    text = (result.text or "").strip() if result is not None else ""
    if not text:
        return ""
    body = result.body
    if body is not None and len(body) and body[0].tag == "head":
        first, sep, rest = text.partition("\n")
        if sep and rest.strip() and _clean(first) in _titles(tree):
            text = rest.lstrip("\n")
    if link_share(tree, text) > LINK_SHARE_MAX:
        return ""
    return text


def _titles(tree) -> set[str]:
    """The page's names for itself: ``og:title``, ``twitter:title``, ``<title>``, first h1 and h2."""
    found = set()
    for el in tree.iter("meta"):
        if (el.get("property") or el.get("name") or "").lower() in ("og:title", "twitter:title"):
            found.add(_clean(el.get("content")))
    for tag in ("title", "h1", "h2"):
        el = tree.find(f".//{tag}")
        if el is not None:
            found.add(_clean(el.text_content()))
    found.discard("")
    return found


def extract_page(
    html: bytes | str,
    url: str | None,
    cfg: ReadConfig,
    fallback_date: str | None = None,
    headers_charset: str | None = None,
) -> Document | None:
    """One page as a :class:`Document`: main text, outlet, title, publication time; ``None`` without text.

    Args:
        html: the page, bytes (decoded with ``headers_charset``, else its ``<meta>``, else detected)
            or an already decoded string.
        url: the page's address (the WARC-Target-URI); else the page's canonical URL is used.
        cfg: ``outlet_map`` names outlets by host or host/path prefix.
        fallback_date: the publication time when the page gives none (the WARC-Date).
        headers_charset: the charset of the HTTP Content-Type header.

    Returns:
        The document with ``id`` = ``url`` (or the canonical URL, or ``""`` when neither is known),
        ``extra`` holding ``normalized_url``, ``published_source`` (``"page"`` or ``"fallback"``) and
        ``canonical_url`` when the page names a different one.
    """
    text = decode_html(html, headers_charset)[0] if isinstance(html, bytes | bytearray) else html
    tree = parse_html(text)
    if tree is None:
        return None
    meta = page_meta(tree, url)
    body = main_text(tree, url)
    if not body:
        return None
    page_url = url or meta.canonical
    published, source = meta.published, "page"
    if published is None:
        published = _htmldate(tree, page_url)
    if published is None:
        published, source = parse_time(fallback_date), "fallback"
    extra: dict[str, Any] = {}
    if page_url:
        extra["normalized_url"] = normalize_url(page_url)
    if meta.canonical and page_url and normalize_url(meta.canonical) != extra["normalized_url"]:
        extra["canonical_url"] = meta.canonical
    if published is not None:
        extra["published_source"] = source
    return Document(
        id=page_url or "",
        text=body,
        outlet=outlet_for(page_url, cfg.outlet_map),
        published=published[0] if published else None,
        time=published[1] if published else None,
        time_precision=published[2] if published else None,
        url=page_url,
        title=meta.title,
        extra=extra,
    )


# ------------------------------------------------------------------------------------------- driver


def _html_files(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.lower().endswith(HTML_SUFFIXES):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda f: f.relative_to(root).as_posix())


def iter_html(
    path: str | os.PathLike[str],
    cfg: ReadConfig,
    stats: Any = None,
    *,
    captures: Captures | None = None,
) -> Iterator[Document]:
    """The documents of an ``.html``/``.htm`` file or of a directory of them (sorted, recursive).

    ``id`` is the page's canonical (or ``og:url``) URL, else the file's path relative to the
    directory (the path as given for a single file); a page seen again gets ``#2``, ``#3``, ... and
    ``extra["revision_of"]``. Pages without main text are skipped and counted in ``stats.web``.
    """
    root = Path(path)
    if root.is_dir():
        files, base = _html_files(root), root
    elif root.is_file():
        files, base = [root], None
    else:
        raise InputError(str(path), None, "no such file or directory")
    web = web_stats(stats)
    reg = captures_for(stats, captures)
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as err:
            raise InputError(str(file), None, f"cannot read ({err.strerror})") from err
        web["records"] += 1
        web["bytes"] += len(data)
        try:
            doc = extract_page(data, None, cfg)
        except PageTooDeep as err:
            count_skip(web, "too_deep")
            web.setdefault("errors", []).append(f"{file}: {err}")
            continue
        if doc is None:
            count_skip(web, "empty_text")
            continue
        rel = file.relative_to(base).as_posix() if base is not None else str(path)
        if doc.url:
            doc_id, first = reg.assign(doc.extra["normalized_url"], doc.url)
        else:
            doc_id, first = reg.assign("file:" + rel, rel)
        extra = {**doc.extra, "source_file": str(file)}
        if first is not None:
            extra["revision_of"] = first
            web["revisions"] += 1
        web["documents"] += 1
        yield replace(doc, id=doc_id, extra=extra, origin=str(file))
