"""The options every command takes (``--config``, ``--profile``, ``--quiet``, ``--jobs``), before the
command name or after it, and the helpers that turn them into a configuration. No module state: the
options travel in the click context (the group's) and in each command's own parameters."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import typer

from syndetect.config import Config, ConfigError, load_config, with_overrides

COMMON = {
    "config": (
        str | None,
        typer.Option(None, "--config", help="A TOML configuration file.", metavar="FILE.toml"),
    ),
    "profile": (
        str | None,
        typer.Option(None, "--profile", help="syndication (default), crawl-dedup or rewrites."),
    ),
    "quiet": (bool | None, typer.Option(None, "--quiet", "-q", help="No progress bars or summary lines.")),
    "jobs": (
        int | None,
        typer.Option(
            None, "--jobs", "-j", min=0, help="Processes for features and verification (0: one per core)."
        ),
    ),
}


class UsageError(Exception):
    """Bad usage or bad input: printed as one line, exit status 2."""


@dataclass(frozen=True)
class Options:
    """The common options of one invocation (a command's own value wins over the group's)."""

    config_path: str | None = None
    profile: str | None = None
    quiet: bool = False
    jobs: int | None = None

    def merged(self, **given: Any) -> Options:
        """These options with the ones given after the command name laid over them."""
        names = {"config": "config_path", "profile": "profile", "quiet": "quiet", "jobs": "jobs"}
        changes = {names[k]: v for k, v in given.items() if v is not None}
        return dataclasses.replace(self, **changes)

    def config(self, skip_invalid: bool = False) -> Config:
        """The configuration from --config and --profile, with --jobs (and --skip-invalid)."""
        try:
            cfg = load_config(self.config_path, self.profile)
            overrides: dict[str, Any] = {}
            if self.jobs is not None:
                overrides["run"] = {"jobs": self.jobs}
            if skip_invalid:
                overrides["read"] = {"skip_invalid": True}
            return with_overrides(cfg, overrides) if overrides else cfg
        except ConfigError as err:
            fail(str(err))

    def say(self, message: str) -> None:
        """A summary line on stderr, unless --quiet."""
        if not self.quiet:
            from syndetect_cli.progress import say

            say(message)

    def progress(self):
        """A ``(step, done, total)`` progress callback for the terminal, or None (quiet, not a terminal)."""
        from syndetect_cli.progress import progress_callback

        return progress_callback(self.quiet)


def group_options(ctx: typer.Context) -> Options:
    """The options given before the command name (kept by the group callback in ``ctx.obj``)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Options) else Options()


def command(fn):
    """Give a command the common options after its name too; it receives them merged as ``opts``.

    The decorated function's first parameter is ``opts: Options``; its other parameters are its own.
    """
    sig = inspect.signature(fn, eval_str=True)  # typer reads __signature__ as it is: no strings
    own = list(sig.parameters.values())[1:]
    ctx_param = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
        for name, (ann, default) in COMMON.items()
    ]

    @functools.wraps(fn)
    def wrapper(ctx: typer.Context, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in COMMON}
        return fn(group_options(ctx).merged(**given), **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[ctx_param, *own, *extra])
    return wrapper


def fail(message: str):
    """Print ``error: message`` on stderr and exit with status 2 (bad usage or bad input)."""
    from syndetect_cli.progress import stop_bars

    stop_bars()
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)


@contextmanager
def errors():
    """Turn the library's input and configuration errors into one-line messages and exit status 2."""
    from syndetect.io.errors import InputError

    try:
        yield
    except (InputError, ConfigError) as err:
        from syndetect_cli.progress import stop_bars

        stop_bars()
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
