"""``syndetect index build|add|remove|stats``: the persistent index (SQLite file or Redis)."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from typing import Annotated

import typer

from syndetect_cli.app import app
from syndetect_cli.commands.core import Inputs, SkipInvalid
from syndetect_cli.options import Options, command, errors

index_app = typer.Typer(
    name="index",
    help="A persistent index: build it, add batches, remove documents, show its statistics.",
    no_args_is_help=True,
)
app.add_typer(index_app, name="index")


def index_option(required: bool = True):
    """The ``--index PATH`` option."""
    return typer.Option(
        ... if required else None,
        "--index",
        help="The index: a SQLite file (default), or redis://host:port/db for a shared one.",
        metavar="PATH",
    )


@contextmanager
def index_errors():
    """An index that cannot be used, bad input or configuration: one line, exit status 2."""
    from syndetect.index.store import IndexError_

    with errors():
        try:
            yield
        except IndexError_ as err:
            print(f"error: {err}", file=sys.stderr)
            raise SystemExit(2) from None


def open_index(location: str, must_exist: bool = True):
    """The store at ``location`` (checked to exist when asked; bad ones: one line, exit 2)."""
    from syndetect.index import open_store

    with index_errors():
        store = open_store(location)
        if must_exist and not store.exists():
            from syndetect.index.store import IndexError_

            raise IndexError_(f"{store.location}: no index here (make one with: syndetect index build)")
        return store


def index_config(opts: Options, store, skip_invalid: bool = False):
    """``--config``/``--profile`` when given (checked against the index), else the index's own."""
    from syndetect.config import with_overrides
    from syndetect.index.core import check, stored_config

    with index_errors():
        if opts.config_path is None and opts.profile is None and "fingerprint" in store.meta():
            cfg = stored_config(store)
            over = {}
            if opts.jobs is not None:
                over["run"] = {"jobs": opts.jobs}
            if skip_invalid:
                over["read"] = {"skip_invalid": True}
            return with_overrides(cfg, over) if over else cfg
        cfg = opts.config(skip_invalid)
        check(store, cfg)
        return cfg


def _batches(opts: Options, inputs: list[str], cfg, size: int):
    from syndetect.io.readers import ReadStats, read_documents

    stats = ReadStats()
    batch = []
    with errors():
        for doc in read_documents(inputs, cfg.read, stats):
            batch.append(doc)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def _summary(opts: Options, location: str, totals: dict) -> None:
    opts.say(
        f"indexed {totals['documents']} documents, {totals['verified_pairs']} new verified pairs, "
        f"{totals['clusters_new']} new clusters -> {location}"
    )


def _add_all(opts: Options, store, inputs: list[str], cfg, batch_size: int) -> dict:
    from syndetect.index.core import add

    totals = {"documents": 0, "verified_pairs": 0, "clusters_new": 0}
    progress = opts.progress()
    with index_errors():
        for batch in _batches(opts, inputs, cfg, batch_size):
            got = add(store, batch, cfg, progress)
            for k in totals:
                totals[k] += got[k]
    return totals


@index_app.command("build")
@command
def build_command(
    opts: Options,
    inputs: Inputs,
    index: str = index_option(),
    batch: int = typer.Option(5000, "--batch", min=1, help="Documents per batch (memory follows the batch)."),
    skip_invalid: SkipInvalid = False,
) -> None:
    """A new index of the inputs, added batch by batch (the same pairs and clusters as one run).

    Example: syndetect index build data/demo.jsonl --index demo.index
    """
    from syndetect.index import open_store

    store = open_index(index, must_exist=False)
    cfg = opts.config(skip_invalid)
    with index_errors():
        if store.exists():
            from syndetect.index.store import IndexError_

            raise IndexError_(
                f"{store.location}: an index already exists (add to it with: syndetect index add)"
            )
    is_file = not index.startswith(("redis://", "rediss://", "unix://"))
    work = open_store(f"{index}.building-{os.getpid()}") if is_file else store
    try:
        with index_errors():
            work.create()
        totals = _add_all(opts, work, inputs, cfg, batch)
        if is_file:
            work.close()
            os.replace(work.location, index)  # the index appears whole or not at all
    finally:
        if is_file:
            work.close()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(work.location + suffix):
                    os.remove(work.location + suffix)
    _summary(opts, store.location, totals)


@index_app.command("add")
@command
def add_command(
    opts: Options,
    inputs: Inputs,
    index: str = index_option(),
    batch: int = typer.Option(
        0, "--batch", min=0, help="Documents per transaction (0, the default: the whole input at once)."
    ),
    skip_invalid: SkipInvalid = False,
) -> None:
    """Add a batch: its reuse against everything indexed and within itself; clusters keep their ids.

    The batch is one transaction: an interrupted add leaves the index as it was.

    Example: syndetect index add day-18.jsonl --index crawl.index
    """
    store = open_index(index)
    cfg = index_config(opts, store, skip_invalid)
    totals = _add_all(opts, store, inputs, cfg, batch or sys.maxsize)
    _summary(opts, store.location, totals)


@index_app.command("remove")
@command
def remove_command(
    opts: Options,
    ids: Annotated[list[str], typer.Argument(metavar="ID", help="Ids of indexed documents.")],
    index: str = index_option(),
) -> None:
    """Take documents down: they, their passages and pairs go; their clusters are regrouped.

    Example: syndetect index remove rt-1 --index demo.index
    """
    from syndetect.index.core import remove

    store = open_index(index)
    with index_errors():
        got = remove(store, ids, opts.progress())
    opts.say(
        f"removed {got['removed']} documents; {got['clusters_regrouped']} clusters regrouped -> {store.location}"
    )


@index_app.command("stats")
@command
def stats_command(
    opts: Options,
    index: str = index_option(),
    as_json: bool = typer.Option(False, "--json", help="One JSON object."),
) -> None:
    """Documents, passages, pairs, clusters, size, configuration fingerprint and scheme of an index.

    Example: syndetect index stats --index demo.index --json
    """
    from syndetect.index.core import stats

    store = open_index(index)
    with index_errors():
        info = stats(store)
    if as_json:
        print(json.dumps(info, ensure_ascii=False))
        return
    scheme = info["scheme"] or {}
    rows = [
        ("index", info["index"]),
        ("documents", info["documents"]),
        ("indexed", info["indexed"]),
        ("windows", info["windows"]),
        ("pairs", info["pairs"]),
        ("clusters", info["clusters"]),
        ("bytes", info["bytes"]),
        ("fingerprint", info["fingerprint"]),
        ("profile", info["profile"]),
        ("scheme", " ".join(f"{k}={v}" for k, v in scheme.items())),
    ]
    for k, v in rows:
        print(f"{k:<12} {v}")
