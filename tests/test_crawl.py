"""A crawl: the demo corpus as web pages with site chrome in a WARC finds the same reuse as the JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndetect.config import load_config, with_overrides
from syndetect_cli.app import _register, app
from tests.warc_fixtures import build_demo_warc

_register()
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.jsonl"


def _norm_words(text: str) -> list[str]:
    from syndetect.text.normalize import words

    return words(text)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    docs = [json.loads(x) for x in DEMO.read_text(encoding="utf-8").splitlines()]
    # The unrelated stories become more pages of RT and BBC, so each site's chrome (navigation,
    # "اقرأ أيضاً" lists, footer) repeats across pages of one outlet, as in a real crawl.
    for d, outlet in zip(
        [d for d in docs if d["id"].startswith("other-")],
        ["rt-arabic", "rt-arabic", "bbc-arabic"],
        strict=True,
    ):
        d["outlet"] = outlet
        d.pop("url", None)
    built = build_demo_warc(tmp / "crawl.warc.gz", docs)
    cfg = with_overrides(load_config(), {"read": {"outlet_map": built.outlet_map}})
    config = tmp / "crawl.toml"
    lines = ["[read.outlet_map]"] + [f'"{k}" = "{v}"' for k, v in cfg.read.outlet_map.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    out_warc, out_jsonl = tmp / "warc_pairs.jsonl", tmp / "jsonl_pairs.jsonl"
    r1 = runner.invoke(
        app, ["--quiet", "--config", str(config), "pairs", str(built.path), "-o", str(out_warc)]
    )
    assert r1.exit_code == 0, r1.output
    r2 = runner.invoke(app, ["--quiet", "pairs", str(DEMO), "-o", str(out_jsonl)])
    assert r2.exit_code == 0, r2.output
    extracted = tmp / "docs.jsonl"
    r3 = runner.invoke(
        app, ["--quiet", "--config", str(config), "extract", str(built.path), "-o", str(extracted)]
    )
    assert r3.exit_code == 0, r3.output
    pages = {json.loads(x)["id"]: json.loads(x) for x in extracted.read_text(encoding="utf-8").splitlines()}
    by_input = {d["id"]: d for d in docs}
    return built, pages, by_input, out_warc, out_jsonl


def _doc_pairs(path: Path, rename: dict[str, str] | None = None) -> set[frozenset[str]]:
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        a, b = r["a"]["doc"], r["b"]["doc"]
        if rename:
            a, b = rename[a], rename[b]
        out.add(frozenset((a, b)))
    return out


def test_the_crawl_finds_the_same_document_pairs_as_the_clean_corpus(crawl):
    built, pages, by_input, out_warc, out_jsonl = crawl
    back = {url: doc_id for doc_id, url in built.urls.items()}
    assert _doc_pairs(out_warc, back) == _doc_pairs(out_jsonl)


def test_pages_keep_their_outlets(crawl):
    built, pages, by_input, *_ = crawl
    for doc_id, url in built.urls.items():
        assert pages[url]["outlet"] == by_input[doc_id]["outlet"]


def test_no_pair_comes_from_the_site_chrome(crawl):
    built, pages, by_input, out_warc, _ = crawl
    back = {url: doc_id for doc_id, url in built.urls.items()}
    for line in out_warc.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        for side in (r["a"], r["b"]):
            page_text = pages[side["doc"]]["text"]
            passage = _norm_words(page_text[side["start"] : side["end"]])
            article = " ".join(_norm_words(by_input[back[side["doc"]]]["text"]))
            # Every reported passage is text of the article itself, never navigation or footer.
            assert " ".join(passage) in article, passage[:12]
