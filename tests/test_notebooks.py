"""Notebooks run top to bottom at a tiny size, and are committed without outputs."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

TINY: dict[str, Any] = {
    "REPLICATIONS": 2,
    "SCALE": 0.2,
    "MONTHS": 48,
    "WORKERS": 2,
    # scenario_discovery.ipynb: EMA experiments (worlds x choices)
    "SCENARIOS": 3,
    "POLICIES": 2,
    # sensitivity.ipynb: Morris on six uncertainties, then Sobol on the top three
    "MORRIS_N": 2,
    "SOBOL_N": 4,
    "TOP_K": 3,
    "PARAMETERS": [
        "labour_market.bias",
        "labour_market.skill_requirement",
        "art60.ocmw_openness",
        "one_on_one.advocacy_mean",
        "mentoring.p_breakdown_per_month",
        "labs.apprenticeships.p_hire",
    ],
}
"""Values injected into every notebook's ``parameters`` cell (where the name is assigned)."""

EXPECTED_FIGURES = {
    "scenario_sweeps.ipynb": [
        "figures/mentoring_effect_throughflow_12m.png",
        "figures/mentoring_effect_throughflow_12m.svg",
        "figures/mentoring_effect_sustainable_nec.png",
        "figures/mentoring_effect_sustainable_nec.svg",
    ],
    "sensitivity.ipynb": [
        "figures/morris_effect_throughflow_12m_all.png",
        "figures/morris_convergence_effect_throughflow_12m_all.png",
        "figures/sobol_effect_throughflow_12m_all.png",
        "figures/sobol_convergence_effect_throughflow_12m_all.png",
        "morris/indices.csv",
        "sobol/indices.csv",
    ],
    "scenario_discovery.ipynb": [
        "experiments.csv",
        "prim_box.csv",
        "figures/effect_by_lever.png",
        "figures/feature_scores.png",
        "figures/prim_tradeoff.png",
    ],
    "policy_brief.ipynb": [
        "figures/nec_entry_curves.png",
        "figures/nec_entry_curves.svg",
        "figures/effect_by_qualification.png",
        "figures/throughflow_12m_across_mix.png",
        "figures/pillar_contributions.png",
        "brief/brief.html",
        "brief/brief_numbers.json",
    ],
}
"""Files each notebook must write, relative to its ``OUT`` folder."""

CELL_TIMEOUT = 600
"""Seconds a cell may run before the kernel is stopped: a guard against hangs, not a speed target
(speed is measured by the benchmarks, not by tests)."""


def inject(source: str, values: dict[str, Any]) -> str:
    """Replace the values of top-level assignments ``NAME = ...`` in a parameters cell."""
    for name, value in values.items():
        source = re.sub(rf"^{name}\s*=.*$", f"{name} = {value!r}", source, flags=re.MULTILINE)
    return source


def parameters_cell(nb: Any) -> Any:
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "a notebook needs exactly one code cell tagged 'parameters'"
    return cells[0]


def test_notebooks_exist() -> None:
    assert NOTEBOOKS, "no notebooks found"
    missing = set(EXPECTED_FIGURES) - {p.name for p in NOTEBOOKS}
    assert not missing, f"expected notebooks missing: {sorted(missing)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{path.name}: cell {i} has outputs (strip them before committing)"
        assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"


SLOW_NOTEBOOKS = {"sensitivity", "scenario_sweeps"}
"""The longest notebooks run with the slow tests (``make test-all``); the others in every run."""


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if p.stem in SLOW_NOTEBOOKS else []) for p in NOTEBOOKS]
)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    params = parameters_cell(nb)
    out = tmp_path / "out"
    params.source = inject(params.source, {**TINY, "OUT": str(out)})
    # The kernel must run this environment's interpreter (jupyter_client maps a kernelspec's
    # "python" to sys.executable); fail loudly rather than test another installation.
    check = nbformat.v4.new_code_cell(f"import sys\nassert sys.prefix == {sys.prefix!r}, sys.prefix")
    nb.cells.insert(0, check)

    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors

    for name in EXPECTED_FIGURES.get(path.name, []):
        assert (out / name).is_file(), f"{path.name} did not write {name}"
    pngs = sorted(out.rglob("*.png"))
    assert pngs or path.name not in EXPECTED_FIGURES
    for png in pngs:
        pixels = mpimg.imread(png)
        assert float(np.var(pixels)) > 0.0, f"{png.name} is blank"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_use_only_the_public_api(path: Path) -> None:
    import throughflow

    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    internal = re.findall(r"^\s*(?:from|import) throughflow\.\S+", code, flags=re.MULTILINE)
    assert not internal, f"{path.name} imports internals: {internal}"
    used = set(re.findall(r"\btf\.(\w+)", code))
    outside = sorted(used - set(throughflow.__all__))
    assert not outside, f"{path.name} uses names outside throughflow.__all__: {outside}"
    assert "yaml.safe_load" not in code, f"{path.name} edits YAML mappings"
