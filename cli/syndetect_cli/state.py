"""Global options shared by every command, and the helpers that turn them into a configuration."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from syndetect.config import Config, ConfigError, load_config, with_overrides

CONFIG_PATH: str | None = None
PROFILE: str | None = None
QUIET: bool = False
JOBS: int | None = None


class UsageError(Exception):
    """Bad usage or bad input: printed as one line, exit status 2."""


def fail(message: str):
    """Print ``error: message`` on stderr and exit with status 2 (bad usage or bad input)."""
    import typer

    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)


def config() -> Config:
    """The configuration from --config and --profile, with --jobs."""
    try:
        cfg = load_config(CONFIG_PATH, PROFILE)
        return cfg if JOBS is None else with_overrides(cfg, {"run": {"jobs": JOBS}})
    except ConfigError as err:
        fail(str(err))


@contextmanager
def errors():
    """Turn the library's input and configuration errors into one-line messages and exit status 2."""
    from syndetect.io.errors import InputError

    try:
        yield
    except (InputError, ConfigError) as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None


def say(message: str) -> None:
    """A summary line on stderr, unless --quiet."""
    if not QUIET:
        print(message, file=sys.stderr)
