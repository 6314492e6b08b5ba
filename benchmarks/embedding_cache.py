"""A disk cache of sentence embeddings for experiments with the semantic channel (never for figures of
cost: those need the encoder itself).

The encoder is the expensive part of the channel (about 77 sentences a second on one core). While the
pairing rules are tuned, the same sentences are encoded again and again; this module replaces
``syndetect.detect.semantic.load_encoder`` with one that looks each text up in a directory of shards
first and encodes only the texts it has not seen. A shard is two plain numpy files, never a pickle:
``NAME.keys.npy`` (16-byte BLAKE2b hashes of the texts, dtype ``S16``) and ``NAME.f16.npy`` (the
embeddings, float16, one row per key), both read with ``allow_pickle=False``. Every vector goes through
float16 (also the ones just encoded), so a run gives the same pairs with a cold or a warm cache; the
cosines differ from the encoder's float32 ones by about 1e-3, which is why figures come from runs
without the cache. Forked workers write their own shards (one per encoder call), so it works with the
channel's process pool.

Usage:
    python benchmarks/embedding_cache.py DIR SCRIPT [ARGS...]    # run SCRIPT with the cache installed
    python benchmarks/embedding_cache.py /tmp/emb benchmarks/exara.py --profile translations

or from Python: ``embedding_cache.install(DIR)`` before the run.
"""

from __future__ import annotations

import hashlib
import os
import runpy
import sys
import uuid
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from syndetect.detect import semantic  # noqa: E402

_REAL = semantic.load_encoder  # the encoder itself (install() replaces the module's name)


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _save(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)
    os.replace(tmp, path)  # the keys are written last: a shard without them is ignored


def load(directory: Path) -> dict[bytes, np.ndarray]:
    """Every cached embedding in ``directory``: text hash -> float16 vector."""
    out: dict[bytes, np.ndarray] = {}
    for keys_path in sorted(directory.glob("*.keys.npy")):
        vec_path = keys_path.with_name(keys_path.name.replace(".keys.npy", ".f16.npy"))
        if not vec_path.exists():
            continue
        keys = np.load(keys_path, allow_pickle=False)
        vecs = np.load(vec_path, allow_pickle=False)
        for k, v in zip(keys, vecs, strict=True):
            out[bytes(k)] = v
    return out


def cached(directory: str | os.PathLike, encode: semantic.Encoder | None = None) -> semantic.Encoder:
    """An encoder that answers from the cache in ``directory`` and encodes (and stores) the rest."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    memo = load(root)
    real: list[semantic.Encoder] = [encode] if encode else []

    def lookup(texts: list[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        missing = [k for k, key in enumerate(keys) if key not in memo]
        if missing:
            if not real:
                real.append(_REAL())
            vecs = np.asarray(real[0]([texts[k] for k in missing]), dtype=np.float16)
            for k, v in zip(missing, vecs, strict=True):
                memo[keys[k]] = v
            name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
            _save(root / f"{name}.f16.npy", vecs)
            _save(root / f"{name}.keys.npy", np.frombuffer(b"".join(keys[k] for k in missing), dtype="S16"))
        return np.stack([memo[k] for k in keys]).astype(np.float32)

    return lookup


def install(directory: str | os.PathLike) -> semantic.Encoder:
    """Make the channel use the cache in ``directory`` from now on in this process (and its forks)."""
    enc = cached(directory)
    semantic.load_encoder = lambda: enc  # type: ignore[assignment]
    return enc


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.split("Usage:")[1].split("\n\n")[0], file=sys.stderr)
        return 2
    install(argv[0])
    script = argv[1]
    sys.argv = [script, *argv[2:]]
    sys.path.insert(0, str(Path(script).resolve().parent))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
