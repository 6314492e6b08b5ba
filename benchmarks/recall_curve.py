"""The S-curve of the configured LSH banding: probability of becoming a candidate against true Jaccard.

For each profile, the bands and rows come from ``syndetect.detect.candidates.banding(cfg)``. The theoretical
curve is ``syndetect.detect.lsh.candidate_probability`` (1 - (1 - J^r)^b). The empirical one signs random
set pairs of controlled Jaccard with ``syndetect.detect.minhash`` and counts a pair as a candidate when any of
its band keys (``syndetect.detect.lsh.band_keys``) are equal, as the index does. Each pair: a union of
``--union`` random 32-bit hashes, of which ``round(J * union)`` are shared, the rest split between the
two sets, so the Jaccard is exact; fresh hashes for every trial.

The engine also drops a banded pair whose signature estimate (share of equal values) is under
``lsh.min_estimate`` (ordered channel); a third measured column applies that floor too, which is the
probability of becoming a candidate in the engine as it runs.

Prints a markdown table for the README and saves the plot to ``docs/recall_curve.png``.

Example:
    .venv/bin/python benchmarks/recall_curve.py --trials 2000
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
JACCARDS = [round(0.1 * k, 1) for k in range(1, 10)]


def empirical(
    j: float,
    bands: int,
    rows: int,
    num_perm: int,
    seed: int,
    trials: int,
    union: int,
    rng: np.random.Generator,
    floor: float | None = None,
) -> tuple[float, float]:
    """Share of ``trials`` random set pairs of Jaccard ``j`` that share at least one band key, and the
    share that also pass the engine's second filter (signature estimate at least ``floor``)."""
    from syndetect.detect.lsh import band_keys
    from syndetect.detect.minhash import EMPTY, block_minima

    k = round(j * union)
    rest = union - k
    na = k + rest // 2
    # Per trial: `union` distinct hashes; A = the first na, B = the first k and the last rest - rest // 2.
    vals = np.empty((trials, union), dtype=np.uint32)
    for t in range(trials):
        vals[t] = rng.choice(0xFFFFFFFF, size=union, replace=False).astype(np.uint32)  # never EMPTY
    a = vals[:, :na]
    b = np.concatenate([vals[:, :k], vals[:, na:]], axis=1)
    hashes = np.concatenate([a.ravel(), b.ravel()])
    starts = np.concatenate([np.arange(trials) * na, trials * na + np.arange(trials) * b.shape[1]])
    sigs = block_minima(hashes, starts, num_perm, seed)
    assert not (sigs == EMPTY).all(axis=1).any()
    sa, sb = sigs[:trials], sigs[trials:]
    banded = (band_keys(sa, bands, rows) == band_keys(sb, bands, rows)).any(axis=1)
    est = (sa == sb).mean(axis=1)
    kept = banded & (est >= floor) if floor is not None else banded
    return float(banded.mean()), float(kept.mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=2000, help="set pairs per Jaccard value (default 2000)")
    ap.add_argument("--union", type=int, default=100, help="elements in the union of each pair (default 100)")
    ap.add_argument("--seed", type=int, default=2026, help="random seed for the sets")
    ap.add_argument("--png", default=str(ROOT / "docs" / "recall_curve.png"), help="where to save the plot")
    args = ap.parse_args()
    print("$ " + shlex.join([Path(sys.executable).name, *sys.argv]), flush=True)

    from syndetect.config import PROFILES, load_config
    from syndetect.detect.candidates import banding
    from syndetect.detect.lsh import candidate_probability

    rng = np.random.default_rng(args.seed)
    curves = {}
    for profile in PROFILES:
        cfg = load_config(profile=profile)
        bands, rows = banding(cfg)
        floor = getattr(cfg.lsh, "min_estimate", None)  # the ordered channel's second filter, if any
        theo = [float(candidate_probability(j, bands, rows)) for j in JACCARDS]
        emp, kept = zip(
            *(
                empirical(
                    j,
                    bands,
                    rows,
                    cfg.minhash.num_perm,
                    cfg.minhash.seed,
                    args.trials,
                    args.union,
                    rng,
                    floor,
                )
                for j in JACCARDS
            ),
            strict=True,
        )
        curves[profile] = (cfg, bands, rows, theo, list(emp), list(kept), floor)

    print(
        f"\n{args.trials} random set pairs per Jaccard value, {args.union} elements in each union. "
        "Per profile: theoretical 1-(1-J^r)^b, measured (any band key equal), and measured with the "
        "engine's second filter (signature estimate >= lsh.min_estimate, ordered channel)\n"
    )
    head, rule = ["true J"], ["---:"]
    for p, (_c, b, r, *_rest, floor) in curves.items():
        head += [f"{p} {b}x{r} theory", "measured", f"+ estimate >= {floor}" if floor is not None else "-"]
        rule += ["---:"] * 3
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(rule) + "|")
    for k, j in enumerate(JACCARDS):
        cells = [f"{j:.1f}"]
        for _, _, _, theo, emp, kept, _ in curves.values():
            cells += [f"{theo[k]:.3f}", f"{emp[k]:.3f}", f"{kept[k]:.3f}"]
        print("| " + " | ".join(cells) + " |")
    se = 0.5 / np.sqrt(args.trials)
    worst = max(
        abs(t - e) for (_, _, _, theo, emp, _, _) in curves.values() for t, e in zip(theo, emp, strict=True)
    )
    print(f"\nlargest |theory - measured|: {worst:.3f} (one binomial standard error is at most {se:.3f})")
    for p, (c, b, r, *_rest) in curves.items():
        print(
            f"{p}: threshold {c.lsh.threshold}, {b} bands x {r} rows = {b * r} of {c.minhash.num_perm} values; "
            f"50% point at J = {(1 / b) ** (1 / r):.3f}"
        )

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(0, 1, 201)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for p, (c, b, r, _, emp, kept, floor) in curves.items():
        line = ax.plot(grid, candidate_probability(grid, b, r), label=f"{p}: {b} bands x {r} rows")[0]
        ax.plot(JACCARDS, emp, "o", color=line.get_color(), markersize=5)
        if floor is not None:
            ax.plot(JACCARDS, kept, "x", color=line.get_color(), markersize=6)
        ax.axvline(c.lsh.threshold, color=line.get_color(), linestyle=":", linewidth=1)
    ax.set_xlabel("true Jaccard similarity of two windows' shingle sets")
    ax.set_ylabel("probability of becoming a candidate")
    ax.set_title(
        "syndetect LSH banding. Lines: 1-(1-J^r)^b; dots: measured;\n"
        "crosses: measured with the estimate floor (lsh.min_estimate); dotted: threshold"
    )
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    Path(args.png).parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    print(f"saved {args.png}")


if __name__ == "__main__":
    main()
