"""``syndetect trace``: a passage against an index gives its matches ranked, the origin and the copy chain
(the records of the contract), the same documents that the index's own pairs link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndetect.index import open_store
from syndetect.index.trace import QueryTooShort, Tracer
from syndetect_cli.app import _register, app

_register()
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.jsonl"
runner = CliRunner()
DOCS = {r["id"]: r for r in map(json.loads, DEMO.read_text(encoding="utf-8").splitlines())}
_RT = DOCS["rt-1"]["text"]
_AT = _RT.index("لولا قراراتكم وأعمالكم")
ASSAD = _RT[_AT : _RT.index('"', _AT)]  # the quote, as RT published it
MATCH_KEYS = {"doc", "outlet", "published", "title", "url", "start", "end", "text", "similarity"}
ORIGIN_KEYS = MATCH_KEYS - {"similarity"}


def cli(*args: str):
    return runner.invoke(app, ["--quiet", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory) -> str:
    ix = str(tmp_path_factory.mktemp("trace") / "demo.index")
    result = cli("index", "build", str(DEMO), "--index", ix)
    assert result.exit_code == 0, result.output
    return ix


def trace_json(ix: str, *args: str) -> dict:
    result = cli("trace", *args, "--index", ix, "--json")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1  # one JSON object
    return json.loads(result.stdout)


def test_the_assad_quote_comes_from_rt_copied_by_addiyar_and_the_aggregator(demo_index):
    assert len(ASSAD.split()) >= 15
    got = trace_json(demo_index, ASSAD)
    assert set(got) == {"query", "origin", "matches", "chain"}
    assert got["query"] == ASSAD
    assert got["origin"]["doc"] == "rt-1" and got["origin"]["outlet"] == "rt-arabic"
    docs = [m["doc"] for m in got["matches"]]
    assert {d for d in docs if d != got["origin"]["doc"]} == {"addiyar-1", "aggregator-1"}
    assert set(got["origin"]) == ORIGIN_KEYS
    for m in got["matches"]:
        assert set(m) == MATCH_KEYS
        src = DOCS[m["doc"]]
        assert m["text"] == src["text"][m["start"] : m["end"]]
        assert (m["outlet"], m["title"], m["url"]) == (src["outlet"], src["title"], src["url"])
        assert 0 < m["similarity"] <= 1
    sims = [m["similarity"] for m in got["matches"]]
    assert sims == sorted(sims, reverse=True)
    assert got["origin"]["text"] == _RT[got["origin"]["start"] : got["origin"]["end"]]
    assert "لولا قراراتكم وأعمالكم" in got["origin"]["text"]
    chain = got["chain"]
    assert chain[0] == {"doc": "rt-1", "parent": None}
    assert chain[-1]["doc"] == got["matches"][0]["doc"]
    for parent, child in zip(chain, chain[1:], strict=False):
        assert child["parent"] == parent["doc"]


def test_an_edited_quote_still_finds_its_origin(demo_index):
    edited = ASSAD.replace("الإرهاب", "التطرف", 1).replace("بكثير", "", 1)
    got = trace_json(demo_index, edited)
    assert got["origin"]["doc"] == "rt-1"
    assert {"addiyar-1", "aggregator-1"} <= {m["doc"] for m in got["matches"]}
    assert all(m["similarity"] < 1 for m in got["matches"])


def test_a_document_traces_to_the_documents_its_stored_pairs_link(demo_index):
    store = open_store(demo_index)
    tracer = Tracer(store)
    for doc_id in sorted(DOCS):
        got = tracer.trace_doc(doc_id)
        linked = {p.a if p.b == doc_id else p.b for p in store.pairs([doc_id])}
        assert {m["doc"] for m in got["matches"]} == linked, doc_id
        assert doc_id not in {m["doc"] for m in got["matches"]}
    via_cli = trace_json(demo_index, "--doc", "addiyar-1")
    assert via_cli["chain"][0]["parent"] is None
    assert via_cli["chain"][-1]["doc"] == via_cli["matches"][0]["doc"]


def test_text_with_no_reuse_has_no_matches(demo_index):
    text = "هذا نص جديد تماما لم ينشر في أي مكان من قبل ويتحدث عن حديقة صغيرة في قرية بعيدة على الجبل"
    got = trace_json(demo_index, text)
    assert got == {"query": text, "origin": None, "matches": [], "chain": []}
    shown = cli("trace", text, "--index", demo_index)
    assert shown.exit_code == 0 and "no indexed passage matches" in shown.stdout


def test_a_query_shorter_than_the_shortest_indexable_passage_is_told_so(demo_index):
    result = cli("trace", "لولا قراراتكم", "--index", demo_index)
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: the query has 2 words; the index matches passages of at least 8 (verify.min_tokens)\n"
    )
    with pytest.raises(QueryTooShort):
        Tracer(open_store(demo_index)).trace("لولا")


def test_the_table_isolates_arabic_and_numbers(demo_index):
    result = runner.invoke(
        app, ["trace", ASSAD, "--index", demo_index], catch_exceptions=False, env={"COLUMNS": "140"}
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\u2068rt-arabic\u2069" in out  # first-strong isolate around outlet names
    assert "\u20661100-" in out  # left-to-right isolate around spans
    assert "origin" in out and "chain: \u2066rt-1\u2069" in out
    narrow = runner.invoke(app, ["trace", ASSAD, "--index", demo_index], env={"COLUMNS": "70"})
    assert narrow.exit_code == 0 and "\u2068addiyar\u2069" in narrow.stdout


def test_many_queries_in_one_process(demo_index, tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text(
        "".join(
            json.dumps(r, ensure_ascii=False) + "\n"
            for r in [
                {"id": "assad", "text": ASSAD},
                {"id": 7, "text": "قصير جدا"},
                {"id": "doc", "text": DOCS["ria-1"]["text"]},
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "r.jsonl"
    result = cli("trace", "--queries", str(q), "-o", str(out), "--index", demo_index)
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["assad", 7, "doc"]
    assert rows[0] == {"id": "assad", **trace_json(demo_index, ASSAD)}
    assert rows[1]["matches"] == [] and "at least 8" in rows[1]["error"]
    assert rows[2]["origin"]["doc"] == "ria-1"


def test_bad_queries_file_names_the_line(demo_index, tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text(json.dumps({"id": "a", "text": ASSAD}) + "\n{not json\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = cli("trace", "--queries", str(q), "-o", str(out), "--index", demo_index)
    assert result.exit_code == 2
    assert result.stderr == f"error: {q}:2: not a JSON object\n"
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize(
    "args",
    [(), ("some text", "--doc", "rt-1"), ("--queries", "q.jsonl")],
    ids=["nothing", "two", "queries_without_output"],
)
def test_usage_errors(demo_index, args):
    result = cli("trace", *args, "--index", demo_index)
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_unknown_document(demo_index):
    result = cli("trace", "--doc", "nope", "--index", demo_index)
    assert (
        result.exit_code == 2
        and result.stderr == f"error: {demo_index}: document 'nope' is not in the index\n"
    )
