"""A sweep killed with SIGKILL at any moment resumes to the table of an uninterrupted sweep."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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
    counting,
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
    """Rows in the store's part files (read from parquet footers; cheap enough to poll).

    The running sweep merges small parts (it writes the merged part, then removes the parts it
    replaces), so a part listed here can be gone when its footer is read: count again.
    """
    while True:
        if not (out / "runs").is_dir():
            return 0
        try:
            return sum(pq.read_metadata(p).num_rows for p in (out / "runs").glob("part-*.parquet"))
        except FileNotFoundError:
            continue


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


class Sweeping:
    """A sweep process (``--resume`` once the store exists) whose progress bar is read as it runs."""

    def __init__(self, command: list[str], out: Path, cwd: Path, executor: str) -> None:
        args = [*command, "sweep", str(LONG_SWEEP), "--out", str(out), "--executor", executor, "--workers", "2"]
        if (out / "manifest.json").is_file():
            args.append("--resume")
        self.proc = subprocess.Popen(
            args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True
        )
        self.stdout, self.stderr = bytearray(), bytearray()
        self.readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, buffer: bytearray) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            buffer.extend(chunk)

    def progress(self) -> int:
        """Finished runs according to the progress bar (``n/40 [``)."""
        counts = re.findall(rb"(\d+)/\d+ \[", bytes(self.stderr))
        return int(counts[-1]) if counts else 0

    def wait_until(self, ready: Callable[[], bool], timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and not ready() and time.monotonic() < deadline:
            time.sleep(0.02)

    def sigkill(self) -> bool:
        """kill -9 the sweep process (then any pool workers it leaves behind). Whether it was still running."""
        running = self.proc.poll() is None
        if running:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)
        kill_group(self.proc)  # orphaned pool workers would hold the pipes open
        for reader in self.readers:
            reader.join(60)
        return running

    def finish(self, timeout: float = 300) -> int:
        try:
            self.proc.wait(timeout=timeout)
        finally:
            kill_group(self.proc)
        for reader in self.readers:
            reader.join(60)
        return self.proc.returncode


def kill_and_resume(
    command: list[str], plan: list[tuple[str, float]], executor: str, reference: pd.DataFrame, tmp_path: Path, rng: random.Random
) -> int:
    """SIGKILL a sweep at each point of the plan, then resume it to completion.

    Returns:
        How many kills hit a running sweep part-way through its runs.
    """
    out = tmp_path / "store"
    total = len(reference)
    rows, midway = 0, 0
    for kind, value in plan:
        sweep = Sweeping(command, out, tmp_path, executor)
        try:
            if kind == "time":  # seconds after start
                with contextlib.suppress(subprocess.TimeoutExpired):
                    sweep.proc.wait(timeout=value)
            elif kind == "store":  # once the store exists
                sweep.wait_until(lambda: (out / "manifest.json").is_file())
            elif kind == "progress":  # once the progress bar shows `value` finished runs
                sweep.wait_until(lambda s=sweep, v=value: s.progress() >= v)
            elif kind == "rows":  # once the store holds `value` rows
                sweep.wait_until(lambda v=value: stored_rows(out) >= v)
            if kind != "time":
                time.sleep(rng.uniform(0.0, 0.1))
            done = sweep.progress()
        finally:
            running = sweep.sigkill()
        now = check_store(out, reference)
        assert now >= rows, "finished runs were lost"
        rows = now
        midway += running and 0 < done < total
    assert rows < total, "the sweep completed before the last kill"

    sweep = Sweeping(command, out, tmp_path, executor)
    code = sweep.finish()
    assert code == 0, sweep.stderr.decode(errors="replace")[-2000:]
    assert f"{total} runs in {out} (0 failed)" in sweep.stdout.decode()
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), reference)
    assert_same_runs(load_runs(out), reference)
    assert sorted(part_rows(out)) == sorted(reference["run_id"]), "a finished run was rerun or a run is missing"
    return midway


@pytest.mark.parametrize(("executor", "seed"), [("serial", 1), ("processes", 2)])
def test_throughflow_sweep_killed_at_random_points_resumes_to_the_same_table(
    executor: str, seed: int, reference: pd.DataFrame, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    total = len(reference)
    first, second = sorted(rng.sample(range(2, total - 15), 2))
    plan = [
        ("time", rng.uniform(0.05, 0.4)),  # very early: before the store exists
        ("store", 0),  # just after the store is created
        ("progress", first),
        ("progress", second),
    ]
    midway = kill_and_resume([str(THROUGHFLOW)], plan, executor, reference, tmp_path, rng)
    assert midway >= 1, "no kill landed part-way through the sweep"


@pytest.mark.parametrize("executor", ["serial", pytest.param("processes", marks=pytest.mark.slow)])
def test_sweep_killed_between_and_during_part_writes_resumes_to_the_same_table(
    executor: str, reference: pd.DataFrame, tmp_path: Path
) -> None:
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    rng = random.Random(20261126 + len(executor))
    targets = sorted(rng.sample(range(3, len(reference) - 8), 3))
    # very early (before the store exists), after the store holds `target` rows, and one
    # resume killed very early
    plan = [("time", rng.uniform(0.05, 0.5)), ("rows", targets[0]), ("time", rng.uniform(0.05, 0.5))]
    plan += [("rows", t) for t in targets[1:]]
    midway = kill_and_resume([sys.executable, str(launcher)], plan, executor, reference, tmp_path, rng)
    assert midway >= 2, "the kills did not land part-way through the sweep"


def split_parts(store: Path, rows: int) -> None:
    """Rewrite a store's parts as parts of ``rows`` runs each, in run order."""
    table = pq.read_table(Store(store).part_files()[0])
    for part in Store(store).part_files():
        part.unlink()
    for i, start in enumerate(range(0, table.num_rows, rows)):
        pq.write_table(table.slice(start, rows), store / "runs" / f"part-{i:020d}.parquet", write_page_checksum=True)


def test_temporary_files_are_not_taken_for_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sweep = load_sweep(SMALL_SWEEP)
    out = tmp_path / "store"
    complete = run_sweep(sweep, out=out, executor="serial", progress=False)
    split_parts(out, 2)  # as an unfinished sweep leaves them: three parts of two runs
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
    ran = counting(monkeypatch)
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
