"""MinHash signatures per second of 460-word SaudiNewsNet documents on one core.

Documents: the first ``--docs`` articles with at least 460 normalized words, cut to their first 460
words; each is the set of its word 3-grams (458 shingles, syndetect's default). Compared:

- ``datasketch MinHash.bulk``: the n-gram strings as UTF-8 bytes, default ``sha1_hash32``.
- ``datasketch MinHash.bulk, xxh32``: the same with a fast C hash (``xxhash.xxh32_intdigest``).
- ``datasketch update, per token``: one ``MinHash.update`` call per shingle, default hash.
- ``syndetect block_minima``: ``syndetect.detect.minhash.block_minima`` over the precomputed 32-bit n-gram
  hashes of a batch of documents, one block per document (signing only).
- ``syndetect hash + block_minima``: the same including hashing the words (``token_hashes``,
  ``ngram_hashes``) from word lists, i.e. from where datasketch starts.

Times are CPU seconds of this process (``time.process_time``), best of ``--repeat``, so that other load
on the machine does not count; wall seconds are printed too. numpy's elementwise kernels are
single-threaded, so this is one core. All signatures are checked to be equal to datasketch's.

Example:
    .venv/bin/python benchmarks/bench_minhash.py --docs 2000
"""

from __future__ import annotations

import argparse
import gzip
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "saudinewsnet" / "articles.jsonl.gz"
WORDS = 460
NGRAM = 3


def load(n_docs: int) -> list[list[str]]:
    """The first ``n_docs`` articles with at least 460 normalized words, cut to 460 words."""
    from syndetect.text.normalize import words

    out = []
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        for line in fh:
            w = words(json.loads(line)["text"])
            if len(w) >= WORDS:
                out.append(w[:WORDS])
                if len(out) == n_docs:
                    break
    return out


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Best CPU and wall seconds over ``repeat`` runs, and the last result."""
    best_cpu = best_wall = float("inf")
    result = None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        result = fn()
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    return best_cpu, best_wall, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents to sign (default 2000)")
    ap.add_argument("--update-docs", type=int, default=200, help="documents for the slow per-token update")
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print("$ " + shlex.join([Path(sys.executable).name, *sys.argv]), flush=True)

    import datasketch
    import xxhash
    from datasketch import MinHash

    from syndetect.detect.minhash import block_minima
    from syndetect.detect.shingle import ngram_hash32, ngram_hashes, token_hashes

    docs = load(args.docs)
    n = len(docs)
    P, S = args.num_perm, args.seed
    shingles = [[" ".join(d[i : i + NGRAM]).encode("utf-8") for i in range(WORDS - NGRAM + 1)] for d in docs]
    grams = [ngram_hashes(token_hashes(d, S), NGRAM) for d in docs]
    lens = np.array([len(g) for g in grams])
    flat = np.concatenate(grams)
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    print(
        f"{n} documents of {WORDS} words ({lens[0]} word {NGRAM}-grams each), num_perm={P}, seed={S}, "
        f"datasketch {datasketch.__version__}, numpy {np.__version__}\n"
    )

    rows = []

    def add(name: str, cpu: float, wall: float, count: int) -> None:
        rows.append((name, count / cpu, count / wall))

    cpu, wall, ds = timed(lambda: MinHash.bulk(shingles, num_perm=P, seed=S), args.repeat)
    add("datasketch `MinHash.bulk` (sha1_hash32)", cpu, wall, n)
    cpu, wall, _ = timed(
        lambda: MinHash.bulk(shingles, num_perm=P, seed=S, hashfunc=xxhash.xxh32_intdigest), args.repeat
    )
    add("datasketch `MinHash.bulk` (xxh32)", cpu, wall, n)

    k = min(args.update_docs, n)

    def per_token():
        out = []
        for d in shingles[:k]:
            m = MinHash(num_perm=P, seed=S)
            for s in d:
                m.update(s)
            out.append(m)
        return out

    cpu, wall, _ = timed(per_token, 1)
    add(f"datasketch `update` per token ({k} docs)", cpu, wall, k)

    default_cpu, wall, sig = timed(lambda: block_minima(flat, starts, P, S), args.repeat)
    add("syndetect `block_minima`", default_cpu, wall, n)

    def hash_and_sign():
        g = [ngram_hashes(token_hashes(d, S), NGRAM) for d in docs]
        return block_minima(np.concatenate(g), starts, P, S)

    cpu, wall, sig2 = timed(hash_and_sign, args.repeat)
    add("syndetect `token_hashes` + `ngram_hashes` + `block_minima`", cpu, wall, n)

    # Equality with datasketch: the same n-gram hash given to datasketch as its hashfunc.
    ref = MinHash.bulk(
        [[" ".join(d[i : i + NGRAM]) for i in range(WORDS - NGRAM + 1)] for d in docs[:50]],
        num_perm=P,
        seed=S,
        hashfunc=lambda s: ngram_hash32(s, NGRAM, S),
    )
    same = all(np.array_equal(m.hashvalues, sig[i]) for i, m in enumerate(ref))
    same = same and np.array_equal(sig, sig2)
    assert len(ds) == n

    width = max(len(r[0]) for r in rows)
    print(f"| {'method':<{width}} | signatures/s (CPU) | signatures/s (wall) |")
    print(f"|{'-' * (width + 2)}|--------------------|---------------------|")
    for name, c, w in rows:
        print(f"| {name:<{width}} | {c:>18,.0f} | {w:>19,.0f} |")
    print(f"\nsyndetect signatures equal datasketch's (affine32, hashfunc=ngram_hash32) on 50 docs: {same}")
    print(f"syndetect block_minima: {n / default_cpu:,.0f} signatures/s; target >= 15,000")


if __name__ == "__main__":
    main()
