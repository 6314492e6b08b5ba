"""Progress on stderr for every stage of a run (read, features, candidates, verify, group, write), with
counts and an ETA; off with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import atexit


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
    atexit.register(bar.stop)

    def update(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total or None)
        bar.update(tasks[step], completed=done, total=total or None)

    return update
