"""``dedup INPUT --index PATH`` (the daily crawl): the batch without the documents already seen, in the
index or earlier in the batch, each removed one naming its survivor; the index is not changed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from syndetect_cli.app import _register, app
from tests.fixtures import saudinewsnet as snn

_register()
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.jsonl"
runner = CliRunner()
RECS = {r["id"]: r for r in map(json.loads, DEMO.read_text(encoding="utf-8").splitlines())}


def cli(*args: str):
    return runner.invoke(app, ["--quiet", *args], catch_exceptions=False)


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def without_ids(records: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("cluster", "merged_from")} for r in records]


def test_dedup_against_an_index_drops_what_was_seen_and_names_the_survivor(tmp_path):
    indexed = [r for k, r in RECS.items() if k != "aggregator-1"]
    ix = tmp_path / "demo.index"
    assert cli("index", "build", snn.write(tmp_path / "a.jsonl", indexed), "--index", str(ix)).exit_code == 0
    fresh = snn.sample(1)[0]
    batch = [
        {
            **RECS["rt-1"],
            "id": "rt-1-reprint",
            "outlet": "reprints",
            "published": "2015-10-22T09:00:00+03:00",
        },
        RECS["aggregator-1"],  # carries many passages of indexed stories, but is no copy of one of them
        {"id": "new-a", "outlet": "spa", "published": "2015-10-22T08:00:00+03:00", "text": fresh["text"]},
        {"id": "new-b", "outlet": "okaz", "published": "2015-10-22T10:00:00+03:00", "text": fresh["text"]},
        RECS["afp-1"],  # indexed already, under its id
    ]
    before = ix.read_bytes()
    kept, removed = tmp_path / "kept.jsonl", tmp_path / "removed.jsonl"
    result = cli(
        "dedup",
        snn.write(tmp_path / "b.jsonl", batch),
        "--index",
        str(ix),
        "-o",
        str(kept),
        "--removed",
        str(removed),
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in lines(kept)] == ["aggregator-1", "new-a"]
    got = {r["id"]: r for r in lines(removed)}
    assert set(got) == {"rt-1-reprint", "new-b", "afp-1"}
    assert (got["rt-1-reprint"]["kept"], got["rt-1-reprint"]["reason"]) == ("rt-1", "exact")
    assert got["rt-1-reprint"]["similarity"] == 1.0
    assert (got["new-b"]["kept"], got["new-b"]["reason"]) == ("new-a", "exact")
    assert (got["afp-1"]["kept"], got["afp-1"]["reason"]) == ("afp-1", "already-indexed")
    new_a = next(r for r in lines(kept) if r["id"] == "new-a")
    assert new_a["group_size"] == 2  # the survivor in the batch is marked with its group
    assert ix.read_bytes() == before  # the index is not changed


def test_pairs_clusters_and_report_of_an_index_are_those_of_a_run(tmp_path):
    ix = tmp_path / "demo.index"
    assert cli("index", "build", str(DEMO), "--index", str(ix)).exit_code == 0
    for cmd, name in (("pairs", "pairs.jsonl"), ("clusters", "clusters.jsonl"), ("report", "report.json")):
        a, b = tmp_path / f"index-{name}", tmp_path / f"run-{name}"
        assert cli(cmd, "--index", str(ix), "-o", str(a)).exit_code == 0
        assert cli(cmd, str(DEMO), "-o", str(b)).exit_code == 0
        if cmd == "pairs":
            assert a.read_bytes() == b.read_bytes()
        elif cmd == "clusters":  # the same groups; the index's ids are its stable ones
            strip = without_ids
            assert strip(lines(a)) == strip(lines(b)) and len(lines(a)) == 9
        else:
            ra, rb = json.loads(a.read_text()), json.loads(b.read_text())
            assert ra.keys() == rb.keys() and ra["matrix"] == rb["matrix"]


def test_index_and_inputs_together_or_neither_are_usage_errors(tmp_path):
    ix = tmp_path / "demo.index"
    assert cli("index", "build", str(DEMO), "--index", str(ix)).exit_code == 0
    for args in (("pairs", "-o", "x.jsonl"), ("clusters", str(DEMO), "--index", str(ix), "-o", "x.jsonl")):
        got = cli(*args)
        assert got.exit_code == 2 and got.stderr.startswith("error: ") and got.stderr.count("\n") == 1
    missing = cli("pairs", "--index", str(tmp_path / "nope.index"), "-o", str(tmp_path / "x.jsonl"))
    assert missing.exit_code == 2 and "no index here" in missing.stderr
    assert not (tmp_path / "x.jsonl").exists()
