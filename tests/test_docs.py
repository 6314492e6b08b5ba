"""Every command is documented in the README (sqlite-utils' habit), and the README's Python examples run."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
import typer

from syndetect_cli.app import _register, app

_register()
ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[str]:
    names = [
        prefix + (c.name or c.callback.__name__.removesuffix("_command"))
        for c in typer_app.registered_commands
    ]
    for group in typer_app.registered_groups:
        names += _commands(group.typer_instance, f"{prefix}{group.name} ")
    return names


COMMANDS = _commands(app)


def test_commands_are_found():
    assert {"pairs", "clusters", "dedup", "demo", "report", "extract", "evaluate"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"syndetect {re.escape(name)}\b", README), f"`syndetect {name}` is not in README.md"


def test_readme_python_examples_run(tmp_path, monkeypatch):
    # In a scratch folder that sees the bundled data, so the examples' outputs land nowhere tracked.
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```pycon\n(.*?)```", README, flags=re.S)
    assert blocks, "the README's Python section has no >>> examples"
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "README.md", "README.md", 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
