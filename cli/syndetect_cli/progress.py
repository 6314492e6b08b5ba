"""Progress on stderr for every stage of a run (read, features, candidates, verify, group, write), with
counts and an ETA; off with --quiet or when stderr is not a terminal. Summary lines printed while a bar
is live go above it (:func:`say`); an error first takes the bars off the screen (:func:`stop_bars`)."""

from __future__ import annotations

import atexit
import sys
from typing import Any

_LIVE: list[Any] = []  # the rich Progress displays started and not yet stopped


def say(message: str) -> None:
    """``message`` on stderr, above the live progress bars when there are some (not through them)."""
    if _LIVE:
        _LIVE[-1].console.print(message, markup=False, highlight=False, emoji=False, soft_wrap=True)
    else:
        print(message, file=sys.stderr)


def stop_bars() -> None:
    """Take every live bar off the screen (they are transient), e.g. before an error message."""
    while _LIVE:
        _LIVE.pop().stop()


def progress_callback(quiet: bool = False):
    """A ``(step, done, total)`` callback driving one rich bar per stage, or None when quiet.

    A total of 0 means "not known yet" (a spinner with a running count).
    """
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, int] = {}
    bar.start()
    _LIVE.append(bar)
    atexit.register(stop_bars)

    def update(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total or None)
        bar.update(tasks[step], completed=done, total=total or None)

    return update
