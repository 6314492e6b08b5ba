"""A progress bar on stderr for long steps (rich), off with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import atexit

from syndetect_cli import state


def progress_callback():
    """A ``(step, done, total)`` callback driving one rich bar per step, or None when quiet."""
    from rich.console import Console

    console = Console(stderr=True)
    if state.QUIET or not console.is_terminal:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, int] = {}
    bar.start()
    atexit.register(bar.stop)

    def update(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)
        if done >= total:
            bar.stop() if all(bar.tasks[t].finished for t in tasks.values()) and step == "verify" else None

    return update
