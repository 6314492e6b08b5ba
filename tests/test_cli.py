"""The command line: exact records, exit statuses, atomic outputs, help with an example for every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndetect_cli.app import _register, app
from tests.fixtures.planted import DOCS as PLANTED

_register()
DEMO = str(Path(__file__).resolve().parents[1] / "data" / "demo.jsonl")
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["--quiet", *args], catch_exceptions=False)


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _write_jsonl(path: Path, recs: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return str(path)


COMMANDS = ["normalize", "pairs", "clusters", "dedup", "demo", "extract", "evaluate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_pairs_records_have_exactly_the_contract_fields(tmp_path):
    out = tmp_path / "pairs.jsonl"
    result = run("pairs", DEMO, "-o", str(out))
    assert result.exit_code == 0, result.output
    recs = _lines(out)
    assert recs
    for r in recs:
        assert set(r) == {"a", "b", "kind", "jaccard", "containment", "source"}
        assert set(r["a"]) == set(r["b"]) == {"doc", "outlet", "published", "start", "end"}
        assert r["kind"] in ("exact", "near", "rewrite")
        assert 0 <= r["jaccard"] <= 1 and 0 <= r["containment"] <= 1
        assert r["source"] in ("a", "b", None)
        assert r["a"]["doc"] != r["b"]["doc"]
    meta = json.loads((tmp_path / "pairs.jsonl.stats.json").read_text(encoding="utf-8"))
    assert meta["stats"]["verified_pairs"] == len(recs)
    assert meta["config"]["minhash"]["scheme"] == "affine32"
    assert len(meta["fingerprint"]) == 16


def test_spans_are_character_offsets_of_the_original_text(tmp_path):
    out = tmp_path / "pairs.jsonl"
    run("pairs", DEMO, "-o", str(out))
    texts = {
        json.loads(x)["id"]: json.loads(x)["text"]
        for x in Path(DEMO).read_text(encoding="utf-8").splitlines()
    }
    quote = "لولا قراراتكم وأعمالكم لكان الإرهاب الذي انتشر في المنطقة شغل مساحات أكبر بكثير وانتشر في مناطق أوسع بكثير"
    found = [
        r
        for r in _lines(out)
        if texts[r["a"]["doc"]][r["a"]["start"] : r["a"]["end"]] == quote
        and texts[r["b"]["doc"]][r["b"]["start"] : r["b"]["end"]] == quote
    ]
    assert found, "the Assad quote is not reported with exact character spans on both sides"


def test_clusters_are_deterministic_and_well_formed(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run("clusters", DEMO, "-o", str(a)).exit_code == 0
    assert run("clusters", DEMO, "-o", str(b)).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    recs = _lines(a)
    assert [r["cluster"] for r in recs] == [f"c-{k:06d}" for k in range(1, len(recs) + 1)]
    for r in recs:
        assert r["size"] == len(r["members"])
        roots = [m for m in r["members"] if m["parent"] is None]
        assert len(roots) == 1 and roots[0]["doc"] == r["origin"]["doc"]
        assert r["origin"]["doc"] != "aggregator-1"


def test_bad_input_is_one_line_naming_file_and_line_and_loses_nothing(tmp_path):
    bad = _write_jsonl(tmp_path / "bad.jsonl", [{"id": "x", "text": "نص"}, {"id": "y"}])
    out = tmp_path / "pairs.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    result = runner.invoke(app, ["--quiet", "pairs", bad, "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f'error: {bad}:2: missing "text"']
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "pairs.jsonl"]


def test_skip_invalid_skips_and_counts(tmp_path):
    recs = [dict(r) for r in PLANTED] + [{"id": "broken"}]
    path = _write_jsonl(tmp_path / "c.jsonl", recs)
    out = tmp_path / "pairs.jsonl"
    assert run("pairs", path, "-o", str(out), "--skip-invalid").exit_code == 0
    meta = json.loads((tmp_path / "pairs.jsonl.stats.json").read_text(encoding="utf-8"))
    assert meta["stats"]["skipped"] == 1
    assert meta["stats"]["documents"] == len(PLANTED)


def test_dedup_document_level_keeps_the_earliest_of_near_duplicates(tmp_path):
    wire = next(r for r in PLANTED if r["id"] == "wire")
    recs = [dict(r) for r in PLANTED]
    # The same article crawled again the next day with one word changed: a near-duplicate document.
    recs.append(
        dict(
            wire,
            id="wire-again",
            published="2015-07-22T08:00:00+03:00",
            text=wire["text"].replace("اليوم", "أمس"),
        )
    )
    path = _write_jsonl(tmp_path / "c.jsonl", recs)
    kept, removed = tmp_path / "kept.jsonl", tmp_path / "removed.jsonl"
    assert run("dedup", path, "-o", str(kept), "--removed", str(removed)).exit_code == 0
    gone = _lines(removed)
    # The recrawl and the lightly edited reprint are near-copies of the wire, the trimmed reprint is
    # contained in it; the reordered one (a new lead) and the embedded one are mostly their own text.
    assert sorted((r["id"], r["kept"], r["reason"]) for r in gone) == [
        ("edited", "wire", "near-copy"),
        ("trimmed", "wire", "contained"),
        ("wire-again", "wire", "near-copy"),
    ]
    assert all(r["similarity"] >= 0.8 for r in gone)
    assert {r["id"] for r in _lines(kept)} == {r["id"] for r in PLANTED} - {"edited", "trimmed"}
    # --keep longest: the survivor is the longest member of the group.
    assert run("dedup", path, "-o", str(kept), "--removed", str(removed), "--keep", "longest").exit_code == 0
    group = {r["id"]: r for r in recs if r["id"] in ("wire", "wire-again", "edited")}
    longest = max(group.values(), key=lambda r: (len(r["text"]), r["id"]))["id"]
    assert {r["kept"] for r in _lines(removed)} == {longest}


def test_dedup_passage_level_cuts_repeats_out_of_later_documents(tmp_path):
    kept, removed = tmp_path / "kept.jsonl", tmp_path / "removed.jsonl"
    assert run("dedup", DEMO, "-o", str(kept), "--removed", str(removed), "--level", "passage").exit_code == 0
    cuts = _lines(removed)
    assert cuts and all({"id", "start", "end", "kept", "similarity", "reason"} <= set(r) for r in cuts)
    texts = {r["id"]: r["text"] for r in _lines(kept)}
    original = {
        json.loads(x)["id"]: json.loads(x)["text"]
        for x in Path(DEMO).read_text(encoding="utf-8").splitlines()
    }
    assert len(texts["aggregator-1"]) < len(original["aggregator-1"]) / 2  # its copied sections are gone
    assert texts["rt-1"] == original["rt-1"]  # RT is the origin of what it shares: untouched


def test_bad_dedup_level_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["dedup", DEMO, "-o", str(tmp_path / "k.jsonl"), "--level", "chapter"])
    assert result.exit_code == 2


def test_demo_writes_every_output(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in ("pairs.jsonl", "clusters.jsonl", "kept.jsonl", "removed.jsonl", "run.stats.json"):
        assert (tmp_path / name).exists(), name
    assert "verified pairs" in result.output


def test_normalize_shows_the_folded_text():
    result = run("normalize", "أَعْلَنَ الكرملينُ ـــ الأربعاء ٢١")
    assert result.exit_code == 0
    assert result.output.strip() == "اعلن الكرملين الاربعاء 21"


def test_jobs_2_really_forks_and_changes_nothing(tmp_path):
    # A corpus big enough that both the features and the verification are split over two processes.
    from tests.fixtures import saudinewsnet

    corpus = saudinewsnet.write(tmp_path / "snn.jsonl", saudinewsnet.sample(4000))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("--jobs", "1", "pairs", corpus, "-o", str(one)).exit_code == 0
    assert run("pairs", corpus, "-o", str(two), "--jobs", "2").exit_code == 0
    assert one.read_bytes() == two.read_bytes() and one.stat().st_size > 0
    st1 = json.loads((tmp_path / "one.jsonl.stats.json").read_text(encoding="utf-8"))
    st2 = json.loads((tmp_path / "two.jsonl.stats.json").read_text(encoding="utf-8"))
    assert (st1["stats"]["feature_processes"], st1["stats"]["verify_processes"]) == (1, 1)
    assert (st2["stats"]["feature_processes"], st2["stats"]["verify_processes"]) == (2, 2)
    assert st2["config"]["run"]["jobs"] == 2


@pytest.mark.parametrize("where", ["before", "after"])
def test_common_options_before_or_after_the_command(tmp_path, where):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[dedup]\nthreshold = 0.5\n", encoding="utf-8")
    common = ["--config", str(cfg), "--profile", "rewrites", "--jobs", "1", "--quiet"]
    cmd = ["pairs", DEMO, "-o", str(tmp_path / "p.jsonl")]
    args = common + cmd if where == "before" else cmd + common
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output == ""  # --quiet: no summary line
    meta = json.loads((tmp_path / "p.jsonl.stats.json").read_text(encoding="utf-8"))
    assert meta["profile"] == "rewrites" and meta["config"]["run"]["jobs"] == 1
    assert meta["config"]["dedup"]["threshold"] == 0.5


def test_option_after_the_command_wins(tmp_path):
    result = runner.invoke(
        app,
        [
            "--quiet",
            "--profile",
            "crawl-dedup",
            "pairs",
            DEMO,
            "-o",
            str(tmp_path / "p.jsonl"),
            "--profile",
            "rewrites",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "p.jsonl.stats.json").read_text(encoding="utf-8"))["profile"] == "rewrites"


@pytest.mark.parametrize(
    "command", ["pairs", "clusters", "dedup", "report", "extract", "demo", "evaluate", "normalize"]
)
def test_every_command_lists_the_common_options(command):
    result = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    for option in ("--config", "--profile", "--quiet", "--jobs"):
        assert option in result.output, (command, option)


def test_version():
    import syndetect

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"syndetect {syndetect.__version__}"


def test_negative_jobs_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["--jobs", "-1", "pairs", DEMO, "-o", str(tmp_path / "p.jsonl")])
    assert result.exit_code == 2
