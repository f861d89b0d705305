"""The package stands alone: an installed wheel carries the shipped scenarios and the data files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from support import REPO


def test_a_wheel_loads_shipped_scenarios_without_the_repository(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: building writes build/ next to pyproject.toml
    shutil.copytree(REPO / "model", source / "model", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("throughflow-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("scenarios/baseline.yaml", "scenarios/sweeps/targeting.yaml", "data/calibration_targets.csv"):
        assert f"throughflow/{shipped}" in names
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = (
        "import throughflow, pathlib; from throughflow import load_scenario; "
        "from throughflow.analysis.calibration import targets; "
        "assert 'site' in pathlib.Path(throughflow.__file__).parts, throughflow.__file__; "
        "print(load_scenario('juul_kamin').name, len(targets()))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[0] == "juul_kamin"
