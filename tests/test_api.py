"""The Python API and the CLI are one: ``syndetect.run`` writes what the commands write, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import syndetect
from syndetect.records import Document
from syndetect_cli.app import _register, app
from tests.fixtures import saudinewsnet

_register()
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.jsonl"
runner = CliRunner()


def cli(*args: str) -> None:
    result = runner.invoke(app, ["--quiet", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _records(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _same_outputs(tmp_path: Path, corpus: str, python_input) -> None:
    cli("pairs", corpus, "-o", str(tmp_path / "cli-pairs.jsonl"))
    cli("clusters", corpus, "-o", str(tmp_path / "cli-clusters.jsonl"))
    run = syndetect.run(python_input)
    run.write_pairs(tmp_path / "py-pairs.jsonl")
    run.write_clusters(tmp_path / "py-clusters.jsonl")
    for name in ("pairs", "clusters"):
        cli_bytes = (tmp_path / f"cli-{name}.jsonl").read_bytes()
        assert cli_bytes, f"{name}: the CLI wrote nothing, so the comparison would prove nothing"
        assert (tmp_path / f"py-{name}.jsonl").read_bytes() == cli_bytes, name
    # and the records in memory are the ones written
    assert [json.dumps(r, ensure_ascii=False) for r in run.pair_records()] == [
        json.dumps(r, ensure_ascii=False) for r in _records(tmp_path / "cli-pairs.jsonl")
    ]


@pytest.mark.parametrize("form", ["path", "dicts", "documents"])
def test_python_writes_what_the_cli_writes_on_the_demo(tmp_path, form):
    records = _records(DEMO)
    python_input = {
        "path": str(DEMO),
        "dicts": records,
        "documents": list(syndetect.read_documents([str(DEMO)])),
    }[form]
    _same_outputs(tmp_path, str(DEMO), python_input)


def test_python_writes_what_the_cli_writes_on_saudinewsnet(tmp_path):
    records = saudinewsnet.sample(600)  # `date`, not `published`: the alias must be honoured
    assert all("date" in r and "published" not in r for r in records)
    corpus = saudinewsnet.write(tmp_path / "snn.jsonl", records)
    _same_outputs(tmp_path, corpus, records)


def test_same_day_copy_direction_is_the_same_in_python_and_the_cli(tmp_path):
    body = " ".join(f"كلمة{i} في الخبر رقم {i} عن الاجتماع" for i in range(40))
    docs = [
        {"id": "a", "outlet": "x", "published": "2015-10-21", "text": body},
        {
            "id": "b",
            "outlet": "y",
            "published": "2015-10-21",
            "text": "مقدمة جديدة كتبها المحرر هنا عن الخبر وأهميته. " * 3 + body,
        },
    ]
    corpus = saudinewsnet.write(tmp_path / "two.jsonl", docs)
    cli("pairs", corpus, "-o", str(tmp_path / "p.jsonl"))
    written = _records(tmp_path / "p.jsonl")
    pairs = syndetect.run(docs).pairs
    assert pairs and written
    assert [m.source for m in pairs] == [r["source"] for r in written]
    assert pairs[0].source == "a"  # b holds a plus a lead of its own: the text rule, not time alone


def test_find_pairs_is_detection_only():
    docs = syndetect.documents(str(DEMO))
    result = syndetect.find_pairs(docs, syndetect.load_config())
    assert result.matches and all(m.source is None for m in result.matches)


def test_documents_from_keywords_parse_the_date():
    d = Document(id="x", text="", published="2015-10-21T11:00:00+03:00")
    assert d.time is not None and d.time.utcoffset().total_seconds() == 3 * 3600
    assert d.time_precision == "datetime"
    with pytest.raises(ValueError, match="ISO 8601"):
        Document(id="x", text="", published="yesterday")


def test_records_with_date_alias_get_times():
    docs = syndetect.documents([{"id": "a", "text": "", "date": "2015-07-21 02:51:32"}])
    assert docs[0].published == "2015-07-21 02:51:32" and docs[0].time is not None


def test_bad_record_names_the_record():
    with pytest.raises(ValueError, match='record 2: missing "text"'):
        syndetect.run([{"id": "z", "text": ""}, {"id": "a"}])


@pytest.mark.parametrize(
    "item, problem",
    [
        ({"id": "a", "text": "x\ud800"}, r'lone surrogate \(\\ud800\) in "text"'),
        ({"id": "a", "text": "x", "title": "\udfff"}, 'lone surrogate .* in "title"'),
        ({"id": "a", "text": "x", "score": float("nan")}, 'non-finite number \\(nan\\) in "score"'),
        ({"id": "a", "text": "x", "tags": [float("inf")]}, 'non-finite number \\(inf\\) in "tags"'),
        ({"id": "a", "text": "x", "n": 10**4300}, 'number with more than 4300 digits in "n"'),
        (Document(id="a\udc00", text="x"), 'lone surrogate .* in "id"'),
    ],
)
def test_records_that_cannot_be_written_back_are_refused_before_the_work(item, problem):
    # issue 15: the readers refuse these in a file; given to the API as dicts or Documents they used
    # to pass and crash the writer (UnicodeEncodeError, "Out of range float values") after the run
    with pytest.raises(ValueError, match="record 2: a " + problem):
        syndetect.run([{"id": "z", "text": "ok"}, item])
    assert syndetect.run([{"id": "z", "text": "ok"}, {"id": "a", "text": "x", "n": 10**4299}]).docs


def test_overrides_and_profiles():
    run = syndetect.run(str(DEMO), profile="rewrites", run={"jobs": 1})
    assert run.config.profile == "rewrites" and run.config.run.jobs == 1
    assert run.stats()["documents"] == len(run.docs)
    assert set(run.stats(groups=True)["seconds"]) >= {
        "read",
        "features",
        "candidates",
        "verify",
        "direct",
        "group",
    }


def test_every_stage_is_timed_in_the_cli_stats(tmp_path):
    cli("clusters", str(DEMO), "-o", str(tmp_path / "c.jsonl"))
    stats = json.loads((tmp_path / "c.jsonl.stats.json").read_text(encoding="utf-8"))["stats"]
    stages = {"read", "features", "candidates", "verify", "direct", "group", "write"}
    assert stages <= set(stats["seconds"]) and all(v >= 0 for v in stats["seconds"].values())


def test_progress_reports_every_stage():
    seen: dict[str, tuple[int, int]] = {}
    run = syndetect.run(str(DEMO), progress=lambda step, done, total: seen.__setitem__(step, (done, total)))
    run.write_pairs  # noqa: B018 (the write stage reports when something is written)
    run.clusters  # noqa: B018
    assert {"features", "candidates", "verify", "direct", "group"} <= set(seen)
    assert all(done == total for done, total in seen.values()), seen


def test_dedup_and_report_data_from_the_run():
    run = syndetect.run(str(DEMO))
    dd = run.dedup(level="passage")
    assert len(dd.kept) == len(run.docs) and dd.removed
    data = run.report_data()
    assert data["matrix"] and data["passages"]
