"""The configuration file: every stage's table, including provenance, boilerplate and report."""

from __future__ import annotations

import pytest

from syndetect.config import ConfigError, load_config


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "syndetect.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_provenance_boilerplate_and_report_tables_are_read(tmp_path):
    cfg = load_config(
        _write(
            tmp_path,
            "[provenance]\ncredit_window_hours = 12\n[boilerplate]\nstock_min_docs = 10\n"
            "[report]\ntop_passages = 5\n[run]\njobs = 1\n",
        )
    )
    assert cfg.provenance.credit_window_hours == 12.0
    assert cfg.boilerplate.stock_min_docs == 10
    assert cfg.report.top_passages == 5
    assert cfg.run.jobs == 1
    assert cfg.to_dict()["provenance"]["credit_window_hours"] == 12.0


def test_result_tables_change_the_fingerprint_and_run_does_not(tmp_path):
    base = load_config()
    assert (
        load_config(_write(tmp_path, "[provenance]\ncrawl_window_hours = 6\n")).fingerprint()
        != base.fingerprint()
    )
    assert load_config(_write(tmp_path, "[run]\njobs = 3\n")).fingerprint() == base.fingerprint()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[report]\ncolour = 'red'\n", "unknown key 'colour'"),
        ("[boilerplate]\nmin_docs = 'three'\n", "expected a number"),
        ("[run]\njobs = -1\n", "run.jobs=-1"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path, text, says):
    with pytest.raises(ConfigError, match=says):
        load_config(_write(tmp_path, text))
