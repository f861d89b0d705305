"""Writing one run's outputs: summary, tables, resolved scenario and provenance manifest.

Every file is written to a temporary name in the target folder and then renamed, so an
interrupted write never leaves a truncated file behind and never damages files written
before.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from throughflow.experiments.run import RunResult
from throughflow.scenario import scenario_hash, to_yaml

KEY_PACKAGES = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "pyyaml")


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it.

    Args:
        path: Final path.
        write: Function that writes the content to the path it is given.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_text(path: Path, text: str) -> None:
    """Atomically write a text file."""

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    atomic_write(path, write)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def git_commit() -> str | None:
    """The git commit of the source tree, when it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def environment() -> dict[str, Any]:
    """Package version, git commit, Python and key package versions."""
    versions: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        own = metadata.version("throughflow")
    except metadata.PackageNotFoundError:
        own = None
    return {
        "throughflow": own,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def summary(result: RunResult) -> dict[str, Any]:
    """Every indicator as ``{"all": x, "low": x, "medium": x, "high": x}`` (NaN as null)."""
    return {name: _clean(values) for name, values in result.indicators.items()}


def write_run(result: RunResult, out: Path, started: datetime | None = None) -> list[Path]:
    """Write a run's outputs to folder ``out``.

    Writes ``summary.json``, ``timeseries.parquet``, ``events.parquet``, ``scenario.yaml``
    (fully resolved) and ``manifest.json`` (provenance).

    Args:
        result: The run.
        out: Target folder (created if needed).
        started: Start time of the run (defaults to now).

    Returns:
        The paths written.
    """
    out = Path(out)
    started = started or datetime.now(UTC)
    files = {
        "summary.json": lambda p: p.write_text(json.dumps(summary(result), indent=2), encoding="utf-8"),
        "timeseries.parquet": lambda p: result.timeseries.to_parquet(p, index=False),
        "events.parquet": lambda p: result.events.to_parquet(p, index=False),
        "scenario.yaml": lambda p: p.write_text(to_yaml(result.scenario), encoding="utf-8"),
    }
    written = []
    for name, writer in files.items():
        atomic_write(out / name, writer)
        written.append(out / name)
    manifest = {
        "scenario": result.scenario.name,
        "scenario_hash": scenario_hash(result.scenario),
        "seed": result.seed,
        "months": result.months,
        "start_time": started.isoformat(timespec="seconds"),
        "wall_seconds": round(result.wall_seconds, 4),
        **environment(),
    }
    atomic_text(out / "manifest.json", json.dumps(manifest, indent=2))
    written.append(out / "manifest.json")
    return written


def read_summary(folder: Path) -> pd.DataFrame:
    """Read a ``summary.json`` back as a table of scalar indicators."""
    data = json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
    rows = {k: v for k, v in data.items() if not isinstance(v.get("all"), list)}
    return pd.DataFrame.from_dict(rows, orient="index")
