"""syndetect side by side with its peers: time, peak memory and quality on the same corpora, same machine.

Tools (each in its own subprocess, one after the other; a driver in ``benchmarks/peers/`` per tool):

- ``syndetect``: ``find_pairs`` with the profile that fits the corpus (``syndication`` for SaudiNewsNet
  and the synthetic corpus, ``rewrites`` for ExAra); passage level, spans, origins (``clusters_of``).
- ``datasketch``: the naive pipeline of ``benchmarks/bench_pairs.py`` (pyarabic normalization, word
  n-grams, ``MinHash.bulk``, ``MinHashLSH``): candidate document pairs, no verification.
- ``text-dedup`` 0.4.1: ``text_dedup.minhash`` run from a ``config.toml`` as its README shows; clusters.
- ``datatrove`` 0.10.1: the four-stage MinHash dedup of its example script; clusters (union-find).

The peers live in their own virtualenvs under ``.venv-peers/<tool>`` (``--setup`` makes them: text-dedup
0.4.1 needs Python >= 3.12). Every tool has a ``default`` setting (what its documentation shows; for
datasketch the pipeline of ``bench_pairs.py``) and, for the peers, a ``best`` one (the best found on the
synthetic corpus, see ``benchmarks/peers/RESULTS.md``); ``--try TOOL:NAME:JSON`` adds more.

Measured from outside by ``benchmarks/peers/measure.py``, a small helper that forks the driver: CPU
seconds (user + system of the driver and its reaped children, from ``os.wait4``), wall seconds, peak RSS
(``ru_maxrss`` of the driver: the largest process of its tree, not a sum; about 10 MB is the helper's
floor). On a shared machine the CPU seconds are the comparable figure. Input conversion for a peer (its
input format) is done before, unmeasured.

Quality, document level for every tool: a pair is "found" when the tool reports it (pair tools) or puts
both documents in one cluster (cluster tools: every pair of members counts as reported, transitively).

1. SaudiNewsNet: reprint recall, the share of member pairs of ``cross_outlet_exact_paragraphs.jsonl``
   (as in ``bench_pairs.py``) found; syndetect also at span level (one match covers >= 90 % of the
   paragraph on both sides).
2. ExAra: gold = (suspicious, source) document pairs with at least one reuse case; P/R/F1 over the
   suspicious-source pairs a tool reports; suspicious-suspicious and source-source pairs are counted
   apart (not in the gold, not false positives). syndetect also gets PAN plagdet (``pan_measures``, as
   ``benchmarks/exara.py`` computes it).
3. Synthetic (``benchmarks/synthetic.py`` generator, 300 stories, seed 1): gold = document pairs with a
   gold reuse; P/R/F1 over all reported pairs; syndetect also character-level F1 and origin accuracy
   (the others have no origin).

Reproduce:
    .venv/bin/python benchmarks/peers.py --setup          # creates .venv-peers/{text-dedup,datatrove}
    .venv/bin/python benchmarks/peers.py                  # every corpus, every tool; out/peers.json
    .venv/bin/python benchmarks/peers.py --corpora exara synthetic --tools syndetect datatrove
    .venv/bin/python benchmarks/peers.py --corpora snn --limit 3000
"""

from __future__ import annotations

import argparse
import glob
import gzip
import itertools
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DRIVERS = HERE / "peers"
VENVS = ROOT / ".venv-peers"
sys.path.insert(0, str(HERE))  # bench_pairs, exara, synthetic
sys.path.insert(0, str(ROOT))

import bench_pairs  # noqa: E402

# ------------------------------------------------------------------------------------------ tools

PROFILES = {"snn": "syndication", "exara": "rewrites", "synthetic": "syndication"}


@dataclass(frozen=True)
class Peer:
    """A peer's virtualenv: the packages pinned and the least Python it needs."""

    pins: tuple[str, ...]
    min_python: tuple[int, int]


PEERS: dict[str, Peer] = {
    "text-dedup": Peer(("text-dedup==0.4.1",), (3, 12)),
    # [processing] brings regex and xxhash, which MinhashDedupSignature imports; [io] the JSONL reader's
    # codecs; spacy is the word tokenizer of every language datatrove's MinHash tokenizes ("eng", "ara").
    "datatrove": Peer(("datatrove[io,processing]==0.10.1", "spacy==3.8.18"), (3, 10)),
}

# Settings per tool. "default": what the tool's documentation shows a user; "best": the best setting
# found on the synthetic corpus (see benchmarks/peers/RESULTS.md for the sweep).
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "syndetect": {"default": {}},
    "datasketch": {
        "default": {"ngram": 5, "threshold": 0.5, "num_perm": 128},
        "best": {"ngram": 3, "threshold": 0.2, "num_perm": 128},
    },
    "text-dedup": {
        "default": {},  # the README's config.toml: 5-grams, num_perm 240, threshold 0.7, verified
        "best": {"ngram_size": 3, "threshold": 0.2, "check_false_positive": False},
    },
    "datatrove": {
        "default": {},  # MinhashConfig(): 5-grams, 14 buckets x 8 hashes, English tokenizer
        "best": {"language": "ara", "n_grams": 3, "num_buckets": 25, "hashes_per_bucket": 2},
    },
}
TOOLS = tuple(SETTINGS)


def venv_python(tool: str) -> Path:
    """The interpreter a tool runs with."""
    if tool in PEERS:
        return VENVS / tool / "bin" / "python"
    return Path(sys.executable)


def python_version(exe: str) -> tuple[int, int] | None:
    """``(major, minor)`` of an interpreter, or None when it does not run (e.g. a pyenv shim)."""
    try:
        out = subprocess.run(
            [exe, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode:
        return None
    major, minor = out.stdout.split()
    return int(major), int(minor)


def find_python(least: tuple[int, int]) -> str:
    """``PEERS_PYTHON`` or this interpreter when recent enough, else the oldest one at least ``least``
    among ``python3.N`` on PATH and pyenv's (the peers' pins were measured that way: datatrove on 3.11,
    text-dedup on 3.12)."""
    for exe in (os.environ.get("PEERS_PYTHON", ""), sys.executable):
        if exe and (python_version(exe) or (0, 0)) >= least:
            return exe
    candidates = []
    candidates += [shutil.which(f"python3.{m}") or "" for m in range(least[1], 20)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
    found = [(v, exe) for exe in filter(None, candidates) if (v := python_version(exe)) and v >= least]
    if not found:
        raise SystemExit(f"error: no Python >= {least[0]}.{least[1]} found (set PEERS_PYTHON)")
    return min(found)[1]


def setup(tools: list[str]) -> None:
    """Create ``.venv-peers/<tool>`` for each peer and pip-install its pinned packages."""
    for tool in tools:
        if tool not in PEERS:
            continue
        peer, target = PEERS[tool], VENVS / tool
        base = find_python(peer.min_python)
        print(f"{tool}: {target} with {base} ({'.'.join(map(str, python_version(base) or ()))})", flush=True)
        if not (target / "bin" / "python").exists():
            subprocess.run([base, "-m", "venv", str(target)], check=True)
        pip = [str(target / "bin" / "python"), "-m", "pip"]
        subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-q", *peer.pins], check=True)
        freeze = subprocess.run([*pip, "freeze"], capture_output=True, text=True, check=True).stdout
        (target / "freeze.txt").write_text(freeze, encoding="utf-8")


def versions() -> dict[str, str]:
    """The version of each tool as installed."""
    import datasketch

    from syndetect import __version__ as syndetect_version

    out = {"syndetect": syndetect_version, "datasketch": datasketch.__version__}
    for tool in PEERS:
        module = tool.replace("-", "_")
        code = f"import importlib.metadata as m; print(m.version({tool!r}))"
        try:
            res = subprocess.run([str(venv_python(tool)), "-c", code], capture_output=True, text=True)
            out[tool] = res.stdout.strip() or f"not installed ({res.stderr.strip().splitlines()[-1:]})"
        except OSError as err:
            out[tool] = f"not installed ({module}: {err})"
    return out


# ------------------------------------------------------------------------------------ measurement


def measure(cmd: list[str], work: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` through ``peers/measure.py`` (output to ``work/log.txt``); its exit code, CPU and wall
    seconds and peak RSS in MB (see that helper for why it is not forked from this process)."""
    out = work / "measure.json"
    helper = [sys.executable, str(DRIVERS / "measure.py"), str(out), str(work / "log.txt"), "--", *cmd]
    subprocess.run(helper, cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def log_tail(log: Path, lines: int = 12) -> str:
    """The end of a log, for the error note of a failed run."""
    text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return "\n".join(text[-lines:])


def commands(
    tool: str, params: dict[str, Any], docs: Path, work: Path, out: Path, corpus: str
) -> list[list[str]]:
    """The driver command lines of one run: an unmeasured preparation (maybe) and the measured run."""
    py = str(venv_python(tool))
    p = json.dumps(params)
    if tool == "syndetect":
        extra = ["--clusters"] if corpus == "synthetic" else []
        return [
            [
                py,
                str(DRIVERS / "run_syndetect.py"),
                str(docs),
                str(out),
                "--profile",
                PROFILES[corpus],
                *extra,
            ]
        ]
    if tool == "datasketch":
        return [[py, str(DRIVERS / "run_naive.py"), str(docs), str(out), "--params", p]]
    if tool == "text-dedup":
        script = str(DRIVERS / "run_textdedup.py")
        return [
            [py, script, "prepare", str(docs), str(work)],
            [py, script, "run", str(work), str(out), "--params", p],
        ]
    if tool == "datatrove":
        return [[py, str(DRIVERS / "run_datatrove.py"), str(docs), str(work), str(out), "--params", p]]
    raise ValueError(tool)


def run_tool(
    tool: str, setting: str, params: dict[str, Any], docs: Path, tmp: Path, corpus: str
) -> dict[str, Any]:
    """One tool, one setting, one corpus: the measurement and the driver's report (or the error)."""
    if tool in PEERS and not venv_python(tool).exists():
        return {"error": f"{venv_python(tool)} missing: run `python benchmarks/peers.py --setup`"}
    work = tmp / f"{tool}-{setting}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out = work / "result.json"
    *prep, main = commands(tool, params, docs, work, out, corpus)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    for cmd in prep:
        res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        if res.returncode:
            return {"error": f"preparation failed: {shlex.join(cmd)}\n{res.stderr[-2000:]}"}
    print(f"  {tool} [{setting}] ...", end="", flush=True)
    m = measure(main, work, env)
    if m["rc"] or not out.exists():
        print(f" failed (exit {m['rc']})", flush=True)
        return {**m, "error": f"exit {m['rc']}: {shlex.join(main)}\n{log_tail(work / 'log.txt')}"}
    print(f" {m['cpu']:.1f} s CPU, {m['wall']:.1f} s wall, {m['peak_mb']:.0f} MB", flush=True)
    return {**m, "params": params, "command": shlex.join(main), "report": json.loads(out.read_text("utf-8"))}


# ------------------------------------------------------------------------------------ grouping


@dataclass
class Found:
    """What a tool put together: reported pairs, or clusters (every member pair counts)."""

    pairs: set[tuple[str, str]] = field(default_factory=set)
    cluster_of: dict[str, int] = field(default_factory=dict)
    clusters: list[list[str]] = field(default_factory=list)

    @classmethod
    def of(cls, report: dict[str, Any]) -> Found:
        if report["kind"] == "pairs":
            return cls(pairs={tuple(sorted(p)) for p in report["pairs"]})
        clusters = [c for c in report["clusters"] if len(c) > 1]
        return cls(cluster_of={d: k for k, c in enumerate(clusters) for d in c}, clusters=clusters)

    def together(self, x: str, y: str) -> bool:
        if self.clusters:
            cx = self.cluster_of.get(x)
            return cx is not None and cx == self.cluster_of.get(y)
        return tuple(sorted((x, y))) in self.pairs

    def n_pairs(self) -> int:
        if self.clusters:
            return sum(len(c) * (len(c) - 1) // 2 for c in self.clusters)
        return len(self.pairs)

    def iter_pairs(self) -> Iterator[tuple[str, str]]:
        """Every pair (cluster tools: every member pair, sorted)."""
        if self.clusters:
            for c in self.clusters:
                yield from itertools.combinations(sorted(c), 2)
        else:
            yield from self.pairs

    def shape(self) -> str:
        if self.clusters:
            sizes = sorted(map(len, self.clusters), reverse=True)
            return f"{len(sizes)} clusters (largest {sizes[0]})"
        return f"{len(self.pairs)} document pairs reported"


def prf(tp: int, pred: int, gold: int) -> dict[str, float]:
    """Precision, recall, F1 from counts."""
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# ------------------------------------------------------------------------------------ corpora


@dataclass
class Corpus:
    """A corpus written once as JSONL (id, text, outlet, published) and its scorer."""

    name: str
    title: str
    docs: Path
    n_docs: int
    score: Callable[[str, dict[str, Any]], dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)


def write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def snn_corpus(tmp: Path, limit: int | None, cover: float) -> Corpus:
    """SaudiNewsNet (first ``limit`` articles) and reprint recall."""
    doc_text: dict[str, str] = {}

    def records() -> Iterator[dict[str, Any]]:
        with gzip.open(bench_pairs.ARTICLES, "rt", encoding="utf-8") as fh:
            for line in itertools.islice(fh, limit):
                rec = json.loads(line)
                doc_text[rec["id"]] = rec["text"]
                yield {
                    "id": rec["id"],
                    "text": rec["text"],
                    "outlet": rec["outlet"],
                    "published": rec["date"],
                }

    path = tmp / "snn.jsonl"
    n = write_jsonl(path, records())
    items, unlocated = bench_pairs.load_reprints(doc_text)

    def score(tool: str, report: dict[str, Any]) -> dict[str, Any]:
        found = Found.of(report)
        hit = sum(found.together(it["x"], it["y"]) for it in items)
        out = {
            "reprint_pairs": len(items),
            "found": hit,
            "recall": hit / len(items) if items else 0.0,
            "pairs": found.n_pairs(),
            "shape": found.shape(),
        }
        if tool == "syndetect":
            out["span_recall"] = syndetect_span_recall(items, report["matches"], cover)
        return out

    title = (
        f"SaudiNewsNet, {n} articles; reprint recall over {len(items)} member pairs of reprinted paragraphs"
    )
    meta = {"articles": n, "reprint_pairs": len(items), "unlocated": unlocated, "limit": limit}
    return Corpus("snn", title, path, n, score, meta)


def syndetect_span_recall(items: list[dict], matches: list[list[Any]], cover: float) -> float:
    """Share of reprints one syndetect match covers (``bench_pairs.syndetect_found``)."""
    by_pair: dict[tuple[str, str], list] = {}
    for a, a0, a1, b, b0, b1, _kind in matches:
        key, spans = ((a, b), ((a0, a1), (b0, b1))) if a < b else ((b, a), ((b0, b1), (a0, a1)))
        by_pair.setdefault(key, []).append(spans)
    hits = sum(bench_pairs.syndetect_found(it, by_pair, cover)[0] for it in items)
    return hits / len(items) if items else 0.0


def exara_corpus(tmp: Path) -> Corpus:
    """ExAra (all of the development half) and document-pair P/R/F1 over suspicious-source pairs."""
    from syndetect.evaluate import exara

    data = exara.load()
    path = tmp / "exara.jsonl"
    n = write_jsonl(path, ({"id": d.id, "text": d.text, "outlet": d.outlet} for d in data.docs))
    gold = {tuple(sorted((f"suspicious/{c.suspicious}", f"source/{c.source}"))) for c in data.cases}

    def score(tool: str, report: dict[str, Any]) -> dict[str, Any]:
        found = Found.of(report)
        sides: dict[str, int] = {}
        scored = set()
        for x, y in found.iter_pairs():
            kind = "-".join(sorted((x.split("/")[0], y.split("/")[0]), reverse=True))
            sides[kind] = sides.get(kind, 0) + 1
            if kind == "suspicious-source":
                scored.add((x, y))
        out = {
            **prf(len(scored & gold), len(scored), len(gold)),
            "pairs": len(scored),
            "other_pairs": {k: v for k, v in sides.items() if k != "suspicious-source"},
            "shape": found.shape(),
        }
        if tool == "syndetect":
            out["plagdet"] = exara_plagdet(report["matches"], data)
        return out

    title = f"ExAra development half, {n} documents; gold: {len(gold)} (suspicious, source) document pairs"
    return Corpus(
        "exara", title, path, n, score, {"documents": n, "gold_pairs": len(gold), "cases": len(data.cases)}
    )


def exara_plagdet(matches: list[list[Any]], data: Any) -> dict[str, float]:
    """PAN measures of syndetect's suspicious-source matches, as ``syndetect.evaluate.exara`` scores them."""
    from syndetect.evaluate.measures import pairs_to_pan, pan_measures
    from syndetect.records import Passage

    pairs = [(Passage(a, a0, a1), Passage(b, b0, b1)) for a, a0, a1, b, b0, b1, _ in matches]
    m = pan_measures(data.cases, pairs_to_pan(pairs, data.suspicious))
    return {k: m[k] for k in ("plagdet", "precision", "recall", "granularity")}


def synthetic_corpus(tmp: Path, stories: int, seed: int) -> Corpus:
    """The seeded synthetic syndication corpus and document-pair P/R/F1 (syndetect: origins too)."""
    import synthetic

    texts, filler, _ = synthetic.draw(synthetic.ARTICLES, stories, n_filler=2 * stories, seed=seed)
    s = synthetic.gen.generate(texts, filler, seed=seed)
    path = tmp / "synthetic.jsonl"
    n = write_jsonl(
        path, ({"id": d.id, "text": d.text, "outlet": d.outlet, "published": d.published} for d in s.docs)
    )
    gold = {tuple(sorted((p.a.doc, p.b.doc))) for p in s.pairs}

    def score(tool: str, report: dict[str, Any]) -> dict[str, Any]:
        found = Found.of(report)
        pred = set(found.iter_pairs())
        out = {**prf(len(pred & gold), len(pred), len(gold)), "pairs": len(pred), "shape": found.shape()}
        if tool == "syndetect":
            out.update(synthetic_spans_and_origins(s, report))
        return out

    title = f"Synthetic syndication ({stories} stories, seed {seed}), {n} documents; gold: {len(gold)} document pairs"
    return Corpus("synthetic", title, path, n, score, {"documents": n, "gold_pairs": len(gold), **s.stats})


def synthetic_spans_and_origins(s: Any, report: dict[str, Any]) -> dict[str, Any]:
    """syndetect's character-level pair F1 and origin accuracy (``benchmarks/synthetic.py`` scorers)."""
    import synthetic

    from syndetect.records import Cluster, Match, Member, Passage

    matches = [
        Match(Passage(a, a0, a1), Passage(b, b0, b1), kind, 0.0, 0.0)
        for a, a0, a1, b, b0, b1, kind in report["matches"]
    ]
    clusters = [
        Cluster(
            c["id"],
            tuple(Member(Passage(d, s0, s1), parent) for d, s0, s1, parent in c["members"]),
            Passage(*c["origin"]) if c["origin"] else None,
        )
        for c in report["clusters_spans"]
    ]
    chars = synthetic.pair_scores(s, matches)["groups"]["all (unrelated pairs included)"]
    origins = synthetic.origin_scores(s, clusters)
    return {"char_f1": chars["f1"], "origin_accuracy": origins["origin_accuracy"], "ari": origins["ari"]}


# ------------------------------------------------------------------------------------ tables


def fmt(v: Any, digits: int = 3) -> str:
    return "" if v is None else f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def notes_of(tool: str, row: dict[str, Any]) -> str:
    """The notes column: output shape and the extras only some tools have."""
    if "error" in row:
        return "FAILED: " + row["error"].splitlines()[-1][:160]
    q = row["quality"]
    bits = [q["shape"]]
    if "span_recall" in q:
        bits.append(f"span recall {q['span_recall']:.3f}")
    if "plagdet" in q:
        bits.append(f"plagdet {q['plagdet']['plagdet']:.3f}")
    if "origin_accuracy" in q:
        bits.append(f"char F1 {q['char_f1']:.3f}, origin accuracy {q['origin_accuracy']:.3f}")
    elif "precision" in q:
        bits.append("origin n/a")
    if q.get("other_pairs"):
        bits.append("not scored: " + ", ".join(f"{k} {v}" for k, v in sorted(q["other_pairs"].items())))
    return "; ".join(bits)


def table(corpus: dict[str, Any]) -> str:
    """One markdown table per corpus."""
    recall_only = corpus["name"] == "snn"
    head = ["tool", "setting", "CPU s", "wall s", "peak MB", "pairs"]
    head += ["reprint recall"] if recall_only else ["P", "R", "F1"]
    head.append("notes")
    lines = [f"### {corpus['title']}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in corpus["rows"]:
        cells = [row["tool"], row["setting"]]
        if "error" in row and "cpu" not in row:
            cells += ["", "", ""]
        else:
            cells += [f"{row['cpu']:.1f}", f"{row['wall']:.1f}", f"{row['peak_mb']:.0f}"]
        q = row.get("quality", {})
        cells.append(f"{q['pairs']:,}" if "pairs" in q else "")
        cells += (
            [fmt(q.get("recall"))] if recall_only else [fmt(q.get(k)) for k in ("precision", "recall", "f1")]
        )
        cells.append(notes_of(row["tool"], row))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ main


def parse_tries(items: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """``--try TOOL:NAME:JSON`` as extra settings."""
    extra: dict[str, dict[str, dict[str, Any]]] = {}
    for item in items:
        tool, name, params = item.split(":", 2)
        if tool not in SETTINGS:
            raise SystemExit(f"error: --try {item!r}: unknown tool {tool!r}")
        extra.setdefault(tool, {})[name] = json.loads(params)
    return extra


def run_corpus(
    corpus: Corpus, tools: list[str], settings: dict[str, dict[str, dict[str, Any]]], tmp: Path
) -> dict:
    """Every tool and setting on one corpus, scored."""
    print(f"\n{corpus.title}", flush=True)
    rows = []
    for tool in tools:
        for setting, params in settings.get(tool, {}).items():
            res = run_tool(tool, setting, params, corpus.docs, tmp, corpus.name)
            row = {
                "tool": tool,
                "setting": setting if tool != "syndetect" else f"profile {PROFILES[corpus.name]}",
            }
            row.update({k: v for k, v in res.items() if k != "report"})
            if "report" in res:
                row["quality"] = corpus.score(tool, res["report"])
                row["driver_seconds"] = res["report"].get("seconds")
                row["driver_info"] = res["report"].get("info")
            rows.append(row)
    return {"name": corpus.name, "title": corpus.title, "meta": corpus.meta, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--setup", action="store_true", help="create the peers' virtualenvs and exit")
    ap.add_argument(
        "--corpora", nargs="+", default=["snn", "exara", "synthetic"], choices=["snn", "exara", "synthetic"]
    )
    ap.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    ap.add_argument("--settings", nargs="+", default=["default", "best"], help="which settings to run")
    ap.add_argument("--try", dest="tries", action="append", default=[], metavar="TOOL:NAME:JSON")
    ap.add_argument("--limit", type=int, default=None, help="SaudiNewsNet: first N articles (default all)")
    ap.add_argument("--stories", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cover", type=float, default=0.9, help="SaudiNewsNet: span recall coverage")
    ap.add_argument("--out", default=str(ROOT / "out" / "peers.json"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    if args.setup:
        setup(args.tools)
        print(json.dumps(versions(), indent=1))
        return
    settings = {t: {k: v for k, v in s.items() if k in args.settings} for t, s in SETTINGS.items()}
    for tool, extra in parse_tries(args.tries).items():
        settings.setdefault(tool, {}).update(extra)
    command = shlex.join(["python", "benchmarks/peers.py", *sys.argv[1:]])
    print(f"$ {command}\nstarted {time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="syndetect-peers-"))
    results: dict[str, Any] = {"command": command, "versions": versions(), "corpora": []}
    try:
        for name in args.corpora:
            if name == "snn":
                corpus = snn_corpus(tmp, args.limit, args.cover)
            elif name == "exara":
                corpus = exara_corpus(tmp)
            else:
                corpus = synthetic_corpus(tmp, args.stories, args.seed)
            results["corpora"].append(run_corpus(corpus, args.tools, settings, tmp))
            print("\n" + table(results["corpora"][-1]), flush=True)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    results["load_average"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nversions: {results['versions']}\nraw results: {args.out}")


if __name__ == "__main__":
    main()
