"""notebooks/overlap.ipynb runs on a fresh demo run (so it cannot rot) and is committed without outputs."""

from __future__ import annotations

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


def test_notebook_runs_on_the_demo_outputs(tmp_path, monkeypatch):
    from syndetect.config import load_config
    from syndetect.io.readers import read_documents
    from syndetect.pipeline import run_demo

    cfg = load_config()
    docs = list(read_documents([str(ROOT / "data" / "demo.jsonl")], cfg.read))
    run_demo(docs, cfg, tmp_path / "run")
    monkeypatch.setenv("SYNDETECT_RUN", str(tmp_path / "run"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
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
    assert "10 groups" in text or "groups," in text
    assert "addiyar <- rt-arabic" in text  # the lag table
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2, "the matrix and the lag histogram"
