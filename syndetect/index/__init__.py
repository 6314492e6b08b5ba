"""The persistent index: a store (SQLite by default, Redis for a shared one) and what it holds."""

from __future__ import annotations

from syndetect.index.store import IndexError_, SQLiteStore, Store


def open_store(location: str) -> Store:
    """The store at ``location``: ``redis://host:port/db`` for Redis, else a SQLite file path."""
    if location.startswith(("redis://", "rediss://", "unix://")):
        from syndetect.index.redis_store import RedisStore

        return RedisStore(location)
    return SQLiteStore(location)


__all__ = ["IndexError_", "Store", "open_store"]
