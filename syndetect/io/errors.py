"""Input errors: one line that names the file and line."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: ``str(err)`` is ``file:line: what is wrong``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
