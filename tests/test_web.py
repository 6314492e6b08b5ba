"""syndetect.io.web: HTML and WARC input — main text without site chrome, charsets, ids of recaptures,
publication times, every non-page record skipped and counted, corrupt files named with their offset."""

from __future__ import annotations

import difflib
import gzip
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from syndetect.config import ReadConfig
from syndetect.io import warc as warc_module
from syndetect.io.errors import InputError
from syndetect.io.html import decode_html
from syndetect.io.web import (
    Captures,
    extract_page,
    iter_html,
    iter_warc,
    normalize_url,
    outlet_for,
    web_stats,
)
from tests.warc_fixtures import ARTICLES, WarcBuilder, build_demo_warc, chrome_for, news_page

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CNN_HTML = SHARED / "html" / "cnn-arabic-2013-syria-clashes.html"
CNN_URL = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
needs_shared = pytest.mark.skipif(
    not CNN_HTML.exists(),
    reason=f"shared data not found at {SHARED} (the CNN Arabic page is read from there)",
)

# Measured with trafilatura 2.3.1: 0.914 (difflib ratio over whitespace tokens; resiliparse 2.0: 0.891).
CNN_SIMILARITY_FLOOR = 0.90


def word_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def stats() -> SimpleNamespace:
    return SimpleNamespace()


# ------------------------------------------------------------------------------------------ the CNN page


@needs_shared
def test_cnn_page_text_is_close_to_the_expected_text():
    expected = CNN_HTML.with_name("cnn-arabic-2013-syria-clashes.expected.txt").read_text("utf-8")
    doc = extract_page(CNN_HTML.read_bytes(), None, ReadConfig())
    assert doc is not None
    assert word_similarity(doc.text, expected) >= CNN_SIMILARITY_FLOOR
    # The page's canonical URL names it; paragraphs stay separate lines.
    assert doc.id == doc.url == CNN_URL
    assert doc.outlet == "arabic.cnn.com"
    assert doc.title == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert doc.text.startswith("دمشق، سوريا (CNN) -- أكدت جهات سورية معارضة")
    assert len(doc.text.split("\n")) >= 7
    assert "\n\n" not in doc.text
    # No date in its metadata: no guess from the copyright line or the body either.
    assert doc.published is None and doc.time is None


# ------------------------------------------------------------------------------------------- one page


def test_extract_page_reads_article_published_time_and_title():
    art = ARTICLES["desalination"]
    page = news_page(
        chrome_for("alwaha"), art["title"], art["paragraphs"], published="2015-08-10T09:30:00+03:00"
    )
    doc = extract_page(
        page, "https://www.alwaha.example/news/1", ReadConfig(), fallback_date="2015-08-12T06:00:00Z"
    )
    assert doc.published == "2015-08-10T09:30:00+03:00"
    assert doc.time.isoformat() == "2015-08-10T09:30:00+03:00"
    assert doc.time_precision == "datetime"
    assert doc.extra["published_source"] == "page"
    assert doc.title == art["title"]


def test_extract_page_date_only_metadata_has_day_precision():
    art = ARTICLES["gold"]
    page = news_page(chrome_for("x"), art["title"], art["paragraphs"], published="2015-08-10")
    doc = extract_page(page, "https://x.example/a", ReadConfig(), fallback_date="2015-08-12T06:00:00Z")
    assert (doc.published, doc.time_precision, doc.time.tzinfo is not None) == ("2015-08-10", "day", True)


def test_extract_page_without_text_is_none():
    assert extract_page(b"", "https://x.example/", ReadConfig()) is None
    assert (
        extract_page("<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>", None, ReadConfig())
        is None
    )


@pytest.mark.parametrize("layout", ["html5", "divs", "table"])
@pytest.mark.parametrize("key", ["desalination", "gold", "trees", "school_football"])
def test_site_chrome_is_left_out(layout, key):
    art = ARTICLES[key]
    chrome = chrome_for("any", site_name="الواحة نيوز", layout=layout)
    doc = extract_page(
        news_page(chrome, art["title"], art["paragraphs"]), "https://alwaha.example/n", ReadConfig()
    )
    lines = doc.text.split("\n")
    assert [p for p in art["paragraphs"] if p not in lines] == []
    assert [c for c in chrome.phrases() if c in doc.text] == []


BRIEF = "أعلنت وزارة الصحة تسجيل ثلاث حالات جديدة، وقالت إن جميع المصابين في حالة مستقرة ويتلقون العلاج."


@pytest.mark.parametrize("layout", ["html5", "divs", "table"])
def test_short_brief_is_not_padded_with_chrome(layout):
    # trafilatura's default "baseline rescue" would return the whole page for a text under 250 characters.
    chrome = chrome_for("any", layout=layout)
    doc = extract_page(news_page(chrome, "وزارة الصحة", [BRIEF]), "https://x.example/brief", ReadConfig())
    assert doc.text == BRIEF


@pytest.mark.parametrize("layout", ["html5", "divs", "table"])
def test_home_page_has_no_text(layout):
    page = news_page(chrome_for("any", layout=layout), "الصفحة الرئيسية", [], author=None)
    assert extract_page(page, "https://x.example/", ReadConfig()) is None


def test_diacritics_keep_their_order():
    # shadda before kasra is not NFC order; the text keeps what the page has.
    word = "وُجّ\u0650هت"
    paragraph = f"{word} تهم الفساد المتعلقة بعمليات شراء الأراضي إلى بعض شركات التطوير في أعقاب الثورة."
    page = news_page(chrome_for("x"), "t", [paragraph, *ARTICLES["gold"]["paragraphs"]])
    assert word in extract_page(page, "https://x.example/a", ReadConfig()).text


# -------------------------------------------------------------------------------------------- charsets

TREES = "\n".join(ARTICLES["trees"]["paragraphs"])


@pytest.mark.parametrize(
    ("data", "header", "how"),
    [
        pytest.param(TREES.encode("utf-8"), "utf-8", "header:utf-8", id="utf8_header"),
        pytest.param(TREES.encode("utf-8"), None, "utf-8", id="utf8_undeclared"),
        pytest.param(TREES.encode("windows-1256"), "windows-1256", "header:cp1256", id="cp1256_header"),
        pytest.param(
            b'<meta charset="windows-1256">' + TREES.encode("cp1256"), None, "meta:cp1256", id="cp1256_meta"
        ),
        pytest.param(TREES.encode("iso-8859-6"), "ISO-8859-6", "header:iso8859-6", id="iso88596_header"),
        pytest.param(
            b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6">'
            + TREES.encode("iso-8859-6"),
            None,
            "meta:iso8859-6",
            id="iso88596_meta",
        ),
        # The HTTP header wins over the page's own declaration ...
        pytest.param(
            b'<meta charset="utf-8">' + TREES.encode("cp1256"),
            "windows-1256",
            "header:cp1256",
            id="header_beats_meta",
        ),
        # ... unless it is a latin-1 server default, which Arabic pages contradict.
        pytest.param(
            b'<meta charset="windows-1256">' + TREES.encode("cp1256"),
            "ISO-8859-1",
            "meta:cp1256",
            id="weak_header",
        ),
        pytest.param(TREES.encode("utf-8"), "iso-8859-1", "utf-8", id="weak_header_utf8_page"),
        # A wrong declaration that cannot decode the bytes falls through to the next source.
        pytest.param(
            b'<meta charset="windows-1256">' + TREES.encode("cp1256"), "utf-8", "meta:cp1256", id="bad_header"
        ),
        pytest.param(b"\xef\xbb\xbf" + TREES.encode("utf-8"), "cp1256", "bom:utf-8", id="bom"),
    ],
)
def test_decode_html(data, header, how):
    text, used = decode_html(data, header)
    assert used == how
    assert TREES in text


@pytest.mark.parametrize("codec", ["windows-1256", "iso-8859-6"])
def test_undeclared_charset_is_detected(codec):
    # No header, no <meta>: charset-normalizer decides (on a whole page, chrome included).
    chrome = chrome_for("old-site", layout="table")
    art = ARTICLES["school_football"]
    page = news_page(chrome, art["title"], art["paragraphs"], charset=None)
    text, how = decode_html(page.encode(codec, "xmlcharrefreplace"), None)
    assert how.startswith("detected:")
    assert all(p in text for p in art["paragraphs"])


# ------------------------------------------------------------------------------------------------ URLs


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("http://example.com/a", "https://example.com/a", id="scheme"),
        pytest.param("https://www.example.com/a", "https://example.com/a", id="www"),
        pytest.param("https://example.com/a/", "https://example.com/a", id="trailing_slash"),
        pytest.param("https://example.com/", "https://example.com", id="root_slash"),
        pytest.param("https://EXAMPLE.com/a", "https://example.com/a", id="host_case"),
        pytest.param("https://example.com:443/a", "http://example.com:80/a", id="default_ports"),
        pytest.param("https://example.com/a#comments", "https://example.com/a", id="fragment"),
        pytest.param(
            "https://example.com/a?utm_source=fb&utm_medium=social&utm_campaign=x",
            "https://example.com/a",
            id="utm",
        ),
        pytest.param("https://example.com/a?fbclid=IwAR0abc", "https://example.com/a", id="fbclid"),
        pytest.param(
            "https://example.com/a?gclid=Cj0&msclkid=1&_ga=2.1", "https://example.com/a", id="ad_clicks"
        ),
        pytest.param(
            "https://example.com/a?id=7&utm_source=x", "https://example.com/a?id=7", id="keeps_real_params"
        ),
        pytest.param("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2", id="param_order"),
        pytest.param(
            "https://example.com/أخبار/1",
            "https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1",
            id="arabic_path",
        ),
        pytest.param("https://example.com/%7euser", "https://example.com/~user", id="unreserved_escape"),
    ],
)
def test_normalize_url_same_page(a, b):
    assert normalize_url(a) == normalize_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("https://example.com/a", "https://example.com/b", id="path"),
        pytest.param("https://example.com/a?id=1", "https://example.com/a?id=2", id="query"),
        pytest.param("https://example.com/a", "https://example.org/a", id="host"),
        pytest.param("https://example.com/A", "https://example.com/a", id="path_case"),
        pytest.param("https://example.com:8080/a", "https://example.com/a", id="port"),
        pytest.param("https://news.example.com/a", "https://example.com/a", id="subdomain"),
    ],
)
def test_normalize_url_different_pages(a, b):
    assert normalize_url(a) != normalize_url(b)


def test_normalize_url_form():
    assert normalize_url("https://www.Alriyadh.com/1072?utm_source=tw#x") == "alriyadh.com/1072"
    assert normalize_url(normalize_url("https://www.alriyadh.com/1072/")) == "alriyadh.com/1072"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.alwaha.example/culture/book-fair", "alwaha-culture"),
        ("https://alwaha.example/culture", "alwaha-culture"),
        ("https://alwaha.example/culture-news/x", "alwaha"),
        ("https://alwaha.example/news/1", "alwaha"),
        ("https://sport.alwaha.example/news/1", "sport.alwaha.example"),
        ("https://other.example/news/1", "other.example"),
        (None, "unknown"),
    ],
)
def test_outlet_for_longest_prefix_wins(url, expected):
    outlet_map = {"https://www.alwaha.example/": "alwaha", "alwaha.example/culture": "alwaha-culture"}
    assert outlet_for(url, outlet_map) == expected


# ------------------------------------------------------------------------------------------------ WARC

ALWAHA = chrome_for("alwaha", site_name="الواحة نيوز", layout="html5")
YAWM = chrome_for("yawm", site_name="أخبار اليوم", layout="divs")
QABAS = chrome_for("qabas", site_name="القبس الإلكتروني", layout="table")
NOOR = chrome_for("noor", site_name="النور", layout="table")
BOOK_FAIR = "https://www.alwaha.example/culture/book-fair"


def _page(chrome, key, **kw) -> str:
    art = ARTICLES[key]
    return news_page(chrome, art["title"], art["paragraphs"], **kw)


def write_crawl(path: Path, cnn: bytes | None) -> None:
    """One crawl with every kind of record the reader must handle (see EXPECTED_* below)."""
    with WarcBuilder(path) as w:
        w.warcinfo()
        if cnn is not None:
            w.request(CNN_URL, date="2013-08-04T08:15:00Z")
            w.response(CNN_URL, cnn, date="2013-08-04T08:15:00Z")
        url = "https://www.alwaha.example/local/desalination"
        w.request(url)
        w.response(url, _page(ALWAHA, "desalination", url=url, published="2015-08-10T09:30:00+03:00"))
        w.metadata(url)
        w.request(BOOK_FAIR)
        w.response(BOOK_FAIR, _page(ALWAHA, "book_fair", url=BOOK_FAIR, published="2015-08-11"))
        # No date anywhere in the page: the WARC-Date is the publication time.
        url = "https://alwaha.example/economy/gold"
        w.response(url, _page(ALWAHA, "gold", url=url), date="2015-08-12T07:45:00Z")
        url = "http://yawm.example/news/gold-prices"
        w.response(url, _page(YAWM, "gold", url=url, published="2015-08-11T14:00:00Z"))
        # windows-1256, declared only in the HTTP header.
        url = "http://www.qabas.example/news.asp?id=8812"
        page = _page(QABAS, "trees", url=url, charset=None, published="2015-08-09T20:00:00+03:00")
        w.response(url, page.encode("cp1256"), content_type="text/html; charset=windows-1256")
        # windows-1256, declared only in the page's <meta http-equiv>.
        url = "http://www.qabas.example/news.asp?id=8813"
        page = _page(QABAS, "library", url=url, charset="windows-1256", published="2015-08-09T21:00:00+03:00")
        w.response(url, page.encode("cp1256"), content_type="text/html")
        # ISO-8859-6.
        url = "http://noor.example/sport/1"
        page = _page(NOOR, "school_football", url=url, charset="iso-8859-6")
        body = page.encode("iso-8859-6", "xmlcharrefreplace")  # © as &#169;, as such a page writes it
        w.response(url, body, content_type="text/html; charset=ISO-8859-6")
        # Gzip content encoding, as a server sends it.
        url = "https://www.alwaha.example/local/trees"
        body = gzip.compress(_page(ALWAHA, "trees", url=url, published="2015-08-08T08:00:00+03:00").encode())
        w.response(url, body, headers=[("Content-Encoding", "gzip")])
        # Not pages.
        w.redirect("http://alwaha.example/old/desalination", "https://www.alwaha.example/local/desalination")
        w.redirect("https://www.alwaha.example/go", "https://www.alwaha.example/", code="302 Found")
        w.response(
            "https://www.alwaha.example/gone",
            "<html><body>الصفحة غير موجودة</body></html>",
            status="404 Not Found",
        )
        w.response(
            "https://www.alwaha.example/busy",
            "<html><body>خطأ</body></html>",
            status="503 Service Unavailable",
        )
        w.response(
            "https://www.alwaha.example/report.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
            content_type="application/pdf",
        )
        w.response(
            "https://www.alwaha.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png"
        )
        w.response(
            "https://www.alwaha.example/", "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>"
        )
        # The same page again, edited; then once more under another form of its URL.
        w.request(BOOK_FAIR)
        w.response(
            BOOK_FAIR,
            _page(ALWAHA, "book_fair_edited", url=BOOK_FAIR, published="2015-08-11"),
            date="2015-08-13T06:00:00Z",
        )
        again = "http://alwaha.example/culture/book-fair/?utm_source=twitter&utm_medium=social"
        w.response(
            again,
            _page(ALWAHA, "book_fair_edited", url=BOOK_FAIR, published="2015-08-11"),
            date="2015-08-14T06:00:00Z",
        )


def expected_docs(with_cnn: bool) -> list[tuple[str, str, str | None, str]]:
    """(id, outlet, published, article key) of every document, in crawl order."""
    docs = [
        (
            "https://www.alwaha.example/local/desalination",
            "alwaha.example",
            "2015-08-10T09:30:00+03:00",
            "desalination",
        ),
        (BOOK_FAIR, "alwaha.example", "2015-08-11", "book_fair"),
        ("https://alwaha.example/economy/gold", "alwaha.example", "2015-08-12T07:45:00+00:00", "gold"),
        ("http://yawm.example/news/gold-prices", "yawm.example", "2015-08-11T14:00:00+00:00", "gold"),
        ("http://www.qabas.example/news.asp?id=8812", "qabas.example", "2015-08-09T20:00:00+03:00", "trees"),
        (
            "http://www.qabas.example/news.asp?id=8813",
            "qabas.example",
            "2015-08-09T21:00:00+03:00",
            "library",
        ),
        ("http://noor.example/sport/1", "noor.example", "2015-08-12T06:00:00+00:00", "school_football"),
        ("https://www.alwaha.example/local/trees", "alwaha.example", "2015-08-08T08:00:00+03:00", "trees"),
        (BOOK_FAIR + "#2", "alwaha.example", "2015-08-11", "book_fair_edited"),
        (
            "http://alwaha.example/culture/book-fair/?utm_source=twitter&utm_medium=social#3",
            "alwaha.example",
            "2015-08-11",
            "book_fair_edited",
        ),
    ]
    if with_cnn:
        docs.insert(0, (CNN_URL, "arabic.cnn.com", "2013-08-04T08:15:00+00:00", "cnn"))
    return docs


@pytest.fixture(scope="module", params=["crawl.warc.gz", "crawl.warc"])
def crawl(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("warc") / request.param
    cnn = CNN_HTML.read_bytes() if CNN_HTML.exists() else None
    write_crawl(path, cnn)
    st = stats()
    docs = list(iter_warc(str(path), ReadConfig(), st))
    return SimpleNamespace(path=path, docs=docs, stats=st, with_cnn=cnn is not None)


def test_warc_ids_outlets_published(crawl):
    got = [(d.id, d.outlet, d.published) for d in crawl.docs]
    assert got == [e[:3] for e in expected_docs(crawl.with_cnn)]


def test_warc_published_source(crawl):
    by_id = {d.id: d for d in crawl.docs}
    assert by_id["https://www.alwaha.example/local/desalination"].extra["published_source"] == "page"
    gold = by_id["https://alwaha.example/economy/gold"]
    assert gold.extra["published_source"] == "fallback"
    assert gold.extra["warc_date"] == "2015-08-12T07:45:00Z"
    assert gold.time_precision == "datetime" and gold.time.utcoffset().total_seconds() == 0
    assert by_id[BOOK_FAIR].time_precision == "day"


def test_warc_text_is_the_article_without_chrome(crawl):
    chrome_of = {"alwaha.example": ALWAHA, "yawm.example": YAWM, "qabas.example": QABAS, "noor.example": NOOR}
    for doc, (_, outlet, _, key) in zip(crawl.docs, expected_docs(crawl.with_cnn), strict=True):
        if key == "cnn":
            assert doc.text.startswith("دمشق، سوريا (CNN)")
            continue
        lines = doc.text.split("\n")
        # Every paragraph decoded and extracted whole (this is also the charset check) ...
        assert [p for p in ARTICLES[key]["paragraphs"] if p not in lines] == [], doc.id
        # ... and nothing of the outlet's menu, ticker, "اقرأ أيضاً" list, sidebar or footer.
        assert [c for c in chrome_of[outlet].phrases() if c in doc.text] == [], doc.id
        assert "\ufffd" not in doc.text


def test_warc_recaptures(crawl):
    by_id = {d.id: d for d in crawl.docs}
    first = by_id[BOOK_FAIR]
    second = by_id[BOOK_FAIR + "#2"]
    third = by_id["http://alwaha.example/culture/book-fair/?utm_source=twitter&utm_medium=social#3"]
    assert "revision_of" not in first.extra
    assert second.extra["revision_of"] == third.extra["revision_of"] == BOOK_FAIR
    assert first.extra["normalized_url"] == second.extra["normalized_url"] == third.extra["normalized_url"]
    assert first.extra["normalized_url"] == "alwaha.example/culture/book-fair"
    assert second.extra["warc_date"] == "2015-08-13T06:00:00Z"
    assert "ألف دار نشر" in second.text and "ألف دار نشر" not in first.text
    assert second.url == BOOK_FAIR


def test_warc_stats_count_every_record(crawl):
    web = crawl.stats.web
    n_cnn = 1 if crawl.with_cnn else 0
    assert web["skipped"] == {
        "non_html": 2,  # PDF, PNG
        "redirect": 2,  # 301, 302
        "error_status": 2,  # 404, 503
        "empty_text": 1,  # the home page's bare menu
        "not_response": 1 + 3 + n_cnn + 1,  # warcinfo, requests, metadata
    }
    assert web["documents"] == len(crawl.docs) == 10 + n_cnn
    assert web["revisions"] == 2
    assert web["responses"] == 10 + n_cnn + 7
    assert web["records"] == web["responses"] + web["skipped"]["not_response"]
    assert web["bytes"] == crawl.path.stat().st_size


def test_warc_extra_and_origin(crawl):
    doc = crawl.docs[-1]
    assert doc.extra["source_file"] == str(crawl.path)
    assert doc.origin.startswith(f"{crawl.path}:")
    assert set(doc.to_json()) >= {
        "id",
        "outlet",
        "published",
        "url",
        "title",
        "text",
        "warc_date",
        "normalized_url",
    }
    json.dumps(doc.to_json(), ensure_ascii=False)


def test_warc_outlet_map(crawl):
    cfg = ReadConfig(outlet_map={"alwaha.example": "alwaha", "alwaha.example/culture": "alwaha-culture"})
    outlets = {d.id: d.outlet for d in iter_warc(str(crawl.path), cfg)}
    assert outlets["https://www.alwaha.example/local/desalination"] == "alwaha"
    assert outlets[BOOK_FAIR] == outlets[BOOK_FAIR + "#2"] == "alwaha-culture"
    assert outlets["http://yawm.example/news/gold-prices"] == "yawm.example"


def test_warc_is_streamed(crawl):
    st = stats()
    docs = iter_warc(str(crawl.path), ReadConfig(), st)
    next(docs)
    assert 0 < st.web["bytes"] < crawl.path.stat().st_size
    docs.close()


def test_recaptures_span_files_of_one_run(tmp_path):
    url = "https://www.alwaha.example/local/desalination"
    for name in ("a.warc.gz", "b.warc.gz"):
        with WarcBuilder(tmp_path / name) as w:
            w.response(url, _page(ALWAHA, "desalination", url=url))
    st = stats()
    ids = [
        d.id for name in ("a.warc.gz", "b.warc.gz") for d in iter_warc(str(tmp_path / name), ReadConfig(), st)
    ]
    assert ids == [url, url + "#2"]
    # An explicit registry does the same without a stats object.
    reg = Captures()
    ids = [
        d.id
        for name in ("a.warc.gz", "b.warc.gz")
        for d in iter_warc(tmp_path / name, ReadConfig(), captures=reg)
    ]
    assert ids == [url, url + "#2"]


def test_stats_are_created_or_extended():
    st = SimpleNamespace(web={"records": 5, "skipped": {"redirect": 1}})
    web = web_stats(st)
    assert web is st.web and web["records"] == 5 and web["skipped"]["redirect"] == 1
    assert web["skipped"]["non_html"] == 0 and web["bytes"] == 0
    assert web_stats(None)["documents"] == 0


def test_undecodable_content_encoding_is_skipped(tmp_path):
    path = tmp_path / "zstd.warc.gz"
    with WarcBuilder(path) as w:
        w.response("https://x.example/z", b"(\xb5/\xfd compressed", headers=[("Content-Encoding", "zstd")])
    st = stats()
    assert list(iter_warc(str(path), ReadConfig(), st)) == []
    assert st.web["skipped"]["unsupported_encoding"] == 1


def test_large_page_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(warc_module, "MAX_PAGE_BYTES", 1000)
    path = tmp_path / "big.warc.gz"
    with WarcBuilder(path) as w:
        w.response("https://x.example/big", _page(ALWAHA, "gold"))
    st = stats()
    assert list(iter_warc(str(path), ReadConfig(), st)) == []
    assert st.web["skipped"]["too_large"] == 1


# ------------------------------------------------------------------------------------- broken WARCs


def _small_crawl(path: Path, n: int = 6) -> None:
    with WarcBuilder(path) as w:
        for i in range(n):
            url = f"https://www.alwaha.example/news/{i}"
            w.response(url, _page(ALWAHA, "desalination", url=url))


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
def test_truncated_warc_names_file_and_record_offset(tmp_path, name):
    path = tmp_path / name
    _small_crawl(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3 + 700])  # inside the fifth record
    docs = []
    with pytest.raises(InputError) as info:
        for doc in iter_warc(str(path), ReadConfig()):
            docs.append(doc)
    err = info.value
    assert err.path == str(path)
    assert err.line is None and isinstance(err.byte, int) and 0 < err.byte < len(data)
    assert str(err).startswith(f"{path}: record at byte {err.byte}: ")  # a byte offset, not a line
    assert "truncated" in err.message or "corrupt" in err.message
    assert len(docs) == 4  # the records before the damage were read


@pytest.mark.parametrize("name", ["t.warc.gz", "t.warc"])
def test_corrupt_warc(tmp_path, name):
    path = tmp_path / name
    _small_crawl(path)
    data = path.read_bytes()
    cut = len(data) // 2
    path.write_bytes(data[:cut] + b"\x00garbage\x00" * 40 + data[cut:])
    with pytest.raises(InputError) as info:
        list(iter_warc(str(path), ReadConfig()))
    assert info.value.path == str(path) and info.value.byte is not None


def test_corrupt_warc_with_skip_invalid_is_counted(tmp_path):
    path = tmp_path / "t.warc.gz"
    _small_crawl(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3 + 700])
    skipped = []
    st = SimpleNamespace(skip=lambda p, line, error: skipped.append((p, line, error)))
    docs = list(iter_warc(str(path), ReadConfig(skip_invalid=True), st))
    assert len(docs) == 4
    assert st.web["skipped"]["invalid"] == 1
    assert len(skipped) == 1 and skipped[0][0] == str(path)
    assert skipped[0][1] is None and skipped[0][2].startswith("record at byte ")
    assert st.web["errors"][0].startswith(f"{path}: record at byte ")


def test_not_a_warc(tmp_path):
    path = tmp_path / "page.warc"
    path.write_text("<html><body>ليس ملف WARC</body></html>", "utf-8")
    with pytest.raises(InputError) as info:
        list(iter_warc(str(path), ReadConfig()))
    assert info.value.byte == 0 and ": record at byte 0: " in str(info.value)


def test_missing_warc(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        list(iter_warc(str(tmp_path / "nope.warc.gz"), ReadConfig()))


# ------------------------------------------------------------------------------------------------ HTML


def test_iter_html_directory(tmp_path):
    (tmp_path / "b").mkdir()
    canonical = "https://www.alwaha.example/local/desalination"
    art = ARTICLES["desalination"]
    (tmp_path / "b" / "page.html").write_text(
        news_page(ALWAHA, art["title"], art["paragraphs"], url=canonical)
    )
    # Same canonical URL saved again later: a recapture.
    (tmp_path / "c.htm").write_text(news_page(ALWAHA, art["title"], art["paragraphs"], url=canonical + "/"))
    # No canonical: the path relative to the directory.
    (tmp_path / "a.html").write_bytes(_page(QABAS, "trees", charset="windows-1256").encode("cp1256"))
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "empty.html").write_text("<html><body></body></html>")
    st = stats()
    docs = list(iter_html(str(tmp_path), ReadConfig(), st))
    assert [d.id for d in docs] == ["a.html", canonical, canonical + "/#2"]
    assert docs[0].outlet == "unknown" and docs[0].url is None
    assert ARTICLES["trees"]["paragraphs"][0] in docs[0].text
    assert docs[1].outlet == "alwaha.example"
    assert docs[2].extra["revision_of"] == canonical
    assert docs[1].extra["source_file"] == str(tmp_path / "b" / "page.html")
    assert st.web["records"] == 4 and st.web["skipped"]["empty_text"] == 1 and st.web["documents"] == 3


def test_iter_html_single_file_and_missing(tmp_path):
    path = tmp_path / "x.html"
    path.write_text(_page(YAWM, "gold"))
    assert [d.id for d in iter_html(str(path), ReadConfig())] == [str(path)]
    with pytest.raises(InputError, match="no such file"):
        list(iter_html(str(tmp_path / "nope.html"), ReadConfig()))


@needs_shared
def test_iter_html_cnn_page():
    (doc,) = iter_html(str(CNN_HTML), ReadConfig())
    assert doc.id == CNN_URL


# ------------------------------------------------------------------------------------ demo builder

DEMO = [
    {
        "id": "rt-1",
        "outlet": "rt",
        "published": "2015-10-21T11:00:00+03:00",
        "title": ARTICLES["desalination"]["title"],
        "text": "\n\n".join(ARTICLES["desalination"]["paragraphs"]),
    },
    {
        "id": "addiyar-7",
        "outlet": "addiyar",
        "published": "2015-10-21T23:00:00+03:00",
        "title": "محطة تحلية جديدة",
        "text": "\n".join(ARTICLES["desalination"]["paragraphs"][:3]),
    },
    {"id": "aggregator-2", "outlet": "aggregator", "text": "\n".join(ARTICLES["gold"]["paragraphs"])},
    {
        "id": "x/1",
        "outlet": "sabq",
        "url": "https://sabq.example/n/1",
        "published": "2015-10-22",
        "text": "\n".join(ARTICLES["trees"]["paragraphs"]),
    },
]


def test_build_demo_warc_round_trip(tmp_path):
    demo = build_demo_warc(tmp_path / "crawl.warc.gz", DEMO)
    st = stats()
    docs = list(iter_warc(str(demo.path), ReadConfig(outlet_map=demo.outlet_map), st))
    assert [d.id for d in docs] == [demo.urls[d["id"]] for d in DEMO]
    assert [d.outlet for d in docs] == [d["outlet"] for d in DEMO]
    assert [d.published for d in docs] == [
        "2015-10-21T11:00:00+03:00",
        "2015-10-21T23:00:00+03:00",
        "2015-08-12T06:00:00+00:00",  # the crawl date
        "2015-10-22",
    ]
    for doc, src in zip(docs, DEMO, strict=True):
        assert doc.text == "\n".join(p for p in src["text"].split("\n") if p.strip())
    assert st.web["skipped"]["redirect"] == 1 and st.web["skipped"]["error_status"] == 1
    assert st.web["skipped"]["non_html"] == 1 and st.web["skipped"]["not_response"] == 1 + len(DEMO)


# ------------------------------------------------------------------------------------ date sources

BODY = "".join(f"<p>{p}</p>" for p in ARTICLES["gold"]["paragraphs"])


@pytest.mark.parametrize(
    ("head", "url", "published", "precision"),
    [
        pytest.param(
            '<meta property="article:published_time" content="2015-08-10T09:30:00+03:00">',
            None,
            "2015-08-10T09:30:00+03:00",
            "datetime",
            id="og_article",
        ),
        pytest.param(
            '<meta itemprop="datePublished" content="2015-08-10T06:30:00Z">',
            None,
            "2015-08-10T06:30:00+00:00",
            "datetime",
            id="itemprop",
        ),
        pytest.param(
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2015-08-10T09:30:00+03:00"}</script>',
            None,
            "2015-08-10T09:30:00+03:00",
            "datetime",
            id="json_ld",
        ),
        pytest.param(
            '<meta name="pubdate" content="2015-08-10 09:30:00">',
            None,
            "2015-08-10T09:30:00+00:00",
            "datetime",
            id="naive_is_utc",
        ),
        pytest.param("", "https://x.example/2015/08/10/gold-prices", "2015-08-10", "day", id="date_in_url"),
        pytest.param(
            "", "https://x.example/gold-prices", "2015-08-12T06:00:00+00:00", "datetime", id="warc_date"
        ),
        pytest.param(
            '<meta property="article:published_time" content="soon">',
            None,
            "2015-08-12T06:00:00+00:00",
            "datetime",
            id="unparsable_meta",
        ),
    ],
)
def test_published_sources(head, url, published, precision):
    page = f"<html><head><title>t</title>{head}</head><body><article>{BODY}</article></body></html>"
    doc = extract_page(page, url or "https://x.example/a", ReadConfig(), fallback_date="2015-08-12T06:00:00Z")
    assert (doc.published, doc.time_precision) == (published, precision)


def test_xhtml_with_xml_declaration():
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>'
        f"</head><body><div>{BODY}</div></body></html>"
    )
    for html in (page, page.encode("utf-8")):
        doc = extract_page(html, "https://x.example/a", ReadConfig())
        assert doc.text.split("\n") == ARTICLES["gold"]["paragraphs"]


def test_control_characters_do_not_lose_the_page():
    body = BODY.replace("ارتفعت", "ارتفعت\x1a", 1)
    page = f"<html><body><article>{body}\x00</article></body></html>"
    doc = extract_page(page, "https://x.example/a", ReadConfig())
    assert doc is not None and doc.text.startswith("ارتفعت أسعار الذهب")


DEMO_CORPUS = Path(__file__).resolve().parents[1] / "data" / "demo.jsonl"


@pytest.mark.skipif(not DEMO_CORPUS.exists(), reason=f"{DEMO_CORPUS} not found")
def test_build_demo_warc_round_trips_the_demo_corpus(tmp_path):
    docs = [json.loads(line) for line in DEMO_CORPUS.read_text("utf-8").splitlines() if line.strip()]
    demo = build_demo_warc(tmp_path / "demo.warc.gz", docs)
    got = {d.id: d for d in iter_warc(str(demo.path), ReadConfig(outlet_map=demo.outlet_map))}
    assert len(got) == len(docs)
    for src in docs:
        doc = got[demo.urls[src["id"]]]
        assert doc.outlet == src["outlet"]
        assert doc.text.split() == src["text"].split(), src["id"]
