"""The results store of a sweep: one folder, atomic writes, bounded memory, resumable.

Layout of ``results/<sweep name>/``::

    manifest.json           sweep file, its hash, package version, git commit, environment
    sweep.yaml              the sweep file as given
    design.parquet          design points: factor levels and parameter values
    runs/part-*.parquet     batches of finished runs (one row per run), each written atomically
    runs.parquet            all runs in run order (written when a sweep completes)
    timeseries/point=P/rep=K.parquet   optional time series, written before the run's row

A run counts as finished once its row is in a part file. Parts are written to a temporary
name and renamed, so a sweep killed at any moment (even ``kill -9``) leaves only complete
parts; resuming reruns the runs that have no row, and since every run is deterministic in
its seed the final table equals that of an uninterrupted sweep. A run that repeats another
(see :mod:`throughflow.experiments.sweep`) gets a copy of that run's row, written after it;
its ``same_as`` column names the run it copies.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from throughflow.experiments.design import Sweep
from throughflow.experiments.outputs import atomic_text, atomic_write, environment

VOLATILE = ("wall_seconds", "worker", "same_as")
"""Columns that legitimately differ between executions (excluded from equality checks).

``same_as`` is empty for a run that ran and names the run whose row was copied for a run
that repeats it (it depends on whether repeated runs were skipped).
"""


class StoreError(RuntimeError):
    """The results folder cannot be used as asked (exists, mismatched, unreadable)."""


class Store:
    """A sweep's results folder.

    Args:
        root: The folder.
        flush_rows: Rows buffered before a part is written.
        flush_seconds: Longest time a finished row waits in memory.
    """

    def __init__(self, root: Path, flush_rows: int = 64, flush_seconds: float = 5.0) -> None:
        self.root = Path(root)
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._buffer: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self._parts = 0

    @property
    def manifest_path(self) -> Path:
        """Path of the manifest."""
        return self.root / "manifest.json"

    def exists(self) -> bool:
        """Whether a store was already created here."""
        return self.manifest_path.is_file()

    def create(self, sweep: Sweep, design: pd.DataFrame) -> None:
        """Create the store for ``sweep`` (refuses to overwrite an existing one)."""
        if self.exists():
            raise StoreError(
                f"{self.root}: a results store already exists; use --resume to continue it or --out for a new folder"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "runs").mkdir(exist_ok=True)
        atomic_text(self.root / "sweep.yaml", sweep.text)
        atomic_write(self.root / "design.parquet", lambda p: design.to_parquet(p, index=False))
        manifest = {
            "sweep": sweep.name,
            "source": sweep.source,
            "sweep_hash": sweep.digest,
            "replications": sweep.replications,
            "seed": sweep.seed,
            "replicate_seeds": sweep.replicate_seeds(),
            "runs": len(design) * sweep.replications,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            **environment(),
        }
        atomic_text(self.manifest_path, json.dumps(manifest, indent=2))

    def open(self, sweep: Sweep) -> None:
        """Open an existing store for resuming; the sweep must be the same."""
        if not self.exists():
            raise StoreError(f"{self.root}: no results store to resume")
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            raise StoreError(f"{self.manifest_path}: unreadable manifest") from None
        if manifest.get("sweep_hash") != sweep.digest:
            raise StoreError(f"{self.root}: holds a different sweep (hash {manifest.get('sweep_hash')} != {sweep.digest})")
        now = environment()
        for key in ("throughflow", "git_commit"):
            if manifest.get(key) != now.get(key):
                raise StoreError(
                    f"{self.root}: was written by {key} {manifest.get(key)}, this is {now.get(key)}; "
                    "resuming would mix model versions (use a new --out)"
                )
        (self.root / "runs").mkdir(exist_ok=True)

    def part_files(self) -> list[Path]:
        """Finished part files, in write order."""
        return sorted((self.root / "runs").glob("part-*.parquet"))

    def finished(self) -> set[str]:
        """Run ids that have a row (ok or failed)."""
        done: set[str] = set()
        for part in self.part_files():
            done.update(pd.read_parquet(part, columns=["run_id"])["run_id"])
        return done

    def add(self, row: dict[str, Any]) -> None:
        """Buffer a finished run's row; flush when the buffer is full or old."""
        self._buffer.append(row)
        if len(self._buffer) >= self.flush_rows or time.monotonic() - self._last_flush > self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write buffered rows as one new part file (atomically)."""
        if not self._buffer:
            return
        frame = pd.DataFrame(self._buffer)
        stamp = f"{time.time_ns():020d}"
        atomic_write(self.root / "runs" / f"part-{stamp}-{self._parts:05d}.parquet", lambda p: frame.to_parquet(p, index=False))
        self._parts += 1
        self._buffer.clear()
        self._last_flush = time.monotonic()

    def timeseries_path(self, point: int, replicate: int) -> Path:
        """Where the time series of a run is stored."""
        return self.root / "timeseries" / f"point={point:05d}" / f"rep={replicate:03d}.parquet"

    def write_timeseries(self, point: int, replicate: int, table: pd.DataFrame) -> None:
        """Store one run's time series (before its row is added)."""
        atomic_write(self.timeseries_path(point, replicate), lambda p: table.to_parquet(p, index=False))

    def copy_timeseries(self, source: tuple[int, int], target: tuple[int, int]) -> bool:
        """Copy the stored time series of run ``source`` (point, replicate) to run ``target``.

        Returns:
            Whether the source had a time series (a failed run has none).
        """
        path = self.timeseries_path(*source)
        if not path.is_file():
            return False
        data = path.read_bytes()

        def write(p: Path) -> None:
            p.write_bytes(data)

        atomic_write(self.timeseries_path(*target), write)
        return True

    def rows(self, run_ids: set[str]) -> dict[str, dict[str, Any]]:
        """The stored rows of some finished runs, by run id."""
        if not run_ids:
            return {}
        table = self.runs()
        table = table[table["run_id"].isin(run_ids)]
        return {str(row["run_id"]): {str(k): v for k, v in row.items()} for row in table.to_dict("records")}

    def runs(self) -> pd.DataFrame:
        """All finished runs, one row each, in run order."""
        parts = [pd.read_parquet(p) for p in self.part_files()]
        if not parts:
            return pd.DataFrame()
        table = pd.concat(parts, ignore_index=True)
        table = table.drop_duplicates("run_id", keep="last").sort_values("run_id", kind="stable")
        if "same_as" in table.columns:  # rows written before runs could be copied have none
            table["same_as"] = table["same_as"].fillna("")
        return table.reset_index(drop=True)

    def finalise(self) -> pd.DataFrame:
        """Write ``runs.parquet`` with every run in order and return it."""
        self.flush()
        table = self.runs()
        atomic_write(self.root / "runs.parquet", lambda p: table.to_parquet(p, index=False))
        return table


def load_runs(root: Path) -> pd.DataFrame:
    """Read the run table of a store (parts are authoritative; works on unfinished stores)."""
    root = Path(root)
    if not (root / "manifest.json").is_file():
        raise StoreError(f"{root}: not a results store (no manifest.json)")
    return Store(root).runs()
