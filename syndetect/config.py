"""One configuration tree: a dataclass per stage, TOML in, a fingerprint out.

Example:
    >>> cfg = load_config(profile="syndication")
    >>> cfg.minhash.num_perm
    128
    >>> cfg2 = with_overrides(cfg, {"lsh": {"bands": 16, "rows": 8}})
    >>> cfg.fingerprint() != cfg2.fingerprint()
    True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NORMALIZER_VERSION = "2"  # 2: the persian fold (ک ی ە ۀ ہ ھ ے to Arabic letters)


@dataclass(frozen=True)
class NormalizeConfig:
    """Which Arabic normalization steps run (each a named function in ``syndetect.text.normalize``)."""

    nfkc: bool = True
    invisible: bool = True
    diacritics: bool = True
    tatweel: bool = True
    persian: bool = True  # Persian and Urdu letter forms to the Arabic ones (ک -> ك, ی -> ي, ...)
    alef: bool = True
    alef_maqsura: bool = True
    teh_marbuta: bool = True
    hamza: bool = True
    digits: bool = True
    punctuation: bool = True
    latin_case: bool = True
    version: str = NORMALIZER_VERSION


@dataclass(frozen=True)
class ReadConfig:
    """How inputs are read."""

    skip_invalid: bool = False
    min_tokens: int = 8  # documents with fewer normalized tokens are kept but never indexed
    outlet_map: dict[str, str] = field(default_factory=dict)  # host (or host/path prefix) -> outlet


@dataclass(frozen=True)
class ShingleConfig:
    """Tokens and shingles."""

    ngram: int = 3  # word n-grams for the ordered channel
    clitics: bool = False  # strip و ف ب ل ك ال prefixes from tokens
    bag_stem: bool = (
        False  # order-free verification compares light-stemmed content words (syndetect.text.stem)
    )
    seed: int = 1


@dataclass(frozen=True)
class SegmentConfig:
    """Windows over the token stream for passage-level detection."""

    window: int = 40  # tokens per window
    stride: int = 20  # tokens between window starts
    wide: int = 4  # the bag_wide channel's windows and stride are this many times longer


@dataclass(frozen=True)
class MinHashConfig:
    """MinHash signatures; ``scheme`` is datasketch's permutation scheme name."""

    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"


@dataclass(frozen=True)
class LSHConfig:
    """Banding. ``bands * rows`` must not exceed ``num_perm``; 0 means choose from ``threshold``."""

    threshold: float = 0.3
    bands: int = 0
    rows: int = 0
    max_bucket: int = 200  # band buckets holding more windows than this are dropped (boilerplate)
    min_estimate: float = 0.2  # ordered channel: candidates whose MinHash estimate is lower are dropped
    channels: tuple[str, ...] = ("ordered", "bag")  # add "bag_wide" for long shuffled copies
    min_estimate_bag: float = 0.3  # the same for the order-free channels


@dataclass(frozen=True)
class VerifyConfig:
    """Exact checks on candidates and alignment to spans."""

    min_jaccard: float = 0.15  # window pair, ordered shingles
    min_containment: float = 0.3
    bag_containment: float = 0.6  # order-free channel: share of content words found on the other side
    bag_min_words: int = 12  # content words an order-free passage needs
    reorder_gap: int = 6  # passages this close on one side (and max_gap on the other) are one reordered passage
    keep_apart: int = 15  # verbatim passages this long stay pairs of their own inside a rewritten region
    bag_length_ratio: float = 2.5  # order-free passages whose sides differ more in length are rejected
    bag_ordered: float = 0.0  # or this containment, with as large a share kept in order (0 = off)
    bag_tighten: float = 0.0  # cut order-free passages to their best-matching stretch (miss penalty; 0 = off)
    snap_sentences: int = 0  # rewrites widened to sentence edges at most this many tokens away (0 = off)
    min_tokens: int = 8  # shortest reported passage, in tokens
    max_gap: int = 6  # tokens skipped on either side when chaining seeds into one passage
    min_seeds: int = 3  # shared n-grams an ordered passage needs
    near_jaccard: float = 0.5  # n-gram Jaccard from which a non-exact copy is "near", below "rewrite"


@dataclass(frozen=True)
class ClusterConfig:
    """Grouping passages into provenance groups."""

    min_overlap: float = 0.5  # two spans of one document are one node when they overlap this much
    split_density: float = 0.5  # components with fewer internal edges than this share are split


@dataclass(frozen=True)
class DedupConfig:
    """``syndetect dedup``."""

    level: str = "document"
    keep: str = "earliest"  # or "longest"
    threshold: float = 0.8  # share of the removed document's word n-grams found in its survivor
    ngram: int = 5  # n of those word n-grams (normalized words, exact sets)
    max_number_changes: int = 0  # aligned places where the two give different numbers (a template)
    name_changes_per_100: float = 2.0  # aligned places with other names allowed per 100 words (min 1)


@dataclass(frozen=True)
class ProvenanceConfig:
    """Rules of origin and copy tree (the ``[provenance]`` table of the configuration).

    Args:
        tie_min_coverage: the share of the shorter text that must be shared for the text rule to apply.
        tie_min_length_gap: the shorter text must be at least this much shorter (relative) to be the copy.
        contains_min_coverage: "contains the other plus more" needs the shorter covered this much...
        contains_min_lead: ... and the longer to have at least this many characters of its own before it.
        credit_window_hours: a credited agency article up to this much later than the crediting article
            still counts as its source (crawl clocks lag).
        crawl_window_hours: a crawl time says the page was published in the this many hours before it.
        crawl_batch_min_docs: this many documents of one outlet stamped within a minute are a crawl
            batch: their times are crawl times (0 turns the detection off).
        enclosing_min_containment: a passage is an "enclosing copy" of another document when their
            verified pair has at least this containment and lengths within ``enclosing_max_ratio``.
        enclosing_max_ratio: longest over shortest span of such a pair.
        lead_chars, tail_chars: where credits are looked for (plus the byline).
        max_candidates: similarity is computed from the texts against at most this many earlier members
            when a member has no verified pair with any of them.
    """

    tie_min_coverage: float = 0.5
    tie_min_length_gap: float = 0.05
    contains_min_coverage: float = 0.9
    contains_min_lead: int = 100
    credit_window_hours: float = 36.0
    crawl_window_hours: float = 24.0
    crawl_batch_min_docs: int = 10
    enclosing_min_containment: float = 0.8
    enclosing_max_ratio: float = 1.25
    lead_chars: int = 300
    tail_chars: int = 200
    max_candidates: int = 200


@dataclass(frozen=True)
class BoilerplateConfig:
    """Per-outlet boilerplate (the ``[boilerplate]`` table of the configuration).

    Args:
        min_docs: a segment is boilerplate only when it recurs in at least this many documents of an outlet...
        min_share: ... and in at least this share of the outlet's documents.
        max_pair_share: a verified pair is dropped when more than this share of its span on either
            side is boilerplate of that document.
        min_tokens: shorter segments are ignored (too short to be paired anyway).
        stock_min_docs: corpus-wide stock phrases: a word n-gram found in at least this many documents
            (any outlet) is stock (royal titles, "خادم الحرمين الشريفين ..."); a syndicated story
            rarely reaches it, a formula does.
        stock_min_specific: a verified pair whose shorter span has fewer n-grams than this that are not
            stock is left out of clusters: it would chain unrelated stories into one group.
    """

    min_docs: int = 3
    min_share: float = 0.05
    max_pair_share: float = 0.5
    min_tokens: int = 2
    stock_min_docs: int = 30
    stock_min_specific: int = 5


@dataclass(frozen=True)
class ReportConfig:
    """What the report shows (the ``[report]`` table of the configuration)."""

    top_passages: int = 20
    max_views: int = 40
    max_documents: int = 200
    snippet_chars: int = 240


@dataclass(frozen=True)
class SemanticConfig:
    """The opt-in paraphrase and translation channel (the ``[semantic]`` table; ``syndetect.detect.semantic``).

    Off by default; while off it is left out of the resolved configuration and of the fingerprint, so
    that every output stays as it was without the channel.

    Args:
        enabled: run the channel (needs the ``semantic`` extra: ``pip install 'syndetect[semantic]'``).
        candidates: which document pairs are compared: ``"topic"``, the lexical channels' candidate
            pairs; ``"window"``, those and every pair of documents published within ``window_hours``.
        window_hours: the date window.
        min_cosine: the floor of two units' (sentences, clauses, quotes) embedding cosine; a pair below
            ``strong_cosine`` is kept only next to a linking pair or a lexical match (below).
        strong_cosine: a unit pair at this cosine and ``min_margin`` links two documents by itself.
        min_margin: the margin a linking pair needs: its cosine over the mean cosine of each unit's
            ``margin_k`` nearest other statements in other documents (ratio margin, as in bitext mining):
            a sentence close to many others (the day's story, a stock phrase) needs a closer match.
        weak_margin: the margin a pair between ``min_cosine`` and ``strong_cosine`` needs, accepted only
            where it continues a linking pair or a lexical match on both sides (``merge_gap``).
        margin_k: how many nearest statements (one per document, near-copies counted once) set a unit's
            neighbourhood.
        copy_cosine: units this close are copies of one statement: not counted twice in a neighbourhood.
        max_documents: a unit with a neighbour at ``min_cosine`` in more documents than this is a stock
            sentence (a dateline, a market summary template) and is never paired.
        neighbours: nearest units looked up per unit (the candidates and the statistics above).
        min_words: units (sentences, clauses, quoted stretches) shorter than this many words are not
            embedded.
        merge_gap: paired units this many characters apart or less on both sides are one passage.
        batch: sentences embedded per call of the encoder.
    """

    enabled: bool = False
    candidates: str = "window"
    window_hours: float = 36.0
    min_cosine: float = 0.6
    strong_cosine: float = 0.7
    min_margin: float = 1.1
    weak_margin: float = 1.05
    margin_k: int = 4
    copy_cosine: float = 0.9
    max_documents: int = 8
    neighbours: int = 48
    min_words: int = 8
    merge_gap: int = 40
    batch: int = 256


@dataclass(frozen=True)
class RunConfig:
    """How the work is run; never what it finds (not part of the fingerprint)."""

    jobs: int = 0  # processes verifying candidate pairs (0: one per usable core)


@dataclass(frozen=True)
class Config:
    """The whole configuration tree."""

    profile: str = "syndication"
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    read: ReadConfig = field(default_factory=ReadConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    provenance: ProvenanceConfig = field(default_factory=ProvenanceConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    semantic: SemanticConfig = field(default_factory=SemanticConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def to_dict(self) -> dict[str, Any]:
        """The tree as JSON-native values (tuples become lists), as written beside every output.

        The ``semantic`` table appears only when the channel is on: off, the tree (and so the
        fingerprint) is the same as without the table.
        """
        tree = json.loads(json.dumps(dataclasses.asdict(self)))
        if not self.semantic.enabled:
            del tree["semantic"]
        return tree

    def fingerprint(self) -> str:
        """A short stable hash of everything that changes results (not the ``run`` section)."""
        tree = self.to_dict()
        del tree["run"]
        blob = json.dumps(tree, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


PROFILES: dict[str, dict[str, Any]] = {
    # Passage-level reuse across outlets: wire copy, trimmed reprints, light edits.
    "syndication": {},
    # Near-duplicate documents in a crawl: whole-document similarity, fewer, longer windows.
    "crawl-dedup": {
        "segment": {"window": 80, "stride": 40},
        # dedup removes only what is copied in order: the order-free channel finds rewrites it keeps
        "lsh": {"threshold": 0.5, "channels": ["ordered"]},
        "verify": {"min_tokens": 20},
    },
    # Edited, shuffled and paraphrased copies of whole passages (plagiarism-style reuse): passages
    # shorter than 16 tokens (a shared name chain, a common quotation) are not reported.
    "rewrites": {
        "lsh": {"channels": ["ordered", "bag", "bag_wide"], "min_estimate_bag": 0.15},
        "shingle": {"bag_stem": True},
        "verify": {
            "min_tokens": 16,
            "bag_tighten": 0.6,
            "bag_ordered": 0.4,
            "keep_apart": 60,
            "snap_sentences": 6,
        },
    },
    # Paraphrases and independent translations of the same statement (tracing a story, not deduplicating
    # a crawl): the syndication channels plus sentence embeddings (``syndetect.detect.semantic``).
    "translations": {"semantic": {"enabled": True}},
}


class ConfigError(ValueError):
    """A configuration value or file that cannot be used."""


def _merge(obj: Any, overrides: dict[str, Any], where: str) -> Any:
    if not dataclasses.is_dataclass(obj):
        raise ConfigError(f"{where}: not a section")
    names = {f.name: f for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in names:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(names))})")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key}: expected a table")
            changes[key] = _merge(current, value, f"{where}.{key}")
        else:
            if isinstance(current, bool) and not isinstance(value, bool):
                raise ConfigError(f"{where}.{key}: expected true or false, got {value!r}")
            if isinstance(current, int | float) and not isinstance(current, bool):
                if not isinstance(value, int | float) or isinstance(value, bool):
                    raise ConfigError(f"{where}.{key}: expected a number, got {value!r}")
                value = type(current)(value)
            if isinstance(current, tuple):
                if not isinstance(value, list | tuple) or not all(isinstance(x, str) for x in value):
                    raise ConfigError(f"{where}.{key}: expected a list of names, got {value!r}")
                value = tuple(value)
            changes[key] = value
    return dataclasses.replace(obj, **changes)


def with_overrides(cfg: Config, overrides: dict[str, Any]) -> Config:
    """A copy of ``cfg`` with a nested dict of values replaced (unknown keys are errors)."""
    return _validate(_merge(cfg, overrides, "config"))


def _validate(cfg: Config) -> Config:
    if cfg.minhash.num_perm < 8:
        raise ConfigError(f"minhash.num_perm={cfg.minhash.num_perm}: use at least 8")
    if cfg.minhash.scheme not in ("affine32",):
        raise ConfigError(
            f"minhash.scheme={cfg.minhash.scheme!r}: only 'affine32' (datasketch 2.x) is supported"
        )
    if cfg.lsh.bands * cfg.lsh.rows > cfg.minhash.num_perm:
        raise ConfigError(
            f"lsh.bands*rows={cfg.lsh.bands * cfg.lsh.rows} exceeds minhash.num_perm={cfg.minhash.num_perm}"
        )
    if not 0 < cfg.lsh.threshold < 1:
        raise ConfigError(f"lsh.threshold={cfg.lsh.threshold}: must be between 0 and 1")
    if cfg.segment.stride < 1 or cfg.segment.window < cfg.shingle.ngram:
        raise ConfigError("segment.window must be at least shingle.ngram and segment.stride at least 1")
    unknown = set(cfg.lsh.channels) - {"ordered", "bag", "bag_wide"}
    if unknown or not cfg.lsh.channels:
        raise ConfigError(f"lsh.channels={list(cfg.lsh.channels)}: choose from ordered, bag, bag_wide")
    if cfg.dedup.keep not in ("earliest", "longest"):
        raise ConfigError(f"dedup.keep={cfg.dedup.keep!r}: use 'earliest' or 'longest'")
    if cfg.run.jobs < 0:
        raise ConfigError(f"run.jobs={cfg.run.jobs}: use 0 (one per core) or more")
    sem = cfg.semantic
    if sem.candidates not in ("topic", "window"):
        raise ConfigError(f"semantic.candidates={sem.candidates!r}: use 'topic' or 'window'")
    for name in ("min_cosine", "strong_cosine", "copy_cosine"):
        if not -1 <= getattr(sem, name) <= 1:
            raise ConfigError(f"semantic.{name}={getattr(sem, name)}: a cosine, between -1 and 1")
    if sem.strong_cosine < sem.min_cosine or sem.min_margin < sem.weak_margin or sem.weak_margin <= 0:
        raise ConfigError(
            f"semantic: need min_cosine <= strong_cosine ({sem.min_cosine}, {sem.strong_cosine}) and "
            f"0 < weak_margin <= min_margin ({sem.weak_margin}, {sem.min_margin})"
        )
    if sem.window_hours < 0 or sem.min_words < 1 or sem.merge_gap < 0 or sem.batch < 1:
        raise ConfigError(
            "semantic: window_hours and merge_gap must be at least 0, min_words and batch at least 1"
        )
    if not 0 < cfg.dedup.threshold <= 1 or cfg.dedup.ngram < 1:
        raise ConfigError("dedup.threshold must be in (0, 1] and dedup.ngram at least 1")
    if sem.margin_k < 1 or sem.max_documents < 1 or sem.neighbours < sem.margin_k:
        raise ConfigError(
            "semantic: margin_k and max_documents must be at least 1, neighbours at least margin_k"
        )
    if cfg.dedup.level not in ("document", "passage"):
        raise ConfigError(f"dedup.level={cfg.dedup.level!r}: use 'document' or 'passage'")
    return cfg


def parse_overrides(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``["verify.max_gap=10", "lsh.threshold=0.25"]`` as nested overrides for :func:`with_overrides`
    (values parsed as JSON, else kept as strings).

    >>> parse_overrides(["verify.max_gap=10", 'lsh.channels=["ordered"]'])
    {'verify': {'max_gap': 10}, 'lsh': {'channels': ['ordered']}}
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set {item!r}: expected SECTION.KEY=VALUE")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = out
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def load_config(path: str | Path | None = None, profile: str | None = None) -> Config:
    """The configuration: defaults, then the named profile, then the TOML file's values.

    A TOML file may name its profile with a top-level ``profile = "..."``.
    """
    data: dict[str, Any] = {}
    if path is not None:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as err:
            raise ConfigError(f"{path}: cannot read ({err.strerror})") from err
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: invalid TOML ({err})") from err
        except UnicodeDecodeError as err:
            raise ConfigError(
                f"{path}: not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset {err.start})"
            ) from None
    name = profile or data.pop("profile", None) or "syndication"
    data.pop("profile", None)
    if name not in PROFILES:
        raise ConfigError(f"unknown profile {name!r} (known: {', '.join(PROFILES)})")
    cfg = with_overrides(Config(profile=name), PROFILES[name])
    return with_overrides(cfg, data)
