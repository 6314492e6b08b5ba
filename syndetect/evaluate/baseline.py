"""The quality gate's baseline file: floors pinned under measured values, one set per profile, and a
history that no floor leaves silently lowered (trafilatura's ``eval_gate.py`` habit).

``tests/quality_baseline.json`` holds the data checksum and, under ``profiles``, for each gated profile
its ``floors``, the run that ``measured`` them and the ``history`` of every re-pinning with its reason.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any

MARGIN = 0.01  # floors are pinned this far under the measured value (see floors_from), rounded down
LOWERING_NOTE = (
    "Floors are pinned just under the measured values, one set per profile. They are never lowered by "
    'hand: run `python benchmarks/exara.py --profile P --update-baseline --reason "..."`, which '
    "re-measures, writes the profile's new floors and appends them with the reason to its `history`. The "
    "gate fails when a floor is lower than the last history entry's, or when a history entry lowers one "
    "without a reason."
)


def floor_of(value: float, margin: float = MARGIN) -> float:
    """``value - margin`` rounded down to two decimals, never below 0."""
    return max(0.0, math.floor(round((value - margin) * 100, 6)) / 100)


def floors_from(report: dict[str, Any]) -> dict[str, float]:
    """The floors to pin for a run: plagdet and the recall of every obfuscation type.

    The margin is 0.01, or one case's worth of recall for a small type (``1 / cases``: 11 manual
    paraphrases make a recall that moves by 0.09 per case).
    """
    values = report["values"]
    floors = {"plagdet": floor_of(values["plagdet"])}
    for label, sub in report["by_obfuscation"].items():
        floors[f"recall/{label}"] = floor_of(values[f"recall/{label}"], max(MARGIN, 1 / max(1, sub["cases"])))
    return floors


def below_floors(values: dict[str, float], floors: dict[str, float]) -> list[str]:
    """One line per gated value under its floor (or missing)."""
    out = []
    for key, floor in floors.items():
        if key not in values:
            out.append(f"{key}: not measured (floor {floor:.2f})")
        elif values[key] < floor:
            out.append(f"{key}: {values[key]:.4f} < floor {floor:.2f}")
    return out


def _lowered(old: dict[str, float], new: dict[str, float]) -> list[str]:
    return [
        f"{k}: {old[k]:.2f} -> {new[k]:.2f}" if k in new else f"{k}: {old[k]:.2f} -> removed"
        for k in old
        if k not in new or new[k] < old[k]
    ]


def history_problems(entry: dict[str, Any], profile: str = "") -> list[str]:
    """Why one profile's floors (``baseline["profiles"][profile]``) are not trustworthy: lowered by
    hand, or lowered in a history entry without a reason."""
    fix = f"python benchmarks/exara.py --profile {profile or 'P'} --update-baseline"
    history = entry.get("history") or []
    if not history:
        return [f"the {profile} floors have no history: write them with `{fix}`"]
    problems = []
    for k in range(1, len(history)):
        lowered = _lowered(history[k - 1]["floors"], history[k]["floors"])
        if lowered and not str(history[k].get("reason") or "").strip():
            problems.append(f"history entry {k} ({history[k].get('date')}) lowers {lowered} without a reason")
    lowered = _lowered(history[-1]["floors"], entry.get("floors", {}))
    if lowered:
        problems.append(
            f'floors lowered silently (below the last history entry): {lowered}; use `{fix} --reason "..."`'
        )
    return problems


def update_baseline(
    path: Path, report: dict[str, Any], checksum: str, command: str, reason: str | None
) -> dict:
    """Re-pin the floors of the run's profile to this run (other profiles' floors stay); lowering a
    floor or changing the data needs a ``reason``.

    Returns:
        The whole baseline as written.

    Raises:
        ValueError: a floor would drop, or the data changed, and no reason was given.
    """
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    profile = report["config"]["profile"]
    profiles = dict(old.get("profiles", {}))
    before = profiles.get(profile, {})
    floors = floors_from(report)
    lowered = _lowered(before.get("floors", {}), floors)
    changed = old.get("data", {}).get("sha256") not in (None, checksum)
    reason = (reason or "").strip()
    if (lowered or changed) and not reason:
        what = f"lowers {lowered}" if lowered else "changes the data checksum"
        raise ValueError(f'this update {what}: give --reason "..." (it is recorded in the history)')
    today = dt.date.today().isoformat()
    data = report["data"]
    profiles[profile] = {
        "floors": floors,
        "measured": {
            "date": today,
            "command": command,
            "config_fingerprint": report["config"]["fingerprint"],
            "values": {k: round(v, 4) for k, v in report["values"].items()},
            "seconds": report["seconds"],
            "cpu_seconds": report["cpu_seconds"],
            "peak_rss_mb": report["peak_rss_mb"],
        },
        "history": list(before.get("history", []))
        + [
            {
                "date": today,
                "floors": floors,
                "reason": reason or ("initial floors" if not before else "re-measured"),
                "command": command,
            }
        ],
    }
    baseline = {
        "data": {
            "path": "../shared/data/exara",
            "sha256": checksum,
            "documents": data["documents"],
            "suspicious": data["suspicious"],
            "cases": data["cases"],
        },
        "lowering": LOWERING_NOTE,
        "profiles": dict(sorted(profiles.items())),
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(baseline, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return baseline
