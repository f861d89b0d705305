"""Helpers for the experiments-layer tests: sweep files, run-table equality, CLI and Dask processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from throughflow.experiments import sweep as sweep_module
from throughflow.experiments.design import load_sweep
from throughflow.experiments.store import VOLATILE
from throughflow.experiments.sweep import run_sweep

REPO = Path(__file__).resolve().parents[1]
TESTS_DIR = Path(__file__).resolve().parent
SWEEPS = TESTS_DIR / "sweeps"
BAD_SWEEPS = SWEEPS / "bad"
TINY = SWEEPS / "tiny.yaml"
TINY_MENTORING = SWEEPS / "tiny_mentoring.yaml"
SMALL_SWEEP = SWEEPS / "small.yaml"  # 2 design points x 3 replications
LONG_SWEEP = SWEEPS / "long.yaml"  # 8 design points x 5 replications
FAILING_SWEEP = SWEEPS / "failing.yaml"  # one level's runs raise

BIN = Path(sys.executable).parent
THROUGHFLOW = BIN / "throughflow"
DASK = BIN / "dask"

T975 = {1: 12.706204736174698, 2: 4.302652729749464, 3: 3.182446305284263, 4: 2.7764451051977934, 5: 2.570581835636314}
"""Two-sided 95 % quantiles of Student's t by degrees of freedom (tables), for direct checks."""

GROUPS = ("all", "low", "medium", "high")


def write_sweep(path: Path, **spec: Any) -> Path:
    """Write a sweep file (YAML) with the given top-level keys; the base defaults to the tiny world."""
    spec.setdefault("base", str(TINY))
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- run tables


def comparable(table: pd.DataFrame) -> pd.DataFrame:
    """A run table without the columns that legitimately differ between executions."""
    return table.drop(columns=[c for c in VOLATILE if c in table.columns]).reset_index(drop=True)


def _same_cell(x: Any, y: Any) -> bool:
    if isinstance(x, np.ndarray | list) or isinstance(y, np.ndarray | list):
        ax, ay = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return ax.shape == ay.shape and bool(np.array_equal(ax, ay, equal_nan=True))
    if isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y):
        return True
    return bool(x == y)


def assert_same_runs(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Two run tables are identical (same runs, columns, dtypes and values), volatile columns aside."""
    a, e = comparable(actual), comparable(expected)
    assert list(a.columns) == list(e.columns), f"columns differ: {set(a.columns) ^ set(e.columns) or 'order'}"
    assert a["run_id"].tolist() == e["run_id"].tolist(), "different runs or run order"
    for col in a.columns:
        assert str(a[col].dtype) == str(e[col].dtype), f"{col}: dtype {a[col].dtype} != {e[col].dtype}"
        if pd.api.types.is_numeric_dtype(a[col]):
            va, ve = a[col].to_numpy(dtype=float), e[col].to_numpy(dtype=float)
            bad = ~((va == ve) | (np.isnan(va) & np.isnan(ve)))
            assert not bad.any(), f"{col}: differs in runs {a.loc[bad, 'run_id'].tolist()[:5]}"
        else:
            for run_id, x, y in zip(a["run_id"], a[col], e[col], strict=True):
                assert _same_cell(x, y), f"run {run_id}, {col}: {x!r} != {y!r}"


def part_rows(store: Path) -> list[str]:
    """Run ids of every row in the store's part files (duplicates kept)."""
    ids: list[str] = []
    for part in sorted((Path(store) / "runs").glob("part-*.parquet")):
        ids.extend(pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist())
    return ids


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


_REFERENCES: dict[str, pd.DataFrame] = {}


def reference_runs(sweep_file: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The run table of an uninterrupted serial sweep (computed once per session), as read from disk."""
    key = str(sweep_file)
    if key not in _REFERENCES:
        out = tmp_path_factory.mktemp("reference") / sweep_file.stem
        run_sweep(load_sweep(sweep_file), out=out, executor="serial", progress=False)
        _REFERENCES[key] = pd.read_parquet(out / "runs.parquet")
    return _REFERENCES[key]


# --------------------------------------------------------------------------- processes


def cli(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the ``throughflow`` command to completion."""
    return subprocess.run(
        [str(THROUGHFLOW), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL whatever is left of the process group a test started with ``start_new_session``."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def stop(proc: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """Terminate a process this test started; SIGKILL its group if it does not stop in time."""
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)
    kill_group(proc)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(grace)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DaskCluster:
    """A scheduler and worker processes started with the ``dask`` command."""

    address: str
    scheduler: subprocess.Popen[Any]
    workers: list[subprocess.Popen[Any]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def log_tail(self, lines: int = 15) -> str:
        out = []
        for log in self.logs:
            if log.is_file():
                out.append(f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(out)


def _wait_for_workers(cluster: DaskCluster, expected: int, timeout: float) -> None:
    from distributed import Client

    deadline = time.monotonic() + timeout
    while True:
        for proc in [cluster.scheduler, *cluster.workers]:
            if proc.poll() is not None:
                raise RuntimeError(f"a dask process exited early (code {proc.returncode})\n{cluster.log_tail()}")
        try:
            with Client(cluster.address, timeout="5s") as client:
                while time.monotonic() < deadline:
                    if len(client.scheduler_info().get("workers", {})) >= expected:
                        return
                    time.sleep(0.2)
        except OSError:
            time.sleep(0.3)
        if time.monotonic() > deadline:
            raise RuntimeError(f"dask cluster not ready with {expected} workers in {timeout:.0f} s\n{cluster.log_tail()}")


@contextlib.contextmanager
def dask_cluster(
    workdir: Path, processes: int = 1, nworkers: int = 2, nanny: bool = True, timeout: float = 90
) -> Iterator[DaskCluster]:
    """Start ``dask scheduler`` and ``processes`` x ``dask worker --nworkers N`` on 127.0.0.1; always stop them."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"

    def start(args: list[str], log: Path) -> subprocess.Popen[Any]:
        with open(log, "wb") as handle:
            return subprocess.Popen(
                args, cwd=workdir, stdout=subprocess.DEVNULL, stderr=handle, stdin=subprocess.DEVNULL, start_new_session=True
            )

    scheduler_log = workdir / "scheduler.log"
    scheduler = start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], scheduler_log)
    cluster = DaskCluster(address, scheduler, logs=[scheduler_log])
    try:
        for i in range(processes):
            log = workdir / f"worker-{i}.log"
            args = [str(DASK), "worker", address, "--nworkers", str(nworkers), "--nthreads", "1", "--no-dashboard"]
            args += ["--host", "127.0.0.1", "--local-directory", str(workdir / f"scratch-{i}")]
            if not nanny:
                args.append("--no-nanny")
            cluster.workers.append(start(args, log))
            cluster.logs.append(log)
        _wait_for_workers(cluster, processes * nworkers, timeout)
        yield cluster
    finally:
        for proc in cluster.workers:
            if proc.poll() is None:
                proc.terminate()
        for proc in cluster.workers:
            stop(proc, grace=5.0)
        stop(scheduler, grace=5.0)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the run id of every task the executors run."""
    ran: list[str] = []
    original = sweep_module.run_tasks

    def observed(payloads, *args, **kwargs):  # type: ignore[no-untyped-def]
        for result in original(payloads, *args, **kwargs):
            ran.append(result["row"]["run_id"])
            yield result

    monkeypatch.setattr(sweep_module, "run_tasks", observed)
    return ran


# --------------------------------------------------------------------------- process groups and partial stores


def alive_in_group(pgid: int) -> list[int]:
    """Processes of a process group that are still running (zombies, which hold nothing, left out)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(entry))
    return alive


def wait_group_gone(pgid: int, timeout: float = 10.0) -> float:
    """Seconds until no process of the group runs; fails the test if some still run after ``timeout``."""
    started = time.monotonic()
    while alive_in_group(pgid):
        if time.monotonic() - started > timeout:
            left = alive_in_group(pgid)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            raise AssertionError(f"processes {left} of group {pgid} still run {timeout} s after the command ended")
        time.sleep(0.02)
    return time.monotonic() - started


def stored_rows(store: Path) -> int:
    """Rows in a store's part files, read from the footers (cheap enough to poll; parts may be merged meanwhile)."""
    total = 0
    for part in (Path(store) / "runs").glob("part-*.parquet") if (Path(store) / "runs").is_dir() else []:
        with contextlib.suppress(OSError, ValueError):
            total += pq.read_metadata(part).num_rows
    return total


def check_partial_store(store: Path, reference: pd.DataFrame) -> int:
    """After an interruption: the store holds only complete, correct rows, none twice. Returns their number."""
    from throughflow.experiments.store import Store, load_runs

    if not (store / "manifest.json").is_file():  # stopped before the store was created
        assert not list(store.glob("runs/part-*.parquet"))
        return 0
    parts = {part: set(pd.read_parquet(part)["run_id"]) for part in Store(store).part_files()}
    for part, ids in parts.items():  # a run in two parts only while a merge of small parts was under way
        for other, more in parts.items():
            if other != part and ids & more:
                assert ids < more or more < ids, f"runs stored twice: {sorted(ids & more)[:5]}"
    table = load_runs(store)
    if len(table):
        assert set(table["run_id"]) <= set(reference["run_id"])
        assert_same_runs(table, reference[reference["run_id"].isin(table["run_id"])])
    return len(table)


def die(payload: dict[str, Any]) -> dict[str, Any]:
    """Stand-in for ``execute`` in a pool worker: the worker dies (as when the system kills it)."""
    os._exit(9)
