"""A sweep killed with SIGKILL at any moment resumes to the table of an uninterrupted sweep."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sweep_support import (
    LONG_SWEEP,
    SMALL_SWEEP,
    THROUGHFLOW,
    assert_same_runs,
    kill_group,
    part_rows,
    reference_runs,
)
from throughflow import cli as cli_module
from throughflow.experiments import sweep as sweep_module
from throughflow.experiments.design import load_sweep
from throughflow.experiments.store import Store, load_runs
from throughflow.experiments.sweep import run_sweep

LAUNCHER = """\
import sys

if __name__ == "__main__":
    from throughflow.experiments import store

    store.Store.__init__.__defaults__ = (3, 5.0)  # flush a part every 3 finished runs
    from throughflow.cli import main

    sys.exit(main(sys.argv[1:]))
"""
"""The ``throughflow`` command with a small part size, so a kill can land between parts."""


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return reference_runs(LONG_SWEEP, tmp_path_factory)


def stored_rows(out: Path) -> int:
    """Rows in the store's part files (read from parquet footers; cheap enough to poll)."""
    return sum(pq.read_metadata(p).num_rows for p in (out / "runs").glob("part-*.parquet")) if (out / "runs").is_dir() else 0


def check_store(out: Path, reference: pd.DataFrame) -> int:
    """After a kill: the store is readable and holds only complete, correct rows. Returns their number."""
    if not (out / "manifest.json").is_file():  # killed before the store was created
        assert not list(out.glob("runs/part-*.parquet"))
        return 0
    json.loads((out / "manifest.json").read_text())
    parts = Store(out).part_files()
    for part in parts:
        assert not part.name.startswith(".")
        pd.read_parquet(part)  # every part is a complete parquet file
    ids = part_rows(out)
    assert len(ids) == len(set(ids)), "a run was stored twice"
    table = load_runs(out)
    assert sorted(Store(out).finished()) == sorted(ids)
    if len(table):
        assert set(table["run_id"]) <= set(reference["run_id"])
        assert_same_runs(table, reference[reference["run_id"].isin(table["run_id"])])
    return len(table)


def start(command: list[str], out: Path, cwd: Path, executor: str) -> subprocess.Popen[Any]:
    """Start a sweep process; ``--resume`` once the store exists."""
    args = [*command, "sweep", str(LONG_SWEEP), "--out", str(out), "--executor", executor, "--workers", "2"]
    if (out / "manifest.json").is_file():
        args.append("--resume")
    return subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True
    )


def sigkill(proc: subprocess.Popen[Any]) -> bool:
    """kill -9 the sweep process (then any pool workers it leaves behind). Whether it was still running."""
    running = proc.poll() is None
    if running:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    kill_group(proc)  # orphaned pool workers hold the pipes open
    proc.communicate(timeout=60)
    return running


def finish(command: list[str], out: Path, cwd: Path, executor: str, reference: pd.DataFrame) -> None:
    """Resume until the sweep completes; its table equals the uninterrupted one and nothing ran twice."""
    proc = start(command, out, cwd, executor)
    try:
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        kill_group(proc)
    assert proc.returncode == 0, stderr
    assert f"{len(reference)} runs in {out} (0 failed)" in stdout
    final = pd.read_parquet(out / "runs.parquet")
    assert_same_runs(final, reference)
    assert_same_runs(load_runs(out), reference)
    ids = part_rows(out)
    assert sorted(ids) == sorted(reference["run_id"]), "a finished run was rerun or a run is missing"


@pytest.mark.parametrize(("executor", "seed"), [("serial", 1), ("processes", 2)])
def test_throughflow_sweep_killed_at_random_times_resumes_to_the_same_table(
    executor: str, seed: int, reference: pd.DataFrame, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    out = tmp_path / "store"
    delays = [rng.uniform(0.05, 0.4), rng.uniform(2.5, 5.5), rng.uniform(3.5, 6.5)]  # the first one very early
    rows = 0
    for delay in delays:
        proc = start([str(THROUGHFLOW)], out, tmp_path, executor)
        try:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=delay)
        finally:
            sigkill(proc)
        now = check_store(out, reference)
        assert now >= rows, "finished runs were lost"
        rows = now
    finish([str(THROUGHFLOW)], out, tmp_path, executor, reference)


@pytest.mark.parametrize("executor", ["serial", pytest.param("processes", marks=pytest.mark.slow)])
def test_sweep_killed_between_and_during_part_writes_resumes_to_the_same_table(
    executor: str, reference: pd.DataFrame, tmp_path: Path
) -> None:
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    command = [sys.executable, str(launcher)]
    rng = random.Random(20261126 + len(executor))
    out = tmp_path / "store"
    total = len(reference)
    targets = sorted(rng.sample(range(3, total - 8), 3))
    # kill very early (before the store exists), then after the store holds at least `target`
    # rows, with a random extra delay; one resume is itself killed very early
    plan: list[tuple[str, float]] = [("time", rng.uniform(0.05, 0.5))]
    plan += [("rows", t) for t in targets[:1]] + [("time", rng.uniform(0.05, 0.5))] + [("rows", t) for t in targets[1:]]
    rows, partial = 0, 0
    for kind, value in plan:
        proc = start(command, out, tmp_path, executor)
        try:
            if kind == "time":
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=value)
            else:
                deadline = time.monotonic() + 120
                while proc.poll() is None and stored_rows(out) < value and time.monotonic() < deadline:
                    time.sleep(0.02)
                time.sleep(rng.uniform(0.0, 0.15))
        finally:
            running = sigkill(proc)
        now = check_store(out, reference)
        assert now >= rows, "finished runs were lost"
        if running and 0 < now < total:
            partial += 1
        rows = now
    assert partial >= 2, "the kills did not land part-way through the sweep"
    assert rows < total
    finish(command, out, tmp_path, executor, reference)


def test_temporary_files_are_not_taken_for_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sweep = load_sweep(SMALL_SWEEP)
    out = tmp_path / "store"
    monkeypatch.setattr(sweep_module, "Store", functools.partial(Store, flush_rows=2))
    complete = run_sweep(sweep, out=out, executor="serial", progress=False)
    # as if killed before the last part was renamed into place and before runs.parquet was written
    parts = Store(out).part_files()
    last = parts[-1]
    (out / "runs" / f".{last.name}.k3x9q2").write_bytes(last.read_bytes()[: len(last.read_bytes()) // 2])
    (out / "runs" / f".{last.name}.a81bz0").write_bytes(b"")
    last.unlink()
    (out / "runs.parquet").unlink()
    (out / ".runs.parquet.zz41ab").write_bytes(b"PAR1 truncated")
    assert len(Store(out).part_files()) == 2
    partial = load_runs(out)
    assert len(partial) == 4
    assert_same_runs(partial, complete.iloc[:4])
    ran: list[str] = []
    original = sweep_module.run_tasks

    def observed(payloads, *args, **kwargs):  # type: ignore[no-untyped-def]
        for result in original(payloads, *args, **kwargs):
            ran.append(result["row"]["run_id"])
            yield result

    monkeypatch.setattr(sweep_module, "run_tasks", observed)
    resumed = run_sweep(sweep, out=out, executor="serial", resume=True, progress=False)
    assert ran == complete["run_id"].tolist()[4:]  # only the runs without a row
    assert_same_runs(resumed, complete)
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), complete)


def test_interrupted_sweep_keeps_finished_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exception (e.g. Ctrl-C) mid-sweep flushes the finished runs; resuming completes the table."""
    sweep = load_sweep(SMALL_SWEEP)
    out = tmp_path / "store"
    original = sweep_module.run_tasks

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        for i, result in enumerate(original(*args, **kwargs)):
            if i == 4:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(sweep_module, "run_tasks", interrupted)
    code = cli_module.main(["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "serial"])
    assert code == 130
    assert "--resume" in capsys.readouterr().err
    assert len(load_runs(out)) == 4
    monkeypatch.setattr(sweep_module, "run_tasks", original)
    code = cli_module.main(["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "serial", "--resume"])
    assert code == 0
    assert sorted(part_rows(out)) == [t.run_id for t in sweep.tasks()]
    expected = run_sweep(sweep, out=tmp_path / "again", executor="serial", progress=False)
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), expected)
