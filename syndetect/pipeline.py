"""The one entry point: :func:`run` detects, directs and groups a corpus once; a :class:`Run` holds the
result, and every output (``pairs.jsonl``, ``clusters.jsonl``, dedup, the report, the demo) is written
from it, by the CLI and by Python alike.

>>> import syndetect
>>> r = syndetect.run("data/demo.jsonl")
>>> len(r.docs), len(r.pairs) > 0, len(r.clusters) > 0
(9, True, True)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from syndetect.config import Config, load_config, with_overrides
from syndetect.dedup import DedupResult, dedup_documents, dedup_passages
from syndetect.detect.corpus import PairsResult, find_pairs
from syndetect.io.readers import ReadStats, check_record, document_from_record, read_documents
from syndetect.io.serialize import cluster_json, match_json
from syndetect.io.writers import Outputs, run_outputs
from syndetect.provenance.groups import Groups, group_matches
from syndetect.provenance.origin import mark_crawl_batches, with_sources
from syndetect.records import Cluster, Document, Match

Progress = Callable[[str, int, int], None]  # (step, done, total)
Source = Document | Mapping[str, Any] | str | os.PathLike[str]


def documents(
    items: Source | Iterable[Source],
    read_stats: ReadStats | None = None,
    cfg: Config | None = None,
    progress: Progress | None = None,
):
    """Documents from any mix of ``Document``s, dicts (input records: the ``date`` alias and date
    parsing honoured exactly as the readers do) and input paths (any format ``extract`` reads).

    >>> [d.time.isoformat() for d in documents([{"id": "a", "text": "", "date": "2015-10-21"}])]
    ['2015-10-21T00:00:00+00:00']
    """
    cfg = cfg or load_config()
    stats = read_stats if read_stats is not None else ReadStats()
    if isinstance(items, (str, os.PathLike, Mapping, Document)):
        items = [items]
    out: list[Document] = []
    paths: list[str] = []

    def flush() -> None:
        if paths:
            out.extend(reading(read_documents(list(paths), cfg.read, stats), stats, progress))
            paths.clear()

    for k, item in enumerate(items, 1):
        if isinstance(item, Document | Mapping):
            flush()
            try:
                if isinstance(item, Document):
                    check_record(item.to_json())
                    out.append(item)
                else:
                    out.append(document_from_record(dict(item), f"<record {k}>"))
            except ValueError as err:
                raise ValueError(f"record {k}: {err}") from None
        elif isinstance(item, (str, os.PathLike)):
            paths.append(os.fspath(item))
        else:
            raise TypeError(f"item {k}: expected a Document, a dict or a path, got {type(item).__name__}")
    flush()
    return out


def reading(docs: Iterable[Document], stats: ReadStats, progress: Progress | None) -> Iterator[Document]:
    """``docs`` as they are read, with the read stage's progress: documents so far, and the total
    expected from the share of the input's bytes read (``ReadStats.bytes_done`` of ``bytes_total``)."""
    n = 0
    for doc in docs:
        n += 1
        if progress and n % 200 == 0:
            done, total = stats.bytes_done, stats.bytes_total
            expected = round(n * total / done) if done and total else 0
            progress("read", n, max(expected, n + 1) if expected else 0)
        yield doc
    if progress:
        progress("read", n, n)


def configure(config: Config | str | os.PathLike[str] | None = None, profile: str | None = None, **overrides):
    """A configuration from a ``Config``, a TOML path or the defaults, a profile and section overrides
    (``run={"jobs": 1}``, ``dedup={"level": "passage"}``)."""
    if isinstance(config, Config):
        if profile is not None:
            raise ValueError("give a Config or a profile, not both (a Config already holds its profile)")
        cfg = config
    else:
        cfg = load_config(os.fspath(config) if config is not None else None, profile)
    return with_overrides(cfg, overrides) if overrides else cfg


def run(
    docs: Source | Iterable[Source],
    config: Config | str | os.PathLike[str] | None = None,
    *,
    profile: str | None = None,
    progress: Progress | None = None,
    read_stats: ReadStats | None = None,
    **overrides: Mapping[str, Any],
) -> Run:
    """Detect every reuse in a corpus, decide its direction once, group it: the whole job, once.

    Args:
        docs: documents, input records (dicts) or input paths, or any mix of them.
        config: a ``Config``, a TOML file, or ``None`` for the defaults.
        profile: a named profile (``syndication``, ``crawl-dedup``, ``rewrites``).
        progress: a ``(step, done, total)`` callback.
        overrides: configuration sections to override, e.g. ``run={"jobs": 1}``.
    """
    cfg = configure(config, profile, **overrides)
    stats = read_stats if read_stats is not None else ReadStats()
    t0 = time.perf_counter()
    corpus_docs = documents(docs, stats, cfg, progress)
    read_seconds = time.perf_counter() - t0
    return Run(find_pairs(corpus_docs, cfg, progress), cfg, stats, progress, read_seconds, started=t0)


# The files of the demo folder (then the report's three and ``run.stats.json``).
DEMO_FILES = ("pairs.jsonl", "clusters.jsonl", "kept.jsonl", "removed.jsonl", "report.html")


def outputs_for(
    command: str,
    out: str | os.PathLike[str],
    *,
    pairs: str | os.PathLike[str] | None = None,
    removed: str | os.PathLike[str] | None = None,
    inputs: Iterable[str] = (),
) -> Outputs:
    """Every file a command writes, checked now (before any work) as one transaction.

    ``command`` is ``pairs``, ``clusters`` (``pairs`` also written when given), ``dedup`` (``removed``),
    ``report`` (its picture and matrix CSV beside it), ``extract`` or ``demo`` (``out`` is a folder).
    Each main output gets its ``.stats.json``. Raises ``OutputError`` for one that cannot be written, or
    that is one of ``inputs``.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> [os.path.basename(p) for p in outputs_for("clusters", f"{folder}/c.jsonl", pairs=f"{folder}/p.jsonl").paths]
    ['p.jsonl', 'p.jsonl.stats.json', 'c.jsonl', 'c.jsonl.stats.json']
    """
    inputs = list(inputs)
    if command == "report":
        from syndetect.report.data import output_paths

        path, png, csv = output_paths(out)
        return run_outputs([path], inputs, plain=[png, csv])
    if command == "demo":
        from syndetect.report.data import output_paths

        folder = Path(out)
        _, png, csv = output_paths(folder / "report.html")
        files = [*(folder / n for n in DEMO_FILES), png, csv, folder / "run.stats.json"]
        return run_outputs([], inputs, plain=files)
    extra = {"clusters": pairs, "dedup": removed}.get(command)
    return run_outputs([extra, out], inputs)


@contextmanager
def _transaction(outputs: Outputs | None, command: str, out: Any, **extra: Any) -> Iterator[Outputs]:
    """The caller's transaction (the caller commits it), or one of this write's own, committed here."""
    if outputs is not None:
        yield outputs
        return
    with outputs_for(command, out, **extra) as outs:
        yield outs


class Run:
    """One corpus detected, directed and grouped. Everything is computed at most once, on first use.

    Attributes:
        docs: the documents in id order.
        config: the resolved configuration.
        detection: what the detection stage found (features, raw matches without direction, stats).
        pairs: every verified pair, ``source`` set by the full direction rule (crawl batches included).
        groups: what the cluster stage decided (clusters, revisions, boilerplate, credits).
        clusters: the provenance groups.
    """

    def __init__(
        self,
        detection: PairsResult,
        config: Config,
        read_stats: ReadStats | None = None,
        progress: Progress | None = None,
        read_seconds: float | None = None,
        started: float | None = None,
    ) -> None:
        self.detection = detection
        # when the run began (``time.perf_counter()``), for the stats' ``total``: the wall time the
        # stages' seconds add up to (else estimated from the seconds already spent)
        if started is None:
            spent = (read_seconds or 0.0) + sum(detection.stats.get("seconds", {}).values())
            started = time.perf_counter() - spent
        self.started = started
        self.config = config
        self.read_stats = read_stats
        self.progress = progress
        # the stages timed outside detection: read (when given), direct, group, write
        self.seconds: dict[str, float] = {} if read_seconds is None else {"read": round(read_seconds, 3)}
        self.docs: list[Document] = detection.corpus.docs
        self.by_id: dict[str, Document] = {d.id: d for d in self.docs}

    @classmethod
    def from_matches(
        cls,
        docs: list[Document],
        config: Config,
        matches: list[Match],
        grams: list | None = None,
        stats: dict[str, Any] | None = None,
        read_stats: ReadStats | None = None,
    ) -> Run:
        """A run whose detection was done elsewhere (the index, the Spark backend): the same
        directions, groups and outputs as a local run over the same documents and matches."""
        from syndetect.detect.corpus import Corpus

        ordered = sorted(docs, key=lambda d: d.id)
        corpus = Corpus(ordered, [], config)
        run = cls(PairsResult(corpus, list(matches), dict(stats or {})), config, read_stats)
        run._grams = grams
        return run

    _grams: list | None = None

    # ------------------------------------------------------------------------------------ stages

    @cached_property
    def directed_docs(self) -> dict[str, Document]:
        """The documents as the direction rule sees them (crawl-batch times marked as upper bounds)."""
        pcfg = self.config.provenance
        if pcfg.crawl_batch_min_docs > 0:
            return mark_crawl_batches(self.by_id, pcfg.crawl_batch_min_docs)
        return self.by_id

    @cached_property
    def pairs(self) -> list[Match]:
        """Every verified pair, its ``source`` decided here, once, by the full rule."""
        with self._stage("direct", len(self.detection.matches)):
            return with_sources(self.detection.matches, self.directed_docs, self.config.provenance)

    @cached_property
    def groups(self) -> Groups:
        grams = self._grams
        if grams is None and self.detection.corpus.feats:
            grams = [f.grams for f in self.detection.corpus.feats]
        pairs = self.pairs
        with self._stage("group", 5):
            return group_matches(
                pairs, self.directed_docs, self.config, grams, directed=True, progress=self.progress
            )

    @contextmanager
    def _stage(self, name: str, total: int) -> Iterator[None]:
        """Time a stage (into ``seconds``) and show it on the progress callback."""
        if self.progress:
            self.progress(name, 0, total)
        t0 = time.perf_counter()
        yield
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - t0, 3)
        if self.progress:
            self.progress(name, total, total)

    def _ticking(self, items: Iterable[Any], total: int) -> Iterator[Any]:
        """``items``, counted on the write stage's progress bar (about a hundred updates)."""
        every = max(1, total // 100)
        for k, item in enumerate(items, 1):
            yield item
            if self.progress and k % every == 0:
                self.progress("write", k, total)

    @property
    def clusters(self) -> list[Cluster]:
        return self.groups.clusters

    def dedup(self, level: str | None = None, keep: str | None = None) -> DedupResult:
        """Document- or passage-level dedup (``dedup.level`` and ``dedup.keep`` unless given)."""
        cfg = self.config.dedup
        level, keep = level or cfg.level, keep or cfg.keep
        if level == "passage":
            clusters = self.clusters
            with self._stage("dedup", len(clusters)):
                return dedup_passages(self.docs, clusters, cfg, self.config.normalize)
        pairs = self.pairs
        with self._stage("dedup", len(self.docs)):
            return dedup_documents(self.docs, pairs, cfg, keep, self.config.normalize)

    def report_data(self) -> dict[str, Any]:
        """What the overlap report shows (matrix, lags, top passages, per-document views)."""
        from syndetect.report.data import report_data, stock_filter

        grams = self._grams
        if grams is None and self.detection.corpus.feats:
            grams = [f.grams for f in self.detection.corpus.feats]
        specific = stock_filter(grams, self.config) if grams else None
        return report_data(
            self.by_id,
            self.clusters,
            self.stats(groups=True),
            self.config.report,
            specific=specific,
            boilerplate=self.groups.boilerplate,
        )

    def stats(self, groups: bool = False) -> dict[str, Any]:
        """The run's statistics: what was read, the detection's, and the cluster stage's when asked."""
        out = self.read_stats.to_json() if self.read_stats is not None else {}
        out.update(self.detection.stats)
        if groups:
            out.update(self.groups.stats())
        out["seconds"] = {**out.get("seconds", {}), **self.seconds}
        out["seconds"]["total"] = round(time.perf_counter() - self.started, 3)
        return out

    # ---------------------------------------------------------------------------------- records

    def pair_records(self) -> Iterator[dict[str, Any]]:
        """The ``pairs.jsonl`` records."""
        return (match_json(m, self.by_id) for m in self.pairs)

    def cluster_records(self) -> Iterator[dict[str, Any]]:
        """The ``clusters.jsonl`` records."""
        return (cluster_json(c, self.by_id) for c in self.clusters)

    # ----------------------------------------------------------------------------------- writers
    #
    # Each writer writes its files in one transaction (syndetect.io.writers.Outputs): all of them
    # appear, or none is replaced. ``outputs`` is a transaction opened by the caller with
    # :func:`outputs_for` before the work (the CLI does, so that a bad path fails in a second);
    # then the caller commits it. Without it, the writer checks, writes and commits on its own.

    def write_pairs(self, out: str | os.PathLike[str], *, outputs: Outputs | None = None) -> dict[str, Any]:
        """``pairs.jsonl`` and its ``.stats.json``; returns the statistics."""
        pairs = self.pairs
        with _transaction(outputs, "pairs", out) as outs:
            with self._stage("write", len(pairs)):
                outs.write_jsonl(out, self._ticking(self.pair_records(), len(pairs)))
            return self._write_stats(outs, [out], self.stats())

    def write_clusters(
        self,
        out: str | os.PathLike[str],
        pairs: str | os.PathLike[str] | None = None,
        *,
        outputs: Outputs | None = None,
    ) -> dict:
        """``clusters.jsonl`` (and ``pairs.jsonl`` when asked) with their statistics."""
        clusters = self.clusters
        with _transaction(outputs, "clusters", out, pairs=pairs) as outs:
            with self._stage("write", len(clusters)):
                if pairs:
                    outs.write_jsonl(pairs, self.pair_records())
                outs.write_jsonl(out, self._ticking(self.cluster_records(), len(clusters)))
            return self._write_stats(outs, [pairs, out], self.stats(groups=True))

    def write_dedup(
        self,
        out: str | os.PathLike[str],
        removed: str | os.PathLike[str] | None = None,
        level: str | None = None,
        keep: str | None = None,
        *,
        outputs: Outputs | None = None,
    ) -> dict[str, Any]:
        """``kept.jsonl`` (and ``removed.jsonl``) with their statistics."""
        level = level or self.config.dedup.level
        dd = self.dedup(level, keep)
        with _transaction(outputs, "dedup", out, removed=removed) as outs:
            with self._stage("write", len(dd.kept)):
                if removed:
                    outs.write_jsonl(removed, dd.removed)
                outs.write_jsonl(out, self._ticking(dd.kept_records(), len(dd.kept)))
            stats = self.stats(groups=level == "passage")
            stats.update(
                {"kept": len(dd.kept), "removed": len(dd.removed), "level": level, "dedup": dd.stats}
            )
            return self._write_stats(outs, [removed, out], stats)

    def write_report(self, out: str | os.PathLike[str], *, outputs: Outputs | None = None) -> dict[str, Any]:
        """The overlap report (``.html``, ``.md`` or ``.json``) with its heatmap and matrix CSV."""
        from syndetect.report.data import report_format, write_report_files

        report_format(out)
        _ = self.clusters  # the group stage first: timed as itself, not as part of writing
        with _transaction(outputs, "report", out) as outs:
            with self._stage("write", 2):
                data = self.report_data()
                if self.progress:
                    self.progress("write", 1, 2)
                files = write_report_files(out, data, self._meta(), outputs=outs)
            stats = self.stats(groups=True)
            stats["report_files"] = [str(f) for f in files]
            return self._write_stats(outs, [out], stats)

    def write_demo(
        self, out: str | os.PathLike[str], *, outputs: Outputs | None = None
    ) -> tuple[dict[str, Any], list[Path]]:
        """Every output into one folder: pairs, clusters, passage dedup, the report, the run's stats."""
        from syndetect.report.data import write_report_files

        folder = Path(out)
        dd = self.dedup("passage")
        files = [folder / n for n in DEMO_FILES[:4]]
        with _transaction(outputs, "demo", out) as outs:
            with self._stage("write", len(files)):
                data = self.report_data()
                outs.write_jsonl(files[0], self.pair_records())
                outs.write_jsonl(files[1], self.cluster_records())
                outs.write_jsonl(files[2], dd.kept_records())
                outs.write_jsonl(files[3], dd.removed)
                files += write_report_files(folder / "report.html", data, self._meta(), outputs=outs)
            stats = self.stats(groups=True)
            stats.update({"kept": len(dd.kept), "removed_passages": len(dd.removed)})
            self._write_stats(outs, [folder / "run"], stats)
        files.append(folder / "run.stats.json")
        return stats, files

    def _write_stats(self, outs: Outputs, outputs: list, stats: dict[str, Any]) -> dict[str, Any]:
        """``<output>.stats.json`` beside each output (none for stdout); returns the statistics."""
        for path in outputs:
            if path:
                outs.write_run_metadata(path, self.config, stats)
        return stats

    def _meta(self) -> dict[str, Any]:
        return {"fingerprint": self.config.fingerprint(), "profile": self.config.profile}
