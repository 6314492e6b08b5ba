"""The typer application. Each command reads, calls one library function, writes."""

from __future__ import annotations

import sys

import typer

from syndetect_cli import state

app = typer.Typer(
    name="syndetect",
    help="Find duplicated and syndicated text in Arabic news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    config: str = typer.Option(None, "--config", help="A TOML configuration file.", metavar="FILE.toml"),
    profile: str = typer.Option(None, "--profile", help="syndication (default), crawl-dedup or rewrites."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    jobs: int = typer.Option(
        None,
        "--jobs",
        "-j",
        help="Processes verifying candidate pairs (0, the default: one per core).",
        min=0,
    ),
) -> None:
    """Find duplicated and syndicated text in Arabic news.

    Example: syndetect pairs data/demo.jsonl -o pairs.jsonl
    """
    state.CONFIG_PATH = config
    state.PROFILE = profile
    state.QUIET = quiet
    state.JOBS = jobs


def _register() -> None:
    # Each module adds its commands to `app`; importing it is registering it.
    from syndetect_cli import commands  # noqa: F401


def main() -> None:
    """Entry point: exit 2 for bad usage or bad input, 1 for anything else."""
    _register()
    try:
        app()
    except state.UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
