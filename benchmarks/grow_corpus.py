"""Grow SaudiNewsNet to N documents that reuse text at its measured rates: a seeded, streaming generator.

The scaling benchmark (``benchmarks/bench_scale.py``) needs corpora of 100k to 1M documents that look
to the engine like SaudiNewsNet (``../shared/data/saudinewsnet/articles.jsonl.gz``, 31,030 articles of
14 outlets over 18 days): the same lengths, outlets, documents per day and, above all, the same share
of documents that reuse earlier text and the same ways of reusing it. Every generated document is one
of five kinds, drawn so that the running shares stay on these targets (``SHARES``):

| kind | share | what the document is |
|---|---:|---|
| ``reprint`` | 0.0498 | all of an earlier document, verbatim or respelled (``tests/synthetic.py``: ``verbatim``, ``spelling``) |
| ``trim`` | 0.0977 | its first sentences, at most 85 % of its characters (``trim``, ``reprint-trim``) |
| ``excerpt`` | 0.1844 | a run of its sentences (20-60 % of them) inside the outlet's own text (the excerpt is 20-70 % of the new document) |
| ``rewrite`` | 0.1522 | all of it rewritten: synonyms, spelling, paragraphs reordered, sentences shuffled (``rewrite``) |
| ``original`` | 0.5159 | a real article recombined so that it copies nothing (below) |

The target shares are those measured on all of SaudiNewsNet for issue 13 (scale); ``--measure`` (below)
is this script's own rule for measuring a corpus's shares, so that a generated corpus can be checked
against them (and SaudiNewsNet re-measured by the same rule). An **original** takes a real article of
the outlet, replaces its paragraphs from a random point on with those of another article of the same
outlet (a third of the time), shuffles the sentences of every paragraph (the lead stays first) and
swaps 80 % of the word types outside the 63 most frequent ones, consistently through the document, for
random words of the same frequency band (rank band ``floor(log2(rank + 1))`` in SaudiNewsNet). The text
keeps its length, paragraphs, function words and word-frequency profile but shares no passage with the
article it came from or with another original made from the same article (at 1M documents each article
is the base of about 17 originals: 1,500 originals made 5 at a time from 300 articles gave no pair in
``syndetect pairs``; swapping half of the words at random, 13 % of those sibling pairs matched). The
outlets' own text around an excerpt is made the same way.

A **copy** is made of an earlier document (the source; three times in four an original when one is
near) at a lag drawn from ``LAGS`` (55 % within 12 hours, 30 % 12-48 hours, 15 % 2-7 days), by another
outlet than the source's (never the wire ``was``, which only publishes first); the edits are
``tests/synthetic.py``'s ``apply_edit``. Documents come out in publication order at SaudiNewsNet's rate
(31,030 / 18 a day from 2015-07-21 06:00 +03:00), so every copy is published later than its source.
Only the last 7 days of documents are kept to pick sources from (about 12,000): writing 1M documents
needs no more memory than writing 20,000. The same seed gives the same corpus, and a smaller corpus is
the first documents of a larger one (``--docs 100000`` is the head of ``--docs 1000000``).

Records are the project's input format (``id``, ``text``, ``outlet``, ``published``) plus the generator's
bookkeeping, which the engine carries through untouched: ``reuse`` (the kind) and ``reuse_of`` (the
source's id, ``null`` for an original); ``--no-truth`` leaves them out.

**Measuring** (``--measure FILE``): ``syndetect pairs --backend stream`` on FILE (or ``--pairs P``, an
existing output for it), then every document is classified by the earlier documents it shares passages
with. The later side of each pair is the copy (the pair's ``source`` when the engine inferred one, else
the earlier ``published``, else the larger id). For each (copy, source) document pair: the share of the
copy's characters covered by the union of their shared spans, the same share of the source, and the
share of the copy's covered characters that lie in ``rewrite`` spans. The document's best source is the
one covering most of it (a rewritten one, with rewrite spans on at least half of what it covers, must
cover 0.1 more: an excerpt of a rewrite is an excerpt of the rewrite, not a rewrite of its source). Then: no source: ``original``; rewrite spans at least half of what is covered:
``rewrite``; the copy covered at least ``FULL`` (0.9): ``reprint`` when the source is too, else
``trim``; less: ``excerpt``. When the corpus has ``reuse`` fields, the measured kinds are also tabulated
against them.

Examples:
    .venv/bin/python benchmarks/grow_corpus.py --docs 300000 --seed 1 -o /tmp/grown-300k.jsonl.gz
    .venv/bin/python benchmarks/grow_corpus.py --measure /tmp/grown-5k.jsonl.gz
    .venv/bin/python benchmarks/grow_corpus.py --measure ../shared/data/saudinewsnet/articles.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _load(name: str, path: Path):
    """A module from a file under its own name (``synthetic`` is also ``tests/synthetic.py``'s name)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


bench_synthetic = _load("syndetect_bench_synthetic", HERE / "synthetic.py")
gen = bench_synthetic.gen  # tests/synthetic.py: sentences, Unit, render, apply_edit, _Filler, START
ARTICLES = bench_synthetic.ARTICLES

SHARES = {"reprint": 0.0498, "trim": 0.0977, "excerpt": 0.1844, "rewrite": 0.1522, "original": 0.5159}
KINDS = tuple(SHARES)
DOCS_PER_DAY = 31030 / 18  # SaudiNewsNet's rate
LAGS = ((0.55, 0.1, 12.0), (0.30, 12.0, 48.0), (0.15, 48.0, 168.0))  # (share, least hours, most hours)
PREFER_ORIGINAL = 0.75  # a copy's source is the nearest original this often (else the nearest document)
WALK = 200  # documents looked at around the lag's position for a usable source
RECOMBINE = 1 / 3  # originals whose later paragraphs come from another article of the outlet
KEEP_BANDS = 6  # words of frequency rank below 2**6 - 1 = 63 are never swapped
SWAP = 0.8  # share of the other words (types) an original swaps
REWRITE_SWAP = 0.25  # share of those words a rewrite swaps too (its dictionary synonyms are too few)
TRIM_MAX = 0.85  # a trim keeps at most this share of the source's characters
FULL = 0.9  # --measure: a document covered this much is a whole copy
REWRITE_SHARE = 0.5  # --measure: rewrite spans covering this share of the reuse make it a rewrite
REWRITE_HANDICAP = 0.1  # --measure: a rewritten source must cover this much more to be the best one
# least sentences and words a source needs for each kind of copy
NEEDS = {"reprint": (1, 25), "trim": (5, 60), "excerpt": (2, 40), "rewrite": (3, 40)}

WORD = re.compile(r"\w+")


# ---------------------------------------------------------------------------------------------------------
# The real corpus


@dataclass
class Base:
    """What generation draws on: SaudiNewsNet's articles by outlet and its words by frequency band."""

    outlets: list[str]
    weights: list[int]  # articles per outlet
    texts: dict[str, list[str]]
    bands: list[list[str]]  # words of frequency rank [2**b - 1, 2**(b+1) - 1), most frequent first
    band_of: dict[str, int] = field(repr=False)

    def original(self, rng: random.Random, outlet: str) -> str:
        """A text of ``outlet`` that copies nothing: see the module docstring."""
        pool = self.texts[outlet]
        paras = gen.sentences(rng.choice(pool))
        if len(paras) > 1 and rng.random() < RECOMBINE:
            other = gen.sentences(rng.choice(pool))
            cut = rng.randint(1, len(paras) - 1)
            if len(other) > cut:
                paras = paras[:cut] + other[cut : len(paras)]
        for k, p in enumerate(paras):
            body = p[1:] if k == 0 else p
            rng.shuffle(body)
            paras[k] = [p[0], *body] if k == 0 else body
        cipher: dict[str, str] = {}
        return "\n\n".join(self.swap(" ".join(p), rng, SWAP, cipher) for p in paras)

    def swap(self, text: str, rng: random.Random, rate: float, cipher: dict[str, str] | None = None) -> str:
        """About ``rate`` of the less frequent words replaced by random words of their frequency band,
        consistently through ``cipher`` (word -> its replacement or itself; shared by one document's calls)."""
        cipher = {} if cipher is None else cipher

        def one(m: re.Match[str]) -> str:
            w = m.group(0)
            b = self.band_of.get(w, 0)
            if b < KEEP_BANDS:
                return w
            if w not in cipher:
                cipher[w] = rng.choice(self.bands[b]) if rng.random() < rate else w
            return cipher[w]

        return WORD.sub(one, text)


def load_base(path: Path | str = ARTICLES, limit: int | None = None) -> Base:
    """SaudiNewsNet's articles (the first ``limit`` only when given), grouped by outlet, and its words."""
    counts: Counter = Counter()
    words: Counter = Counter()
    texts: dict[str, list[str]] = defaultdict(list)
    for rec in itertools.islice(bench_synthetic.read_articles(Path(path)), limit):
        outlet, text = rec.get("outlet") or "unknown", rec.get("text") or ""
        counts[outlet] += 1
        texts[outlet].append(text)
        words.update(WORD.findall(text))
    ranked = sorted(words, key=lambda w: (-words[w], w))
    bands: list[list[str]] = []
    band_of: dict[str, int] = {}
    for rank, w in enumerate(ranked):
        b = int(math.log2(rank + 1))
        if b == len(bands):
            bands.append([])
        bands[b].append(w)
        band_of[w] = b
    outlets = sorted(counts)
    return Base(outlets, [counts[o] for o in outlets], dict(texts), bands, band_of)


# ---------------------------------------------------------------------------------------------------------
# Generation


@dataclass(frozen=True)
class Doc:
    """A generated document as kept to pick sources from."""

    index: int
    id: str
    outlet: str
    kind: str
    text: str
    sentences: int
    words: int


def _paras(text: str) -> list[list[Any]]:
    return [[gen.Unit(s) for s in p] for p in gen.sentences(text)]


def _chars(paras: list[list[Any]]) -> int:
    return sum(len(u.text) for p in paras for u in p)


def copy_text(kind: str, src: Doc, rng: random.Random, filler: Any, outlet: str, base: Base) -> str:
    """The text of a ``kind`` copy of ``src`` made by ``outlet``."""
    paras = _paras(src.text)
    sep = "\n\n"
    if kind == "reprint":
        paras = gen.apply_edit("verbatim" if rng.random() < 0.6 else "spelling", paras, rng, filler, outlet)
        sep = rng.choice(("\n", "\n\n", "\n\n "))
    elif kind == "trim":
        most = TRIM_MAX * _chars(paras)
        paras = gen.apply_edit(rng.choice(("trim", "reprint-trim")), paras, rng, filler, outlet)
        while _chars(paras) > most and sum(map(len, paras)) > 2:
            paras[-1].pop()
            if not paras[-1]:
                paras.pop()
    elif kind == "rewrite":
        paras = gen.apply_edit("rewrite", paras, rng, filler, outlet)
        cipher: dict[str, str] = {}
        paras = [[gen.Unit(base.swap(u.text, rng, REWRITE_SWAP, cipher)) for u in p] for p in paras]
    elif kind == "excerpt":
        flat = [u for p in paras for u in p]
        size = max(1, round(len(flat) * rng.uniform(0.2, 0.6)))
        start = 0 if rng.random() < 0.5 else rng.randint(0, len(flat) - size)
        while size < len(flat) and sum(len(u.text.split()) for u in flat[start : start + size]) < 25:
            start, size = max(0, start - 1), size + 1  # long enough to be found
        piece = flat[start : start + size]
        share = rng.uniform(0.2, 0.7)  # the excerpt's share of the new document
        own, need = [], sum(len(u.text) for u in piece) * (1 - share) / share
        while sum(map(len, own)) < need:
            own += filler.take(1)
        cut = rng.randint(0, len(own))
        paras = [[gen.Unit(s) for s in own[:cut]], piece, [gen.Unit(s) for s in own[cut:]]]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return gen.render(paras, sep)[0]


def _pick_kind(rng: random.Random, counts: Counter, k: int) -> str:
    """A kind drawn in proportion to how far each is behind its target share after ``k`` documents."""
    behind = [max(0.0, SHARES[c] * (k + 1) - counts[c]) for c in KINDS]
    return rng.choices(KINDS, behind if sum(behind) > 0 else list(SHARES.values()))[0]


def _usable(d: Doc | None, kind: str) -> bool:
    return d is not None and d.sentences >= NEEDS[kind][0] and d.words >= NEEDS[kind][1]


def _pick_source(rng: random.Random, ring: list[Doc | None], k: int, kind: str, spacing: float) -> Doc | None:
    """An earlier document to copy: the first usable one at or before the lag's position (else after it)."""
    if k == 0:
        return None
    lo, hi = rng.choices([(lo, hi) for _, lo, hi in LAGS], [share for share, _, _ in LAGS])[0]
    steps = max(1, round(rng.uniform(lo, hi) * 3600 / spacing))
    first = max(0, k - len(ring) + 1)
    j = k - steps if k - steps >= first else rng.randrange(first, k)  # the corpus's first days
    near = [*range(j, max(first, j - WALK) - 1, -1), *range(j + 1, min(k, j + WALK))]
    want_original = rng.random() < PREFER_ORIGINAL
    fallback = None
    for i in near:
        d = ring[i % len(ring)]
        if not _usable(d, kind):
            continue
        if not want_original or d.kind == "original":
            return d
        fallback = fallback or d
    return fallback


def generate(n: int, seed: int, base: Base, truth: bool = True) -> Iterator[dict[str, Any]]:
    """``n`` documents in publication order (see the module docstring); only the last 7 days are kept."""
    rng = random.Random(seed)
    fill_rng = random.Random(f"{seed}-own-text")
    spacing = 86400 / DOCS_PER_DAY
    ring: list[Doc | None] = [None] * (math.ceil(max(h for _, _, h in LAGS) * 3600 / spacing) + WALK + 1)
    counts: Counter = Counter()
    own_text = (
        base.original(fill_rng, fill_rng.choices(base.outlets, base.weights)[0]) for _ in itertools.count()
    )
    filler = gen._Filler(own_text)
    copiers = [(o, w) for o, w in zip(base.outlets, base.weights, strict=True) if o not in gen.WIRES]
    for k in range(n):
        when = gen.START + timedelta(seconds=(k + 0.9 * rng.random()) * spacing)
        kind = _pick_kind(rng, counts, k)
        src = _pick_source(rng, ring, k, kind, spacing) if kind != "original" else None
        if src is None:
            kind = "original"
            outlet = rng.choices(base.outlets, base.weights)[0]
            text = base.original(rng, outlet)
        else:
            others = [(o, w) for o, w in copiers if o != src.outlet]
            outlet = rng.choices([o for o, _ in others], [w for _, w in others])[0]
            text = copy_text(kind, src, rng, filler, outlet, base)
        counts[kind] += 1
        doc_id = f"{outlet}-{k + 1:07d}"
        sents = sum(map(len, gen.sentences(text)))
        ring[k % len(ring)] = Doc(k, doc_id, outlet, kind, text, sents, len(text.split()))
        rec: dict[str, Any] = {
            "id": doc_id,
            "outlet": outlet,
            "published": when.isoformat(timespec="seconds"),
            "text": text,
        }
        if truth:
            rec["reuse"] = kind
            rec["reuse_of"] = src.id if src else None
        yield rec


def _open(path: str | Path, mode: str, gz: bool | None = None):
    path = str(path)
    if path.endswith(".gz") if gz is None else gz:
        return gzip.open(path, mode + "t", encoding="utf-8", compresslevel=6)
    return open(path, mode, encoding="utf-8")


def write(path: str | Path, records: Iterable[dict[str, Any]]) -> Counter:
    """Write the records as JSON Lines (gzipped for ``.gz``), whole or not at all; the kinds written."""
    kinds: Counter = Counter()
    tmp = f"{path}.part-{os.getpid()}"
    try:
        with _open(tmp, "w", gz=str(path).endswith(".gz")) as fh:
            for rec in records:
                kinds[rec.get("reuse")] += 1
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return kinds


# ---------------------------------------------------------------------------------------------------------
# Measuring


def _covered(spans: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for s, e in sorted(spans):
        s = max(s, end)
        if e > s:
            total, end = total + e - s, e
    return total


def syndetect_command() -> list[str]:
    """The ``syndetect`` command of this environment."""
    script = Path(sys.executable).with_name("syndetect")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from syndetect_cli.app import main; main()"]


def run_pairs(corpus: str, out: str, backend: str = "stream", jobs: int | None = None) -> None:
    """``syndetect pairs`` on ``corpus`` into ``out`` (quiet)."""
    cmd = [*syndetect_command(), "pairs", corpus, "-o", out, "--backend", backend, "--quiet"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    subprocess.run(cmd, check=True, cwd=ROOT)


def classify(lengths: dict[str, int], pairs: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each document's kind by its best earlier match (the rule of the module docstring)."""
    # (copy, source) -> [copy spans, source spans, rewrite spans on the copy]
    shared: dict[tuple[str, str], list[list[tuple[int, int]]]] = defaultdict(lambda: [[], [], []])
    for p in pairs:
        a, b = p["a"], p["b"]
        if p.get("source") == "a":
            src, cp = a, b
        elif p.get("source") == "b":
            src, cp = b, a
        else:
            src, cp = sorted((a, b), key=lambda x: (x.get("published") or "", x["doc"]))
        slot = shared[(cp["doc"], src["doc"])]
        slot[0].append((cp["start"], cp["end"]))
        slot[1].append((src["start"], src["end"]))
        if p.get("kind") == "rewrite":
            slot[2].append((cp["start"], cp["end"]))
    best: dict[str, tuple[float, float, float]] = {}
    for (cp, src), (c_spans, s_spans, r_spans) in shared.items():
        c = _covered(c_spans)
        score = (c / max(1, lengths.get(cp, 0)), _covered(s_spans) / max(1, lengths.get(src, 0)))
        rewrite = _covered(r_spans) / max(1, c)
        rank = (score[0] - REWRITE_HANDICAP * (rewrite >= REWRITE_SHARE), score[1])
        if cp not in best or rank > best[cp][0]:
            best[cp] = (rank, *score, rewrite)
    kinds = dict.fromkeys(lengths, "original")
    for doc, (_, c, s, rewrite) in best.items():
        if doc not in kinds:
            continue
        if rewrite >= REWRITE_SHARE:
            kinds[doc] = "rewrite"
        elif c >= FULL:
            kinds[doc] = "reprint" if s >= FULL else "trim"
        else:
            kinds[doc] = "excerpt"
    return kinds


def _records(path: str | Path) -> Iterator[dict[str, Any]]:
    with _open(path, "r") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def measure(corpus: str, pairs: str | None = None, backend: str = "stream", jobs: int | None = None) -> dict:
    """The reuse shares of ``corpus`` by the rule of the module docstring (and against its ``reuse``
    fields when it has them)."""
    lengths: dict[str, int] = {}
    truth: dict[str, str] = {}
    for rec in _records(corpus):
        lengths[str(rec["id"])] = len(rec.get("text") or "")
        if "reuse" in rec:
            truth[str(rec["id"])] = rec["reuse"]
    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="grow_measure_") as tmp:
        if pairs is None:
            pairs = os.path.join(tmp, "pairs.jsonl")
            t0 = time.perf_counter()
            run_pairs(corpus, pairs, backend, jobs)
            seconds = time.perf_counter() - t0
        kinds = classify(lengths, _records(pairs))
    n = len(kinds)
    counts = Counter(kinds.values())
    report: dict[str, Any] = {
        "corpus": str(corpus),
        "documents": n,
        "pairs_seconds": round(seconds, 1),
        "measured": {k: round(counts[k] / n, 4) if n else 0.0 for k in KINDS},
        "target": SHARES,
    }
    if truth:
        made = Counter(truth.values())
        report["generated"] = {k: round(made[k] / len(truth), 4) for k in KINDS}
        confusion: dict[str, Counter] = defaultdict(Counter)
        for doc, kind in truth.items():
            confusion[kind][kinds.get(doc, "original")] += 1
        report["confusion"] = {k: dict(confusion[k]) for k in KINDS if k in confusion}
    return report


def format_measure(r: dict[str, Any]) -> str:
    has = "generated" in r
    lines = [
        f"{r['documents']:,} documents in {r['corpus']}",
        "",
        "| kind | SaudiNewsNet target | measured |" + (" generated (bookkeeping) |" if has else ""),
        "|---|---:|---:|" + ("---:|" if has else ""),
    ]
    for k in KINDS:
        row = f"| {k} | {r['target'][k]:.4f} | {r['measured'][k]:.4f} |"
        lines.append(row + (f" {r['generated'][k]:.4f} |" if has else ""))
    if has:
        lines += ["", "| generated \\ measured | " + " | ".join(KINDS) + " |", "|---|" + "---:|" * len(KINDS)]
        for k, row in r["confusion"].items():
            lines.append(f"| {k} | " + " | ".join(str(row.get(m, 0)) for m in KINDS) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="example: python benchmarks/grow_corpus.py --docs 100000 --seed 1 -o grown.jsonl.gz",
    )
    ap.add_argument("--docs", type=int, help="documents to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", help="output .jsonl or .jsonl.gz")
    ap.add_argument("--articles", default=str(ARTICLES), help="SaudiNewsNet articles.jsonl.gz")
    ap.add_argument("--no-truth", action="store_true", help="leave out the reuse / reuse_of fields")
    ap.add_argument("--measure", metavar="FILE", help="measure the reuse shares of a corpus instead")
    ap.add_argument("--pairs", help="with --measure: an existing pairs.jsonl of FILE (else syndetect runs)")
    ap.add_argument("--backend", default="stream", help="with --measure: syndetect's backend (stream)")
    ap.add_argument("--jobs", type=int, default=None, help="with --measure: syndetect --jobs")
    ap.add_argument("--json", help="with --measure: write the report as JSON here too")
    args = ap.parse_args(argv)

    if args.measure:
        report = measure(args.measure, args.pairs, args.backend, args.jobs)
        print(format_measure(report))
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        return 0
    if not args.docs or not args.output:
        ap.error("give --docs N and -o OUT (or --measure FILE)")
    if not Path(args.articles).is_file():
        print(f"error: {args.articles}: no such file (SaudiNewsNet)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    base = load_base(args.articles)
    t1 = time.perf_counter()
    kinds = write(args.output, generate(args.docs, args.seed, base, truth=not args.no_truth))
    t2 = time.perf_counter()
    shares = ", ".join(f"{k} {kinds[k] / args.docs:.4f}" for k in KINDS) if not args.no_truth else "-"
    print(
        f"{args.docs:,} documents -> {args.output} (seed {args.seed}; SaudiNewsNet read in {t1 - t0:.1f} s, "
        f"generated in {t2 - t1:.1f} s); kinds: {shares}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
