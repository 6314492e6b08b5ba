"""The overlap report: its numbers on the demo corpus, the three formats, the picture, the CLI."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import syndetect
from syndetect.config import load_config
from syndetect.detect.corpus import find_pairs
from syndetect.io.readers import read_documents
from syndetect.provenance.groups import group_matches
from syndetect.records import Cluster, Document, Member, Passage
from syndetect.report.data import (
    cluster_color,
    output_paths,
    report_data,
    report_format,
    snippet,
    stories,
    write_report_files,
)
from syndetect.report.html import render_html
from syndetect.report.render import matrix_csv, render_markdown

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def demo():
    cfg = load_config()
    docs = list(read_documents([str(DATA / "demo.jsonl")], cfg.read))
    result = find_pairs(docs, cfg)
    groups = group_matches(result.matches, docs, cfg)
    by_id = {d.id: d for d in docs}
    return by_id, groups, report_data(by_id, groups.clusters, groups.stats())


def _cell(data, row, col):
    m = data["matrix"]
    return m["shares"][m["rows"].index(row)][m["cols"].index(col)]


def test_matrix_rows_are_shares_of_each_outlets_reused_passages(demo):
    _, _, data = demo
    m = data["matrix"]
    assert m["rows"] == ["addiyar", "aggregator", "bbc-arabic"]
    for shares, counts, total in zip(m["shares"], m["counts"], m["totals"], strict=True):
        assert sum(counts) == total
        assert abs(sum(shares) - 1) < 1e-3
    assert _cell(data, "addiyar", "rt-arabic") == 1.0  # Addiyar's reused passages all come from RT
    assert _cell(data, "aggregator", "rt-arabic") > 0.5
    assert "aggregator" not in m["cols"]  # the aggregator is nobody's origin


def test_matrix_is_directional(demo):
    _, _, data = demo
    assert "rt-arabic" not in data["matrix"]["rows"]  # RT reuses nobody...
    assert _cell(data, "addiyar", "rt-arabic") > 0  # ... Addiyar reuses RT


def test_time_lags_per_outlet_pair(demo):
    _, _, data = demo
    lag = next(r for r in data["lags"] if (r["outlet"], r["source"]) == ("addiyar", "rt-arabic"))
    assert lag["median_hours"] == 12.0 and lag["min_hours"] == lag["max_hours"] == 12.0
    agg = next(r for r in data["lags"] if (r["outlet"], r["source"]) == ("aggregator", "afp"))
    assert agg["median_hours"] > 24 * 365 * 3  # the page is from 2019


def test_most_syndicated_passages_come_first_with_their_trees(demo):
    _, _, data = demo
    first = data["passages"][0]
    assert len(first["outlets"]) == 3
    keys = [(-len(p["outlets"]), -p["size"]) for p in data["passages"]]
    assert keys == sorted(keys)
    [root] = first["tree"]
    assert root["parent"] is None and root["rule"] == "origin"
    assert all(child["parent"] == root["doc"] for child in root["children"])


def test_reused_share_per_document(demo):
    docs, _, data = demo
    rows = {r["doc"]: r for r in data["documents"]}
    assert rows["aggregator-1"]["reused_share"] > 0.8  # the page is almost all copies
    assert rows["rt-1"]["reused_share"] == 0 and rows["rt-1"]["reused_by_others_share"] > 0.9
    assert 0 < rows["addiyar-1"]["reused_share"] < 0.3
    assert "other-1" not in rows


def test_views_cover_the_text_and_mark_the_reused_spans(demo):
    docs, _, data = demo
    for view in data["views"]:
        text = docs[view["doc"]].text
        segs = view["segments"]
        assert segs[0]["start"] == 0 and segs[-1]["end"] == len(text)
        assert all(a["end"] == b["start"] for a, b in zip(segs, segs[1:], strict=False))
        for s in segs:
            if "cluster" in s:
                assert s["color"] == cluster_color(int(s["cluster"].split("-")[1]))
    agg = next(v for v in data["views"] if v["doc"] == "aggregator-1")
    marked = sum(s["end"] - s["start"] for s in agg["segments"] if "cluster" in s)
    assert marked > 0.8 * len(docs["aggregator-1"].text)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_rtl_and_responsive(demo):
    _, _, data = demo
    page = render_html(data, b"\x89PNG fake")
    p = _Page()
    p.feed(page)
    html_tag = next(a for t, a in p.tags if t == "html")
    assert (html_tag["lang"], html_tag["dir"]) == ("ar", "rtl")
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in p.tags)
    assert not any(t in ("script", "link", "iframe") for t, _ in p.tags)
    for t, a in p.tags:
        for key in ("src", "href"):
            value = a.get(key)
            if value:
                assert value.startswith(("#", "data:")), f"<{t} {key}={value}> would need the network"
    marks = [a for t, a in p.tags if t == "mark"]
    assert marks
    for a in marks:
        assert a["style"] == f"background-color:{a['data-color']}"
        assert a["data-color"] == cluster_color(int(a["data-cluster"].split("-")[1]))
    ids = [a["id"] for _, a in p.tags if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate anchors"
    for _, a in p.tags:
        if a.get("href", "").startswith("#") and len(a["href"]) > 1:
            assert a["href"][1:] in ids, f"dangling link {a['href']}"


def test_everything_from_the_corpus_is_escaped():
    evil = '<script>alert("x")</script> & "quotes"'
    docs = {
        "a": Document("a", "نص أول " * 30, "<b>outlet</b>", "2015-01-01", title=evil),
        "b": Document("b", "نص أول " * 30, "o2", "2015-01-02"),
    }
    from syndetect.records import Cluster, Member, Passage

    c = Cluster(
        "c-000001",
        (
            Member(Passage("a", 0, 50), rule="origin"),
            Member(Passage("b", 0, 50), "a", 1.0, 24.0, "earlier", False),
        ),
        Passage("a", 0, 50),
    )
    page = render_html(report_data(docs, [c]))
    assert "<script>" not in page and "<b>outlet</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;outlet&lt;/b&gt;" in page


@pytest.mark.parametrize(
    "name,fmt",
    [("r.html", "html"), ("r.HTM", "html"), ("r.md", "md"), ("r.json", "json")],
    ids=["html", "htm", "md", "json"],
)
def test_format_follows_the_extension(name, fmt):
    assert report_format(name) == fmt


def test_an_unknown_extension_is_refused():
    with pytest.raises(ValueError, match="unknown report format '.txt'"):
        report_format("report.txt")


def test_files_written_beside_the_report(demo, tmp_path):
    _, _, data = demo
    for name in ("report.html", "report.md", "report.json"):
        out = tmp_path / name
        files = write_report_files(out, data)
        assert files == list(output_paths(out))
        assert [f.name for f in files] == [name, "report.png", "report.matrix.csv"]
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.reader((tmp_path / "report.matrix.csv").open(encoding="utf-8")))
    assert rows[0] == ["outlet", *data["matrix"]["cols"], "reused_passages", "self_reused", "self_share"]
    assert [r[0] for r in rows[1:]] == data["matrix"]["rows"]
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["matrix"] == data["matrix"]
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "![outlet matrix heatmap](report.png)" in md and "| addiyar |" in md
    html_text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert re.search(r'<img class="heatmap" src="data:image/png;base64,[A-Za-z0-9+/=]{100,}"', html_text)


def test_markdown_lists_copy_trees(demo):
    _, _, data = demo
    md = render_markdown(data)
    assert "- `rt-1` (rt-arabic" in md and "  - `addiyar-1` (addiyar" in md


def test_the_demo_writes_the_report(tmp_path):
    cfg = load_config()
    docs = list(read_documents([str(DATA / "demo.jsonl")], cfg.read))
    run = syndetect.run(docs, cfg)
    run.write_demo(tmp_path)
    for name in ("report.html", "report.png", "report.matrix.csv", "clusters.jsonl", "pairs.jsonl"):
        assert (tmp_path / name).exists(), name
    stats = json.loads((tmp_path / "run.stats.json").read_text(encoding="utf-8"))["stats"]
    assert stats["clusters"] == len(run.clusters)
    assert {"revisions", "boilerplate", "credited_edges", "rules"} <= set(stats)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("syndetect")
    return subprocess.run([str(exe), "--quiet", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_cli_report(tmp_path):
    run = _cli("report", str(DATA / "demo.jsonl"), "-o", "r.html", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (
        (tmp_path / "r.html").exists()
        and (tmp_path / "r.png").exists()
        and (tmp_path / "r.matrix.csv").exists()
    )
    meta = json.loads((tmp_path / "r.html.stats.json").read_text(encoding="utf-8"))
    assert meta["stats"]["clusters"] >= 8


def test_cli_report_refuses_an_unknown_format(tmp_path):
    run = _cli("report", str(DATA / "demo.jsonl"), "-o", "r.txt", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip() == "error: r.txt: unknown report format '.txt'; use .html, .md or .json"
    assert not (tmp_path / "r.txt").exists()


def test_cli_report_help_has_an_example():
    run = _cli("report", "--help", cwd=ROOT)
    assert run.returncode == 0 and "Example: syndetect report data/demo.jsonl -o report.html" in run.stdout


# ------------------------------------------------------------------ planted reports (no detection run)


def _group(cid: str, spans: list[tuple[str, int, int]], docs: dict[str, Document]) -> Cluster:
    """A group whose first span is the origin; lags from the documents' times."""
    first = spans[0][0]
    members = [Member(Passage(*spans[0]), rule="origin")]
    for doc, s, e in spans[1:]:
        lag = (docs[doc].time - docs[first].time).total_seconds() / 3600
        members.append(Member(Passage(doc, s, e), first, 0.9, round(lag, 2), "earlier", False))
    return Cluster(cid, tuple(members), Passage(*spans[0]))


LEAD = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة جدة بسعة خمسمائة سرير لخدمة سكان المنطقة"
MIDDLE = "وقال المتحدث الرسمي باسم الوزارة إن المستشفى يضم أقساما للطوارئ والعناية المركزة والأطفال والنساء"
LAST = "ومن المتوقع أن يبدأ المستشفى استقبال المرضى مطلع الشهر المقبل بعد اكتمال تجهيز جميع الأقسام"
OTHER = (
    "فاز المنتخب الوطني لكرة القدم على نظيره في المباراة الودية التي أقيمت مساء أمس في الرياض بثلاثة أهداف"
)


def _article(doc_id: str, outlet: str, published: str, title: str | None = None) -> Document:
    return Document(doc_id, f"{LEAD}. {MIDDLE}. {LAST}.", outlet, published, title=title)


@pytest.fixture
def planted():
    """One story (three paragraphs, each its own group) in four outlets, and one other story."""
    docs = {
        "w": _article("w", "wire", "2015-07-21T10:00:00+00:00"),
        "x": _article("x", "x-daily", "2015-07-21T12:00:00+00:00"),
        "y": _article("y", "y-news", "2015-07-21T13:00:00+00:00"),
        # a crawl time before the wire's: a negative lag
        "z": _article(
            "z",
            "z-post",
            "2015-07-21T01:30:00+00:00",
            title="&#8220;مستشفى جديد&#8221; &amp;amp; &lt;marquee&gt;",
        ),
        "s1": Document("s1", OTHER, "sport", "2015-07-21T09:00:00+00:00"),
        "s2": Document("s2", OTHER, "x-daily", "2015-07-21T11:00:00+00:00"),
        "s3": Document("s3", OTHER, "sport", "2015-07-21T15:00:00+00:00"),
    }
    a, b = 0, len(LEAD)
    m0 = docs["w"].text.index(MIDDLE)
    l0 = docs["w"].text.index(LAST)
    story = ["w", "x", "y", "z"]
    clusters = [
        _group("c-000001", [(d, a, b) for d in story], docs),
        _group("c-000002", [(d, m0, m0 + len(MIDDLE)) for d in story], docs),
        _group("c-000003", [(d, l0, l0 + len(LAST)) for d in story[:3]], docs),
        _group("c-000004", [(d, 0, len(OTHER)) for d in ("s1", "s2", "s3")], docs),
    ]
    return docs, clusters


def test_top_list_has_one_entry_per_story(planted):
    docs, clusters = planted
    data = report_data(docs, clusters)
    entries = [(p["cluster"], p["story"]["clusters"]) for p in data["passages"]]
    assert entries == [("c-000001", ["c-000001", "c-000002", "c-000003"]), ("c-000004", ["c-000004"])]
    first = data["passages"][0]["story"]
    assert (first["documents"], first["outlets"]) == (4, 4)
    page = render_html(data)
    assert page.count('<article class="cluster"') == 2
    assert 'id="c-000002"' in page and 'id="c-000003"' in page, "the story's other groups keep an anchor"


def test_top_list_leaves_out_stock_phrases_and_boilerplate(planted):
    docs, clusters = planted
    stock = {LEAD}  # as if the story's lead were a formula found in every document

    def specific(text: str) -> frozenset:
        w = text.split()
        return frozenset() if text in stock else frozenset(zip(w, w[1:], w[2:], strict=False))

    ids = [[c.id for c in story] for story in stories(clusters, docs, specific)]
    assert ids == [["c-000002", "c-000003"], ["c-000004"]]

    class Boiler:
        def share(self, doc, start, end):
            return 1.0 if doc.startswith("s") else 0.0

    ids = [[c.id for c in story] for story in stories(clusters, docs, None, Boiler())]
    assert ids == [["c-000001", "c-000002", "c-000003"]]


TITLES = "خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود وولي عهده الأمين وولي ولي العهد"


def test_members_sharing_only_a_stock_phrase_do_not_carry_a_passage():
    """A formula (royal titles) chains five unrelated articles into a group whose origin passage is a
    real story's: they drop out of its entry, and the story reprinted by two outlets ranks first."""
    words = TITLES.split()
    title_grams = set(zip(words, words[1:], words[2:], strict=False))

    def specific(text: str) -> frozenset:
        w = text.split()
        return frozenset(set(zip(w, w[1:], w[2:], strict=False)) - title_grams)

    docs = {"o": Document("o", f"{TITLES} {MIDDLE}", "wire", "2015-07-21T08:00:00+00:00")}
    docs |= {f"r{k}": Document(f"r{k}", MIDDLE, f"re-{k}", "2015-07-21T09:00:00+00:00") for k in (1, 2)}
    for k in range(5):  # each its own story, opening with the formula
        docs[f"f{k}"] = Document(
            f"f{k}", f"{TITLES} {OTHER} {k}", f"formula-{k}", "2015-07-21T10:00:00+00:00"
        )
    whole = (0, len(docs["o"].text))
    formula = _group("c-000001", [("o", *whole)] + [(f"f{k}", 0, len(TITLES)) for k in range(5)], docs)
    m0 = docs["o"].text.index(MIDDLE)
    story = _group(
        "c-000002", [("o", m0, m0 + len(MIDDLE))] + [(f"r{k}", 0, len(MIDDLE)) for k in (1, 2)], docs
    )
    data = report_data(docs, [formula, story], specific=specific)
    assert [p["cluster"] for p in data["passages"]] == ["c-000002"], "c-000001 has no carrier but its origin"
    # with the formula's words counted as specific, the formula group is the most syndicated
    data = report_data(docs, [formula, story])
    first = data["passages"][0]
    assert (first["cluster"], first["size"], first["left_out"]) == ("c-000001", 6, 0)
    # one formula member carries a real part of the origin passage: it alone stays, under the origin
    docs["f0"] = Document("f0", f"{TITLES} {MIDDLE}", "formula-0", "2015-07-21T10:00:00+00:00")
    formula = _group(
        "c-000001", [("o", *whole), ("f0", *whole)] + [(f"f{k}", 0, len(TITLES)) for k in range(1, 5)], docs
    )
    data = report_data(docs, [formula, story], specific=specific)
    entry = next(p for p in data["passages"] if p["cluster"] == "c-000001")
    assert (entry["size"], entry["left_out"], entry["outlets"]) == (2, 4, ["wire", "formula-0"])
    assert [n["doc"] for n in entry["tree"]] == ["o"] and [
        n["doc"] for n in entry["tree"][0]["children"]
    ] == ["f0"]
    page = render_html(data)
    assert '<bdi class="num" dir="ltr">4</bdi> أعضاء آخرون' in page
    assert "4 more members of the group share only stock phrases" in render_markdown(data)


def test_top_list_passages_are_cut_at_word_edges():
    text = "قال الوزير إن الخطة الجديدة ستطبق في جميع المدن والمحافظات بدءا من مطلع العام المقبل"
    docs = {
        "a": Document("a", text, "o1", "2015-07-21T10:00:00+00:00"),
        "b": Document("b", text, "o2", "2015-07-21T11:00:00+00:00"),
    }
    start = text.index("الوزير") + 2  # inside a word
    c = _group("c-000001", [("a", start, len(text) - 3), ("b", start, len(text) - 3)], docs)
    [entry] = report_data(docs, [c])["passages"]
    assert entry["origin"]["text"] == text[text.index("الوزير") :]
    assert (entry["origin"]["start"], entry["origin"]["end"]) == (start, len(text) - 3), "offsets as given"
    assert snippet(text, 20) == "قال الوزير إن الخطة…"
    for limit in range(8, len(text)):
        cut = snippet(text, limit)
        assert len(cut) <= limit and text.startswith(cut[:-1]) and text[len(cut) - 1] == " "


def test_signed_numbers_are_isolated_in_right_to_left_text(planted):
    docs, clusters = planted
    data = report_data(docs, clusters)
    lag = next(r for r in data["lags"] if r["outlet"] == "z-post")
    assert lag["min_hours"] == -8.5
    page = render_html(data)
    assert '<bdi class="num" dir="ltr">-8.5</bdi>' in page  # the copy tree's lag chip
    assert '<bdi class="num" dir="ltr">-8.5 – -8.5</bdi>' in page  # the lag table's range
    bare = re.sub(r'<bdi class="num" dir="ltr">[^<]*</bdi>', "", page)
    assert not re.search(r">[^<]*-8\.5", bare), "a negative number outside an isolate"
    md = render_markdown(data)
    assert "\u2066-8.5\u2069" in md and "lag \u2066-8.5\u2069 h" in md
    assert not re.search(r"(?<!\u2066)-8\.5", md)


def test_a_share_under_one_percent_reads_left_to_right():
    """One row with 250 passages from one outlet and 1 from another: that cell shows "<1%", isolated (in
    right-to-left text a bare "<" would be drawn right of the number, mirrored: "1%>")."""
    docs = {}
    clusters = []
    for k in range(251):
        src = "big" if k < 250 else "small"
        docs[f"o{k}"] = Document(f"o{k}", f"{OTHER} {k}", src, "2015-07-21T08:00:00+00:00")
        docs[f"c{k}"] = Document(f"c{k}", f"{OTHER} {k}", "copier", "2015-07-21T09:00:00+00:00")
        n = len(docs[f"o{k}"].text)
        clusters.append(_group(f"c-{k + 1:06d}", [(f"o{k}", 0, n), (f"c{k}", 0, n)], docs))
    data = report_data(docs, clusters)
    m = data["matrix"]
    assert m["counts"][m["rows"].index("copier")][m["cols"].index("small")] == 1
    page = render_html(data)
    assert '<bdi class="num" dir="ltr">&lt;1%</bdi>' in page
    assert not re.search(r">&lt;1%", re.sub(r'<bdi class="num" dir="ltr">&lt;1%</bdi>', "", page))


def test_titles_decoded_once_and_still_escaped(planted):
    docs, clusters = planted
    data = report_data(docs, clusters)
    [row] = [r for r in data["documents"] if r["doc"] == "z"]
    assert row["title"] == "“مستشفى جديد” &amp; <marquee>"
    page = render_html(data)
    assert "“مستشفى جديد” &amp;amp; &lt;marquee&gt;" in page
    assert "&#8220;" not in page and "&amp;#8220;" not in page and "<marquee>" not in page
    md = render_markdown(data)
    assert "“مستشفى جديد” &amp;amp; &lt;marquee&gt;" in md and "<marquee>" not in md


def test_self_reuse_is_counted_apart(planted):
    docs, clusters = planted
    data = report_data(docs, clusters)
    m = data["matrix"]
    row = m["rows"].index("sport")
    assert m["self"][row] == 1 and m["totals"][row] == 0  # s3 reuses s1: sport from sport
    assert "sport" in m["cols"]  # x-daily's copy of s1 has sport as origin
    assert all(
        m["counts"][i][j] == 0 for i, a in enumerate(m["rows"]) for j, b in enumerate(m["cols"]) if a == b
    )
    assert all(r["outlet"] != r["source"] for r in data["lags"])
    assert [(r["outlet"], r["source"]) for r in data["self_lags"]] == [("sport", "sport")]
    assert '<td class="self"><bdi class="num" dir="ltr">1 (100%)</bdi></td>' in render_html(data)


def test_markdown_and_csv_keep_corpus_text_inert():
    evil = '<script>alert("x")</script>'
    docs = {
        "<img src=x onerror=alert(1)>": Document(
            "<img src=x onerror=alert(1)>", "نص أول " * 30 + evil, "=HYPERLINK(1)", "2015-01-01", title=evil
        ),
        "b": Document("b", "نص أول " * 30 + evil, "@SUM(A1)", "2015-01-02", title="&lt;script&gt;"),
        "c": Document("c", "نص أول " * 30 + evil, "-2+3", "2015-01-03"),
    }
    first = "<img src=x onerror=alert(1)>"
    c = _group("c-000001", [(d, 0, len(docs[d].text)) for d in (first, "b", "c")], docs)
    data = report_data(docs, [c])
    for text in (render_markdown(data), render_html(data)):
        assert "<script" not in text and "<img" not in text
    rows = list(csv.reader(matrix_csv(data).splitlines()))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(1)" in cells and "'@SUM(A1)" in cells and "'-2+3" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_run_stats_time_every_stage(tmp_path):
    run = syndetect.run(str(DATA / "demo.jsonl"))
    stats = run.write_report(tmp_path / "r.html")
    seconds = stats["seconds"]
    assert {"read", "features", "candidates", "verify", "direct", "group", "write", "total"} <= set(seconds)
    stages = sum(v for k, v in seconds.items() if k != "total")
    assert stages <= seconds["total"] + 0.01
