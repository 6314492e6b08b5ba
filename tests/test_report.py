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
from syndetect.records import Document
from syndetect.report.data import cluster_color, output_paths, report_data, report_format, write_report_files
from syndetect.report.html import render_html
from syndetect.report.render import render_markdown

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
    assert rows[0] == ["outlet", *data["matrix"]["cols"], "reused_passages"]
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
