"""syndetect.io.readers: every input format read as the contract says, every bad record named by file:line."""

from __future__ import annotations

import gzip
import io
import json
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from syndetect.config import ReadConfig
from syndetect.io.errors import InputError
from syndetect.io.readers import ReadStats, outlet_from_url, parse_published, read_documents

AR = "قال رئيس الوزراء إن الحكومة ستعلن خطة جديدة"


def _jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _write(path, content: str | bytes):
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return str(path)


def _read(*paths, **cfg) -> list:
    return list(read_documents([str(p) for p in paths], ReadConfig(**cfg)))


def _error(*paths, **cfg) -> str:
    with pytest.raises(InputError) as info:
        _read(*paths, **cfg)
    return str(info.value)


# ------------------------------------------------------------------------------------------ JSONL


def test_jsonl_fields(tmp_path):
    path = _write(
        tmp_path / "news.jsonl",
        _jsonl(
            {
                "id": "rt-1",
                "text": AR,
                "outlet": "rt",
                "published": "2015-10-21T11:00:00+03:00",
                "url": "https://arabic.rt.com/news/1",
                "title": "عنوان",
                "author": "واس",
                "tags": ["سياسة", 1],
            },
            {"id": "x-2", "text": ""},
        ),
    )
    a, b = _read(path)
    assert a.id == "rt-1" and a.text == AR and a.outlet == "rt" and a.title == "عنوان"
    assert a.published == "2015-10-21T11:00:00+03:00"
    assert a.time == datetime(2015, 10, 21, 8, 0, tzinfo=UTC) and a.time_precision == "datetime"
    assert a.extra == {"author": "واس", "tags": ["سياسة", 1]}
    assert a.origin == f"{path}:1"
    assert a.to_json()["author"] == "واس"
    assert (b.id, b.text, b.outlet, b.published, b.time, b.url) == ("x-2", "", "unknown", None, None, None)
    assert b.origin == f"{path}:2"


def test_jsonl_gz(tmp_path):
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(_jsonl({"id": "a", "text": AR}, {"id": "b", "text": "نص"}))
    assert [d.id for d in _read(path)] == ["a", "b"]


def test_json_extension_is_json_lines(tmp_path):
    path = _write(tmp_path / "news.json", _jsonl({"id": "a", "text": AR}))
    assert [d.id for d in _read(path)] == ["a"]


def test_json_array_gets_a_hint(tmp_path):
    path = _write(tmp_path / "news.json", '[{"id": "a", "text": "x"}]\n')
    assert _error(path) == (
        f"{path}:1: expected a JSON object, got an array (.json input is read as JSON Lines: one object per line)"
    )


def test_bom_crlf_and_blank_lines(tmp_path):
    body = '{"id": "a", "text": "سطر"}\r\n\r\n   \r\n{"id": "b", "text": "ثان"}\r\n'
    path = _write(tmp_path / "win.jsonl", b"\xef\xbb\xbf" + body.encode("utf-8"))
    docs = _read(path)
    assert [(d.id, d.text) for d in docs] == [("a", "سطر"), ("b", "ثان")]
    assert docs[1].origin == f"{path}:4"


def test_empty_file_gives_no_documents(tmp_path):
    stats = ReadStats()
    assert list(read_documents([_write(tmp_path / "empty.jsonl", "")], stats=stats)) == []
    assert stats.read == 0 and stats.skipped == []


def test_stdin(tmp_path, monkeypatch):
    data = _jsonl({"id": "a", "text": AR}).encode("utf-8") + b'{"id": "b"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    docs = read_documents(["-"])
    assert next(docs).origin == "<stdin>:1"
    with pytest.raises(InputError, match=r'^<stdin>:2: missing "text"$'):
        next(docs)


def test_date_alias_and_precision(tmp_path):
    path = _write(
        tmp_path / "d.jsonl",
        _jsonl(
            {"id": "a", "text": "x", "date": "2015-07-21 02:51:32"},
            {"id": "b", "text": "x", "published": "2015-07-21"},
            {"id": "c", "text": "x", "published": "2015-07-21T09:00:00Z", "date": "crawl day"},
        ),
    )
    a, b, c = _read(path)
    assert a.published == "2015-07-21 02:51:32" and "date" not in a.extra
    assert a.time == datetime(2015, 7, 21, 2, 51, 32, tzinfo=UTC) and a.time_precision == "datetime"
    assert b.time == datetime(2015, 7, 21, tzinfo=UTC) and b.time_precision == "day"
    assert c.published == "2015-07-21T09:00:00Z" and c.extra == {"date": "crawl day"}


def test_outlet_from_url_field(tmp_path):
    path = _write(
        tmp_path / "u.jsonl",
        _jsonl(
            {"id": "a", "text": "x", "url": "https://www.aawsat.com/home/article/1"},
            {"id": "b", "text": "x", "url": "http://arabic.cnn.com/middleeast/2013/x"},
            {"id": "c", "text": "x", "url": "https://www.aawsat.com/a", "outlet": "aawsat"},
        ),
    )
    docs = _read(path, outlet_map={"arabic.cnn.com/middleeast": "cnn-me"})
    assert [d.outlet for d in docs] == ["aawsat.com", "cnn-me", "aawsat"]


# --------------------------------------------------------------------------------- bad JSONL records

BAD_RECORDS = [
    ('{"id": "a", "text": "x"', "malformed JSON (Expecting ',' delimiter at column 24)", "malformed_json"),
    ('"just a string"', "expected a JSON object, got a string", "not_an_object"),
    ("[1, 2]", "expected a JSON object, got an array", "array"),
    ('{"text": "x"}', 'missing "id"', "missing_id"),
    ('{"id": "a"}', 'missing "text"', "missing_text"),
    ('{"id": 17, "text": "x"}', '"id" must be a string, got the number 17 (write it in quotes)', "int_id"),
    ('{"id": "", "text": "x"}', '"id" is empty', "empty_id"),
    ('{"id": "a", "text": null}', '"text" must be a string, got null', "null_text"),
    ('{"id": "a", "text": ["x"]}', '"text" must be a string, got an array', "list_text"),
    (
        '{"id": "a", "text": "x", "outlet": 5}',
        '"outlet" must be a string, got the number 5 (write it in quotes)',
        "outlet",
    ),
    ('{"id": "a", "text": "x", "url": true}', '"url" must be a string, got a boolean (true)', "url"),
    (
        '{"id": "a", "text": "x", "published": "21/10/2015"}',
        'bad "published" date "21/10/2015" (expected ISO 8601, e.g. 2015-10-21 or 2015-10-21T11:00:00+03:00)',
        "bad_date",
    ),
    (
        '{"id": "a", "text": "x", "date": "yesterday"}',
        'bad "date" date "yesterday" (expected ISO 8601, e.g. 2015-10-21 or 2015-10-21T11:00:00+03:00)',
        "bad_date_alias",
    ),
    (
        '{"id": "a", "text": "x", "published": 1445414400}',
        '"published" must be a string, got the number 1445414400 (write it in quotes)',
        "epoch",
    ),
]


@pytest.mark.parametrize("line, message", [r[:2] for r in BAD_RECORDS], ids=[r[2] for r in BAD_RECORDS])
def test_bad_record_is_named_by_file_and_line(tmp_path, line, message):
    path = _write(tmp_path / "news.jsonl", _jsonl({"id": "ok", "text": AR}) + "\n" + line + "\n")
    assert _error(path) == f"{path}:3: {message}"


def test_invalid_utf8_names_the_line(tmp_path):
    path = _write(
        tmp_path / "bad.jsonl", _jsonl({"id": "a", "text": "x"}).encode() + b'{"id": "b", "text": "\xff"}\n'
    )
    assert _error(path) == f"{path}:2: invalid UTF-8 (byte 0xff at column 22)"


def test_duplicate_id_across_files(tmp_path):
    one = _write(tmp_path / "one.jsonl", _jsonl({"id": "a", "text": "x"}, {"id": "b", "text": "y"}))
    two = _write(tmp_path / "two.jsonl", _jsonl({"id": "c", "text": "x"}, {"id": "b", "text": "z"}))
    assert _error(one, two) == f'{two}:2: duplicate id "b" (first seen at {one}:2)'


def test_skip_invalid_counts_and_lists(tmp_path):
    one = _write(tmp_path / "one.jsonl", _jsonl({"id": "a", "text": "x"}) + '{"id": "b"}\nnot json\n')
    two = _write(tmp_path / "two.jsonl", _jsonl({"id": "a", "text": "again"}, {"id": "c", "text": "y"}))
    stats = ReadStats()
    docs = list(read_documents([one, two], ReadConfig(skip_invalid=True), stats))
    assert [d.id for d in docs] == ["a", "c"] and docs[0].text == "x"
    assert stats.read == 2
    assert stats.skipped == [
        {"file": one, "line": 2, "error": 'missing "text"'},
        {"file": one, "line": 3, "error": "malformed JSON (Expecting value at column 1)"},
        {"file": two, "line": 1, "error": f'duplicate id "a" (first seen at {one}:1)'},
    ]
    out = stats.to_json()
    assert out["read"] == 2 and out["skipped"] == 3 and out["skipped_records"] == stats.skipped


# ------------------------------------------------------------------------------------- file errors


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.jsonl")
    assert _error(path) == f"{path}: no such file or directory"


def test_unknown_extension(tmp_path):
    path = _write(tmp_path / "news.xml", "<x/>")
    assert _error(path).startswith(f"{path}: unknown input format (expected JSON Lines")


def test_inputs_are_checked_before_reading(tmp_path):
    good = _write(tmp_path / "good.jsonl", _jsonl({"id": "a", "text": "x"}))
    with pytest.raises(InputError, match="no such file"):
        read_documents([good, str(tmp_path / "typo.jsonl")])  # raises at the call, before any reading


def test_bad_gzip(tmp_path):
    path = _write(tmp_path / "news.jsonl.gz", b"not gzip at all\n")
    assert _error(path).startswith(f"{path}:1: not a valid gzip file")


# ------------------------------------------------------------------------------------------------ CSV


def test_csv_arabic_quotes_newlines(tmp_path):
    content = (
        "id,text,outlet,date,url,author\r\n"
        'q1,"قال: ""نعم""، ثم\r\nمضى",,2015-10-21,https://www.alriyadh.com/1,واس\r\n'
        "q2,نص قصير,sabq,,,\r\n"
    )
    path = _write(tmp_path / "news.csv", b"\xef\xbb\xbf" + content.encode("utf-8"))
    a, b = _read(path)
    assert a.id == "q1" and a.text == 'قال: "نعم"، ثم\r\nمضى'
    assert a.outlet == "alriyadh.com" and a.published == "2015-10-21" and a.time_precision == "day"
    assert a.extra == {"author": "واس"} and a.origin == f"{path}:2"
    assert (b.id, b.outlet, b.published, b.url) == ("q2", "sabq", None, None)
    assert b.origin == f"{path}:4"  # the line the record starts on, after q1's embedded newline


@pytest.mark.parametrize(
    "content, message",
    [
        ("id,text\na,x\n,y\n", '3: "id" is empty'),
        ("id,text\na,x\nb,y,z\n", "3: the record has 3 fields, the header 2"),
        ("id,body\na,x\n", '1: no "text" column in the CSV header (columns: id, body)'),
        ('id,text\na,x\nb,"unclosed\n', "3: malformed CSV (unexpected end of data)"),
        (
            "id,text,published\na,x,soon\n",
            '2: bad "published" date "soon" (expected ISO 8601, e.g. 2015-10-21 or 2015-10-21T11:00:00+03:00)',
        ),
    ],
    ids=["empty_id", "extra_field", "no_text_column", "unclosed_quote", "bad_date"],
)
def test_csv_errors(tmp_path, content, message):
    path = _write(tmp_path / "news.csv", content)
    assert _error(path) == f"{path}:{message}"


def test_csv_invalid_utf8(tmp_path):
    path = _write(tmp_path / "news.csv", b'id,text\na,x\nb,"ok\nbad \xfe"\n')
    assert _error(path) == f'{path}:4: invalid UTF-8 in "text" (byte 0xfe at character 8)'


def test_csv_empty_file(tmp_path):
    assert _read(_write(tmp_path / "news.csv", "")) == []


# ------------------------------------------------------------------------------------ text directory


def test_txt_directory_nested_sorted(tmp_path):
    root = tmp_path / "corpus"
    (root / "b" / "deep").mkdir(parents=True)
    _write(root / "z.txt", "آخر")
    _write(root / "b" / "deep" / "one.txt", b"\xef\xbb\xbf" + "أول\r\nسطر".encode())
    _write(root / "a.txt", "")
    _write(root / "notes.md", "ignored")
    _write(root / ".hidden.txt", "ignored")
    stats = ReadStats()
    docs = list(read_documents([str(root)], stats=stats))
    assert [(d.id, d.text, d.outlet) for d in docs] == [
        ("a.txt", "", "unknown"),
        ("b/deep/one.txt", "أول\r\nسطر", "unknown"),
        ("z.txt", "آخر", "unknown"),
    ]
    assert stats.ignored_files == 2 and stats.read == 3


def test_txt_directory_with_jsonl_inside(tmp_path):
    root = tmp_path / "mixed"
    root.mkdir()
    _write(root / "a.txt", "نص")
    _write(root / "more.jsonl", _jsonl({"id": "j1", "text": "x"}))
    _write(root / "meta.json", '{"not": "read"}')
    assert [d.id for d in _read(root)] == ["a.txt", "j1"]


def test_txt_invalid_utf8(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    path = _write(root / "x.txt", b"line one\nline \xc3\x28 two\n")
    assert _error(root) == f"{path}:2: invalid UTF-8 (byte 0xc3)"


def test_two_text_directories_collide(tmp_path):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        _write(tmp_path / name / "a.txt", name)
    first = str(tmp_path / "one" / "a.txt")
    assert _error(tmp_path / "one", tmp_path / "two") == (
        f'{tmp_path / "two" / "a.txt"}: duplicate id "a.txt" (first seen at {first})'
    )


# ------------------------------------------------------------------------------ dates and outlets

DATES = [
    ("2015-10-21", datetime(2015, 10, 21, tzinfo=UTC), "day", "date_only"),
    (
        "2015-10-21T11:00:00+03:00",
        datetime(2015, 10, 21, 11, tzinfo=timezone(timedelta(hours=3))),
        "datetime",
        "offset",
    ),
    ("2015-10-21T11:00:00Z", datetime(2015, 10, 21, 11, tzinfo=UTC), "datetime", "zulu"),
    ("2015-10-21 11:00", datetime(2015, 10, 21, 11, tzinfo=UTC), "datetime", "naive_is_utc"),
    (" 20151021 ", datetime(2015, 10, 21, tzinfo=UTC), "day", "basic_format"),
]


@pytest.mark.parametrize("value, moment, precision", [d[:3] for d in DATES], ids=[d[3] for d in DATES])
def test_parse_published(value, moment, precision):
    got, prec = parse_published(value)
    assert got == moment and got.utcoffset() == moment.utcoffset() and prec == precision


@pytest.mark.parametrize("value", ["", "yesterday", "21/10/2015", "2015-13-01", "2015-10"])
def test_parse_published_rejects(value):
    with pytest.raises(ValueError):
        parse_published(value)


OUTLETS = [
    ("https://www.aawsat.com/home/1", {}, "aawsat.com", "strip_www"),
    ("http://WWW.Alriyadh.COM:8080/x", {}, "alriyadh.com", "case_and_port"),
    ("https://arabic.cnn.com/x", {"arabic.cnn.com": "cnn"}, "cnn", "host_map"),
    ("https://www.arabic.cnn.com/x", {"https://arabic.cnn.com/": "cnn"}, "cnn", "map_key_normalized"),
    (
        "https://arabic.cnn.com/middleeast/2013/a",
        {
            "arabic.cnn.com": "cnn",
            "arabic.cnn.com/middleeast": "cnn-me",
            "arabic.cnn.com/middleeast/2013": "cnn-13",
        },
        "cnn-13",
        "longest_prefix",
    ),
    (
        "https://arabic.cnn.com/middleeastern/a",
        {"arabic.cnn.com/middleeast": "cnn-me"},
        "arabic.cnn.com",
        "segments",
    ),
    ("no url here", {}, None, "no_host"),
]


@pytest.mark.parametrize("url, mapping, outlet", [o[:3] for o in OUTLETS], ids=[o[3] for o in OUTLETS])
def test_outlet_from_url(url, mapping, outlet):
    assert outlet_from_url(url, mapping) == outlet


def test_web_inputs_go_to_syndetect_io_web(tmp_path, monkeypatch):
    """HTML and WARC are delegated; a later capture of a URL already read gets ``#2``."""
    import types

    from syndetect.records import Document

    calls = []

    def iter_html(path, cfg, stats=None):
        calls.append(("html", path))
        yield Document(id="https://x.com/a", text="أ", url="https://x.com/a", origin=path)

    def iter_warc(path, cfg, stats):
        calls.append(("warc", path))
        yield Document(id="https://x.com/a", text="ب", url="https://x.com/a", origin=path)

    fake = types.ModuleType("syndetect.io.web")
    fake.iter_html, fake.iter_warc = iter_html, iter_warc
    monkeypatch.setitem(sys.modules, "syndetect.io.web", fake)
    import syndetect.io

    monkeypatch.setattr(syndetect.io, "web", fake, raising=False)
    page = _write(tmp_path / "page.html", "<html/>")
    warc = _write(tmp_path / "crawl.warc.gz", b"")
    docs = _read(page, warc)
    assert calls == [("html", page), ("warc", warc)]
    assert [d.id for d in docs] == ["https://x.com/a", "https://x.com/a#2"]


CNN = Path(__file__).resolve().parents[2] / "shared" / "data" / "html" / "cnn-arabic-2013-syria-clashes.html"


@pytest.mark.skipif(not CNN.exists(), reason="needs ../shared/data/html")
def test_real_html_and_warc_in_one_run(tmp_path):
    """A directory with a page and a text, then a WARC holding the same page: one corpus, ``#2`` for the recapture."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    root = tmp_path / "site"
    root.mkdir()
    page = CNN.read_bytes()
    (root / "page.html").write_bytes(page)
    _write(root / "note.txt", "ملاحظة")
    warc = tmp_path / "crawl.warc.gz"
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        url = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(page), http_headers=headers)
        writer.write_record(record)
    stats = ReadStats()
    docs = list(read_documents([str(root), str(warc)], stats=stats))
    assert [d.id for d in docs] == ["note.txt", url, url + "#2"]
    assert docs[1].outlet == "arabic.cnn.com" and "الجيش الحر" in docs[1].text
    assert stats.read == 3 and stats.to_json()["web"]["documents"] == 2
