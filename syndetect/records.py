"""The records passed between stages: documents, passages, matches, clusters.

Every span is in characters of the original ``Document.text`` (end exclusive); the text itself is
never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """One input document, as the engine sees it.

    Args:
        id: unique in the run.
        text: the text as published (may be empty).
        outlet: who published it (``"unknown"`` when nothing tells).
        published: the publication time as given in the input (ISO 8601 string), echoed in outputs.
        time: ``published`` parsed, timezone-aware (a naive time is UTC); ``None`` when unknown.
        time_precision: ``"datetime"`` or ``"day"`` (a date-only value ties with any time that day).
        url, title: optional.
        extra: every other input field, carried through untouched.
        origin: where it was read from (``file:line``), for error messages.
        fields: the input record's own field names, in order (``date`` stays ``date``), when it was read
            from one; outputs that echo the record as given (``kept.jsonl``) use them.
    """

    id: str
    text: str
    outlet: str = "unknown"
    published: str | None = None
    time: datetime | None = None
    time_precision: str | None = None
    url: str | None = None
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    origin: str = ""
    fields: tuple[str, ...] = field(default=(), compare=False, hash=False)

    def __post_init__(self) -> None:
        # Document(id=..., text=..., published="2015-10-21") parses the date as the readers do.
        if self.published is not None and self.time is None:
            from syndetect.io.dates import parse_published

            moment, precision = parse_published(self.published)
            object.__setattr__(self, "time", moment)
            object.__setattr__(self, "time_precision", precision)

    def to_json(self) -> dict[str, Any]:
        """The document as a JSON object: the input fields, in the contract's names."""
        out: dict[str, Any] = {"id": self.id, "outlet": self.outlet}
        if self.published is not None:
            out["published"] = self.published
        if self.url is not None:
            out["url"] = self.url
        if self.title is not None:
            out["title"] = self.title
        for key, value in self.extra.items():
            out.setdefault(key, value)
        out["text"] = self.text
        return out


@dataclass(frozen=True, slots=True)
class Passage:
    """A span of one document: ``doc.text[start:end]``."""

    doc: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}:{self.end} in {self.doc!r}: need 0 <= start <= end")

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Match:
    """A verified reuse between two passages of two different documents.

    ``kind`` is ``exact``, ``near`` or ``rewrite`` (or ``paraphrase``, from the opt-in semantic
    channel); ``source`` is ``"a"``, ``"b"`` or ``None``: the side inferred to be the earlier one that
    the other copied from. ``cosine`` is the semantic channel's evidence (``None`` for the others).
    """

    a: Passage
    b: Passage
    kind: str
    jaccard: float
    containment: float
    source: str | None = None
    cosine: float | None = None


@dataclass(frozen=True, slots=True)
class Member:
    """One passage of a cluster and the member it was most likely copied from."""

    passage: Passage
    parent: str | None = None
    similarity: float | None = None
    lag_hours: float | None = None
    rule: str | None = None
    credited: bool | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """A provenance group: passages that are copies of one another, with the origin."""

    id: str
    members: tuple[Member, ...]
    origin: Passage | None
    upstream: str | None = None
    merged_from: tuple[str, ...] = ()  # an index's clusters: the ids of the clusters merged into this one

    @property
    def size(self) -> int:
        return len(self.members)
