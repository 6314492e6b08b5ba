"""The typer application. Each command reads, calls one library function, writes."""

from __future__ import annotations

import sys

import typer

from syndetect_cli.options import COMMON, Options, UsageError


def _version(value: bool) -> None:
    if value:
        from syndetect import __version__

        print(f"syndetect {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="syndetect",
    help="Find duplicated and syndicated text in Arabic news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    ctx: typer.Context,
    config: str | None = COMMON["config"][1],
    profile: str | None = COMMON["profile"][1],
    quiet: bool | None = COMMON["quiet"][1],
    jobs: int | None = COMMON["jobs"][1],
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Find duplicated and syndicated text in Arabic news.

    The options below may also be given after the command name.

    Example: syndetect pairs data/demo.jsonl -o pairs.jsonl
    """
    ctx.obj = Options().merged(config=config, profile=profile, quiet=quiet, jobs=jobs)


def _register() -> None:
    # Each module adds its commands to `app`; importing it is registering it.
    from syndetect_cli import commands  # noqa: F401


def main() -> None:
    """Entry point: exit 2 for bad usage or bad input, 1 for anything else."""
    _register()
    try:
        app()
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
