"""Web input bookkeeping: the registry naming later captures of a page, and the ``stats.web`` counters.

Shared by :mod:`syndetect.io.html` and :mod:`syndetect.io.warc` (a leaf below both, so that neither
imports the other's caller).
"""

from __future__ import annotations

from typing import Any

__all__ = ["SKIP_REASONS", "Captures", "captures_for", "count_skip", "web_stats"]


class Captures:
    """Names later captures of the same page: ``url``, ``url#2``, ``url#3``, ... within one run.

    One registry must span the whole run (every WARC and HTML input), so the readers keep one; by
    default it lives on the run's ``stats`` object as ``stats.web_captures``.

    >>> reg = Captures()
    >>> reg.assign("example.com/a", "http://example.com/a")
    ('http://example.com/a', None)
    >>> reg.assign("example.com/a", "https://www.example.com/a/")
    ('https://www.example.com/a/#2', 'http://example.com/a')
    """

    def __init__(self) -> None:
        self._seen: dict[str, list[Any]] = {}

    def assign(self, key: str, base_id: str) -> tuple[str, str | None]:
        """The id for a capture of ``key`` and the id of the first capture (``None`` for the first)."""
        entry = self._seen.get(key)
        if entry is None:
            self._seen[key] = [base_id, 1]
            return base_id, None
        entry[1] += 1
        return f"{base_id}#{entry[1]}", entry[0]

    def __len__(self) -> int:
        return len(self._seen)


def captures_for(stats: Any, captures: Captures | None) -> Captures:
    """The registry to use: the one given, else the one kept on ``stats`` (created if missing)."""
    if captures is not None:
        return captures
    reg = getattr(stats, "web_captures", None) if stats is not None else None
    if reg is None:
        reg = Captures()
        if stats is not None:
            try:
                stats.web_captures = reg
            except AttributeError:
                pass
    return reg


SKIP_REASONS = ("non_html", "redirect", "error_status", "empty_text", "not_response")


def web_stats(stats: Any) -> dict[str, Any]:
    """The ``stats.web`` counters (created when missing); a throwaway dict when ``stats`` is None.

    Keys: ``records`` (WARC records or HTML files seen), ``responses``, ``documents`` (yielded),
    ``revisions`` (later captures of a page already seen), ``bytes`` (input bytes read) and
    ``skipped`` (reason -> count: ``non_html``, ``redirect``, ``error_status``, ``empty_text``,
    ``not_response``, and when they occur ``other_status``, ``too_large``, ``bad_payload``,
    ``unsupported_encoding``, ``too_deep`` (nested deeper than the HTML parser follows), ``invalid``).
    """
    web = getattr(stats, "web", None) if stats is not None else None
    if web is None:
        web = {}
        if stats is not None:
            try:
                stats.web = web
            except AttributeError:
                pass
    for key in ("records", "responses", "documents", "revisions", "bytes"):
        web.setdefault(key, 0)
    skipped = web.setdefault("skipped", {})
    for key in SKIP_REASONS:
        skipped.setdefault(key, 0)
    return web


def count_skip(web: dict[str, Any], reason: str) -> None:
    """Count one record skipped for ``reason``."""
    web["skipped"][reason] = web["skipped"].get(reason, 0) + 1
