"""ISO 8601 dates: the one parser every reader uses (JSON Lines, CSV, HTML metadata, WARC-Date).

A leaf module (standard library only).

Example:
    >>> parse_published("2015-10-21")
    (datetime.datetime(2015, 10, 21, 0, 0, tzinfo=datetime.timezone.utc), 'day')
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

__all__ = ["parse_published", "parse_time"]


def parse_published(value: str) -> tuple[datetime, str]:
    """Parse an ISO 8601 date or datetime into an aware datetime and its precision.

    A naive time is UTC; a date alone is midnight UTC with precision ``"day"``.

    Returns:
        ``(datetime, "day" | "datetime")``.

    Raises:
        ValueError: the value is not an ISO 8601 date or datetime.

    Example:
        >>> parse_published("2015-10-21T11:00:00+03:00")[0].isoformat()
        '2015-10-21T11:00:00+03:00'
        >>> parse_published("2015-07-21 02:51:32")[0].isoformat()
        '2015-07-21T02:51:32+00:00'
        >>> parse_published("2013-08-04T10:00:00Z")[0].isoformat()
        '2013-08-04T10:00:00+00:00'
    """
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 string, got {value!r}")
    text = value.strip()
    if len(text) <= 10:  # 2015-10-21, 20151021, 2015-W43-3
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return datetime.combine(day, time(0), tzinfo=UTC), "day"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or datetime: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment, "datetime"


def parse_time(value: str | None) -> tuple[str, datetime, str] | None:
    """``(published, aware datetime, precision)`` for a date found in page metadata, else ``None``.

    The same rule as :func:`parse_published`; a page date outside 1970-2200 is taken as no date (page
    templates carry ``0001-01-01`` placeholders). ``published`` is the ISO form: the date for a day, the
    full datetime with its offset otherwise.

    >>> parse_time("2015-07-21")[0::2]
    ('2015-07-21', 'day')
    >>> parse_time("2013-08-04T10:00:00Z")[0::2]
    ('2013-08-04T10:00:00+00:00', 'datetime')
    >>> parse_time("0001-01-01") is None, parse_time("yesterday") is None
    (True, True)
    """
    if not value or not isinstance(value, str):
        return None
    try:
        moment, precision = parse_published(value)
    except ValueError:
        return None
    if not 1970 <= moment.year <= 2200:
        return None
    shown = moment.date().isoformat() if precision == "day" else moment.isoformat()
    return shown, moment, precision
