"""Whole jobs over a corpus: pairs, clusters, dedup, the demo; each writes its outputs atomically
with the run's statistics and configuration beside them (``<output>.stats.json``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndetect.cluster import Groups, group_matches
from syndetect.config import Config
from syndetect.dedup import DedupResult, dedup_documents, dedup_passages
from syndetect.engine import PairsResult, Progress, find_pairs
from syndetect.io.writers import write_jsonl, write_run_metadata
from syndetect.provenance import provenance_config, with_sources
from syndetect.records import Cluster, Document
from syndetect.serialize import cluster_json, match_json


def _stats(rstats: Any, extra: dict[str, Any]) -> dict[str, Any]:
    out = rstats.to_json() if rstats is not None else {}
    out.update(extra)
    return out


def clusters_of(result: PairsResult, cfg: Config) -> list[Cluster]:
    """The provenance groups of a detection run (revision and boilerplate pairs left out)."""
    return group_matches(result.matches, result.corpus.docs, cfg, _grams(result)).clusters


def _grams(result: PairsResult) -> list:
    """Every document's word n-gram hashes, for the corpus-wide stock phrase filter."""
    return [f.grams for f in result.corpus.feats]


def write_pairs(
    docs: list[Document], cfg: Config, out: str, rstats: Any = None, progress: Progress | None = None
) -> dict:
    """Detect and write ``pairs.jsonl``; returns the statistics."""
    result = find_pairs(docs, cfg, progress)
    by_id = {d.id: d for d in result.corpus.docs}
    matches = with_sources(result.matches, by_id, provenance_config(cfg))  # the full direction rule
    write_jsonl(out, (match_json(m, by_id) for m in matches))
    stats = _stats(rstats, result.stats)
    write_run_metadata(out, cfg, stats)
    return stats


def write_clusters(
    docs: list[Document],
    cfg: Config,
    out: str,
    rstats: Any = None,
    progress: Progress | None = None,
    pairs_out: str | None = None,
) -> dict:
    """Detect, group and write ``clusters.jsonl`` (and the pairs when asked); returns the statistics."""
    result = find_pairs(docs, cfg, progress)
    by_id = {d.id: d for d in result.corpus.docs}
    clusters = clusters_of(result, cfg)
    stats = _stats(rstats, result.stats)
    stats["clusters"] = len(clusters)
    if pairs_out:
        matches = with_sources(result.matches, by_id, provenance_config(cfg))
        write_jsonl(pairs_out, (match_json(m, by_id) for m in matches))
        write_run_metadata(pairs_out, cfg, stats)
    write_jsonl(out, (cluster_json(c, by_id) for c in clusters))
    write_run_metadata(out, cfg, stats)
    return stats


def dedup(result: PairsResult, cfg: Config) -> DedupResult:
    """Document- or passage-level dedup of a detection run, as configured."""
    if cfg.dedup.level == "passage":
        return dedup_passages(result.corpus.docs, clusters_of(result, cfg))
    return dedup_documents(result.corpus.docs, result.matches, cfg.dedup.threshold, cfg.dedup.keep)


def write_dedup(
    docs: list[Document],
    cfg: Config,
    out: str,
    removed_out: str | None,
    rstats: Any = None,
    progress: Progress | None = None,
) -> dict:
    """Detect, dedup and write ``kept.jsonl`` (and ``removed.jsonl``); returns the statistics."""
    result = find_pairs(docs, cfg, progress)
    dd = dedup(result, cfg)
    stats = _stats(rstats, result.stats)
    stats.update({"kept": len(dd.kept), "removed": len(dd.removed), "level": cfg.dedup.level})
    if removed_out:
        write_jsonl(removed_out, dd.removed)
        write_run_metadata(removed_out, cfg, stats)
    write_jsonl(out, (d.to_json() for d in dd.kept))
    write_run_metadata(out, cfg, stats)
    return stats


@dataclass
class DemoResult:
    pairs: PairsResult
    clusters: list[Cluster]
    dedup: DedupResult
    stats: dict[str, Any]
    files: list[Path]
    groups: Groups | None = None  # revisions, boilerplate, credits: what the cluster stage decided


def run_demo(
    docs: list[Document], cfg: Config, out: Path, rstats: Any = None, progress: Progress | None = None
) -> DemoResult:
    """The whole pipeline, every output into ``out``: pairs, clusters, dedup, the overlap report."""
    from syndetect.report import report_config, report_data, write_report_files

    out.mkdir(parents=True, exist_ok=True)
    result = find_pairs(docs, cfg, progress)
    by_id = {d.id: d for d in result.corpus.docs}
    groups = group_matches(result.matches, result.corpus.docs, cfg, _grams(result))
    result.matches = with_sources(result.matches, by_id, provenance_config(cfg))  # pairs.jsonl: the full rule
    clusters = groups.clusters
    dd = dedup_passages(result.corpus.docs, clusters)
    stats = _stats(rstats, result.stats)
    stats.update(groups.stats())
    stats.update({"clusters": len(clusters), "kept": len(dd.kept), "removed_passages": len(dd.removed)})
    files = [out / "pairs.jsonl", out / "clusters.jsonl", out / "kept.jsonl", out / "removed.jsonl"]
    write_jsonl(files[0], (match_json(m, by_id) for m in result.matches))
    write_jsonl(files[1], (cluster_json(c, by_id) for c in clusters))
    write_jsonl(files[2], (d.to_json() for d in dd.kept))
    write_jsonl(files[3], dd.removed)
    data = report_data(by_id, clusters, stats, report_config(cfg))
    files += write_report_files(
        out / "report.html", data, {"fingerprint": cfg.fingerprint(), "profile": cfg.profile}
    )
    write_run_metadata(out / "run", cfg, stats)
    files.append(out / "run.stats.json")
    return DemoResult(result, clusters, dd, stats, files, groups)
