"""The typer application. Each command reads, calls one library function, writes."""

from __future__ import annotations

import os
import signal
import sys
import warnings

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


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM: unwinds the run (every output's temporary file removed, nothing replaced).

    A ``BaseException`` that is not ``KeyboardInterrupt``: click would turn that into "Aborted!" and
    exit status 1, and ``except Exception`` clauses let it pass.
    """


_SIGNALLED: list[int] = []  # the signal that interrupted the run, once one has


def _on_signal(signum: int, frame: object) -> None:
    if _SIGNALLED:  # a second Ctrl-C while the run unwinds: the clean-up is under way, let it finish
        return
    _SIGNALLED.append(signum)
    raise Interrupted(signum)


def _interrupted_exit() -> None:
    """Exit status 128 + the signal (130 for Ctrl-C, 143 for SIGTERM), one word, no traceback."""
    try:
        print("interrupted", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
    os._exit(128 + _SIGNALLED[0])  # nothing left to unwind: the outputs were aborted on the way here


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings about the input (``InputWarning``) as one ``warning: ...`` line; others as Python shows them."""
    from syndetect.io.readers import InputWarning

    if issubclass(category, InputWarning):
        from syndetect.io.errors import printable

        print(f"warning: {printable(str(message))}", file=sys.stderr)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


def main() -> None:
    """Entry point: exit 2 for bad usage or bad input, 130 on Ctrl-C, 1 for anything else.

    An interrupt lands wherever the run is, including inside a compiled (numba) function, where it
    surfaces as a ``SystemError`` chained to it: any exception once a signal came means "interrupted".
    """
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    warnings.showwarning = _show_warning
    try:
        _register()
        app()
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except BaseException:
        if _SIGNALLED:
            _interrupted_exit()
        raise
    finally:
        if _SIGNALLED:
            _interrupted_exit()
