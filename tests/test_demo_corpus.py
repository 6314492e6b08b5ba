"""The bundled demo corpus (data/demo.jsonl) and its known reuse (data/known_reuse.json)."""

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = DATA.parent.parent / "shared" / "seed" / "000_fa708f07afe93bea.txt"
OUTLET_DOCS = ["afp-1", "bbc-1", "rt-1", "ria-1", "addiyar-1"]
UNRELATED = ["other-1", "other-2", "other-3"]


def load_docs() -> list[dict]:
    lines = (DATA / "demo.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def docs() -> dict[str, dict]:
    return {d["id"]: d for d in load_docs()}


@pytest.fixture(scope="module")
def known() -> dict:
    return json.loads((DATA / "known_reuse.json").read_text(encoding="utf-8"))


def test_every_line_parses_and_ids_are_unique():
    records = load_docs()
    ids = [d["id"] for d in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(OUTLET_DOCS) | {"aggregator-1"} | set(UNRELATED)
    for d in records:
        assert isinstance(d["text"], str) and d["text"]
        for field in ("outlet", "published", "title", "url"):
            assert isinstance(d[field], str) and d[field], (d["id"], field)


def test_published_parses_with_timezone(docs):
    for d in docs.values():
        ts = datetime.fromisoformat(d["published"])
        assert ts.tzinfo is not None, d["id"]


def test_event_order(docs):
    when = {k: datetime.fromisoformat(d["published"]) for k, d in docs.items()}
    assert when["rt-1"] < when["addiyar-1"]
    assert when["afp-1"] == min(when[k] for k in OUTLET_DOCS)
    assert all(when[k] < when["aggregator-1"] for k in OUTLET_DOCS)
    assert all(when[k].date().isoformat() == "2015-10-21" for k in UNRELATED)


def test_outlet_articles_are_substrings_of_the_aggregator(docs):
    page = docs["aggregator-1"]["text"]
    assert docs["aggregator-1"]["outlet"] == "aggregator"
    for k in OUTLET_DOCS:
        text = docs[k]["text"]
        assert text == text.strip()
        assert text in page, k
        assert page.count(text) == 1, k


def test_boilerplate_is_not_in_outlet_articles(docs):
    for k in OUTLET_DOCS:
        assert "مواضيع تهمك" not in docs[k]["text"]
        assert "رئيس التحرير" not in docs[k]["text"]


def test_unrelated_docs_are_short_and_share_nothing(docs):
    def shingles(text: str, n: int = 4) -> set[str]:
        words = text.split()
        return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}

    for k in UNRELATED:
        assert 80 <= len(docs[k]["text"].split()) <= 150, k
        for other, d in docs.items():
            if other != k:
                assert not shingles(docs[k]["text"]) & shingles(d["text"]), (k, other)


def sides(known: dict):
    for entry in known["reuse"] + known["not_copies"]:
        yield entry["name"], entry["a"]
        yield entry["name"], entry["b"]


def test_known_reuse_texts_are_substrings_of_their_docs(docs, known):
    for name, side in sides(known):
        body = docs[side["doc"]]["text"]
        if side["text"] is not None:
            assert side["text"] in body, name
            assert body[side["start"] : side["end"]] == side["text"], name
    for entry in known["boilerplate"]:
        body = docs[entry["doc"]]["text"]
        assert body[entry["start"] : entry["end"]] == entry["text"], entry["name"]


def test_known_reuse_items(docs, known):
    by_name = {e["name"]: e for e in known["reuse"]}
    quote = by_name["assad_quote_rt_addiyar"]
    assert quote["kind"] == "exact"
    assert (quote["a"]["doc"], quote["b"]["doc"]) == ("rt-1", "addiyar-1")
    assert quote["a"]["text"] == quote["b"]["text"]
    assert by_name["peskov_rt_addiyar"]["kind"] == "rewrite"
    assert "إعادة بناء سوريا اقتصاديا وسياسيا" in by_name["rebuild_syria_rt_addiyar"]["a"]["text"]
    assert "إعادة بناء سوريا اقتصاديا وسياسيا" in by_name["rebuild_syria_rt_addiyar"]["b"]["text"]
    translations = {e["name"]: e for e in known["not_copies"]}["assad_quote_translations_bbc_rt"]
    assert translations["a"]["text"].startswith("إن لم يكن بسبب أعمالكم وقرارتكم")
    assert translations["b"]["text"].startswith("لولا قراراتكم وأعمالكم")


def test_every_aggregator_section_is_listed(docs, known):
    page = docs["aggregator-1"]["text"]
    sections = [e for e in known["reuse"] if e["b"]["doc"] == "aggregator-1"]
    assert sorted(e["a"]["doc"] for e in sections) == sorted(OUTLET_DOCS)
    for e in sections:
        assert e["kind"] == "exact"
        assert e["a"]["text"] is None and e["b"]["text"] is None
        whole = docs[e["a"]["doc"]]["text"]
        assert (e["a"]["start"], e["a"]["end"]) == (0, len(whole))
        assert page[e["b"]["start"] : e["b"]["end"]] == whole


@pytest.mark.skipif(not SEED.is_file(), reason="seed ../shared/seed not available")
def test_builder_reproduces_committed_files(tmp_path):
    subprocess.run(
        [sys.executable, str(DATA / "build_demo.py"), "--seed", str(SEED), "--out-dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in ("demo.jsonl", "known_reuse.json"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


@pytest.mark.skipif(not SEED.is_file(), reason="seed ../shared/seed not available")
def test_aggregator_is_the_whole_seed(docs):
    assert docs["aggregator-1"]["text"] == SEED.read_text(encoding="utf-8")


def test_builder_reports_a_missing_seed(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(DATA / "build_demo.py"),
            "--seed",
            str(tmp_path / "nope.txt"),
            "--out-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: seed not found")
    assert not (tmp_path / "demo.jsonl").exists()
