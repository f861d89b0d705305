"""Opening results stores for the explorer: read only, never written.

A sweep or comparison store (``manifest.json`` and ``runs/part-*.parquet``) is read with
:func:`~throughflow.experiments.store.load_runs`; a sensitivity result is recognised by its
``indices.csv``. Nothing here writes to a store (not even ``runs.parquet``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from throughflow.analysis.summary import factor_columns
from throughflow.experiments.store import load_runs
from throughflow.outcomes import BY_NAME, HEADLINE


@dataclass
class StoreView:
    """What the explorer shows of a store.

    Attributes:
        path: The folder.
        kind: ``sweep`` (sweeps and comparisons) or ``sensitivity``.
        runs: The run table (sweeps).
        indices: The indices table (sensitivity).
        levels: Each factor's levels, in run order (sweeps).
    """

    path: Path
    kind: str
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    indices: pd.DataFrame = field(default_factory=pd.DataFrame)
    levels: dict[str, list[str]] = field(default_factory=dict)

    @property
    def outcomes(self) -> list[str]:
        """Outcomes of a sensitivity result."""
        return list(dict.fromkeys(self.indices["outcome"])) if "outcome" in self.indices else []

    @property
    def indicators(self) -> list[str]:
        """Headline indicators present in the run table."""
        return [name for name in HEADLINE if f"{name}.all" in self.runs.columns]

    def default_effect(self) -> tuple[str, str]:
        """The factor whose effect to show and its reference level: a factor with an ``off`` level, else the first."""
        for factor, levels in self.levels.items():
            if "off" in levels:
                return factor, "off"
        factor = next(iter(self.levels))
        return factor, self.levels[factor][0]


def is_store(path: Path) -> bool:
    """Whether ``path`` holds a results store or a sensitivity result."""
    return (path / "manifest.json").is_file() or (path / "indices.csv").is_file()


def find_stores(root: Path, depth: int = 3) -> list[Path]:
    """Stores under ``root`` (``root`` itself included), at most ``depth`` folders down, sorted."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [root] if is_store(root) else []
    frontier = [root]
    for _ in range(depth):
        frontier = [p for folder in frontier for p in sorted(folder.iterdir()) if p.is_dir() and not p.name.startswith(".")]
        found += [p for p in frontier if is_store(p)]
    return sorted(found)


def open_store(path: str | Path) -> StoreView:
    """Read a store for display.

    Raises:
        ValueError: If the folder does not exist, is not a store, or holds no finished run.
    """
    path = Path(path).expanduser()
    if not path.is_dir():
        raise ValueError(f"{path}: no such folder")
    if (path / "indices.csv").is_file():
        indices = pd.read_csv(path / "indices.csv")
        if "outcome" not in indices or "name" not in indices:
            raise ValueError(f"{path}/indices.csv: not a sensitivity result")
        return StoreView(path, "sensitivity", indices=indices)
    if not (path / "manifest.json").is_file():
        raise ValueError(f"{path}: not a results store (no manifest.json or indices.csv)")
    runs = load_runs(path)
    if runs.empty or "status" not in runs or not (runs["status"] == "ok").any():
        raise ValueError(f"{path}: no finished run yet")
    levels = {c.removeprefix("factor:"): list(dict.fromkeys(runs[c].astype(str))) for c in factor_columns(runs)}
    if not levels:
        raise ValueError(f"{path}: the store has no factor to compare")
    return StoreView(path, "sweep", runs=runs, levels=levels)


def label(indicator: str) -> str:
    """An indicator's label."""
    return BY_NAME[indicator].label if indicator in BY_NAME else indicator
