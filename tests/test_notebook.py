"""notebooks/overlap.ipynb runs on a fresh demo run (so it cannot rot) and is committed without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "overlap.ipynb"

nbformat = pytest.importorskip("nbformat", reason="nbformat is a dev dependency: pip install -e '.[dev]'")
nbclient = pytest.importorskip("nbclient", reason="nbclient is a dev dependency: pip install -e '.[dev]'")
pytest.importorskip("ipykernel", reason="ipykernel is a dev dependency: pip install -e '.[dev]'")


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "clear the notebook's outputs"


PROBE = """
import json as _json
print("PROBE" + _json.dumps({
    "groups": len(clusters), "pairs": n_pairs,
    "matrix": {a: {b: counts[a][b] for b in cols if counts[a][b]} for a in rows},
    "lag_edges": len(every),
}))
"""


def test_notebook_figures_show_the_run(tmp_path, monkeypatch):
    """The notebook's numbers and the data behind its two figures are the run's, not just "some output"."""
    import syndetect

    run = syndetect.run(str(ROOT / "data" / "demo.jsonl"))
    run.write_demo(tmp_path / "run")
    monkeypatch.setenv("SYNDETECT_RUN", str(tmp_path / "run"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))  # reads the notebook's own variables after it ran
    # "python3" is the kernel that ipykernel installs into the environment itself (share/jupyter/kernels),
    # started with this interpreter: no registration needed in a fresh venv.
    client = nbclient.NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert str(tmp_path / "run") in text
    assert f"{len(run.clusters)} groups, {len(run.pairs)} verified pairs" in text
    probe = json.loads(text.split("PROBE", 1)[1].splitlines()[0])
    matrix = run.report_data()["matrix"]
    expected = {
        a: {b: n for b, n in zip(matrix["cols"], row, strict=True) if n}
        for a, row in zip(matrix["rows"], matrix["counts"], strict=True)
    }
    assert probe["matrix"] == expected and expected, "the matrix figure plots the report's counts"
    edges = [m for c in run.clusters for m in c.members if m.parent and m.lag_hours is not None]
    assert probe["lag_edges"] == len(edges) > 0, "the lag histogram has one value per timed copy edge"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2, "the matrix and the lag histogram"
