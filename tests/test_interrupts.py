"""Real signals: Ctrl-C twice, SIGTERM, kill -9 ten times, two resumes at once, a lost Dask cluster.

Every stopped sweep leaves no process behind, keeps every finished run, and resumes to the
table of an uninterrupted sweep. The commands are ``throughflow`` processes forked from a
helper that has imported the package (:mod:`zygote`), so that starting one takes milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from sweep_support import (
    SWEEPS,
    assert_same_runs,
    check_partial_store,
    dask_cluster,
    part_rows,
    reference_runs,
    stored_rows,
    wait_group_gone,
)
from zygote import Child, Zygote

INTERRUPT = SWEEPS / "interrupt.yaml"  # 160 small runs


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    helper = Zygote.start(tmp_path_factory.mktemp("zygote-logs"))
    yield helper
    helper.stop()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return reference_runs(INTERRUPT, tmp_path_factory)


def sweep(zygote: Zygote, out: Path, executor: str = "processes", resume: bool = True) -> Child:
    args: list[str | Path] = ["sweep", INTERRUPT, "--out", out, "--executor", executor, "--workers", "2"]
    return zygote.run([*args, "--resume"] if resume else args, out.parent)


def wait_for_rows(child: Child, out: Path, rows: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while stored_rows(out) < rows:
        assert child.poll() is None, f"the sweep ended before {rows} runs were stored:\n{child.stderr()[-2000:]}"
        assert time.monotonic() < deadline, f"fewer than {rows} runs stored after {timeout} s"
        time.sleep(0.005)


def last_progress(stderr: str) -> int:
    counts = re.findall(r"(\d+)/\d+ \[", stderr)
    return int(counts[-1]) if counts else 0


def resume_to_the_end(zygote: Zygote, out: Path, reference: pd.DataFrame) -> None:
    child = sweep(zygote, out)
    assert child.wait(300) == 0, child.stderr()[-2000:]
    assert f"{len(reference)} runs in {out} (0 failed)" in child.stdout()
    wait_group_gone(child.pid)
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), reference)
    assert sorted(part_rows(out)) == sorted(reference["run_id"]), "a run was rerun, lost or stored twice"


def no_traceback(child: Child) -> None:
    assert "Traceback" not in child.stderr(), child.stderr()[-3000:]


# --------------------------------------------------------------------------- Ctrl-C and SIGTERM


def ctrl_c_once(zygote: Zygote, out: Path, reference: pd.DataFrame, executor: str) -> int:
    """Ctrl-C once: the command stops cleanly, keeps every finished run, leaves no process."""
    child = sweep(zygote, out, executor)
    wait_for_rows(child, out, stored_rows(out) + 3)
    os.killpg(child.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group: command, pool, workers
    assert child.wait(30) == 130, child.stderr()[-2000:]
    no_traceback(child)
    assert child.stderr().strip().splitlines()[-1] == (
        "throughflow: stopped by SIGINT; finished runs are kept (run the same command with --resume to continue)"
    )
    wait_group_gone(child.pid, timeout=5)
    kept = check_partial_store(out, reference)
    assert kept >= last_progress(child.stderr())  # every run the progress bar counted is on disk
    return kept


def ctrl_c_twice(zygote: Zygote, out: Path, reference: pd.DataFrame) -> int:
    """Ctrl-C twice in quick succession: the command ends within seconds and leaves no process."""
    child = sweep(zygote, out)
    wait_for_rows(child, out, stored_rows(out) + 3)
    os.killpg(child.pid, signal.SIGINT)
    time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):  # it may have stopped already
        os.killpg(child.pid, signal.SIGINT)
    started = time.monotonic()
    code = child.wait(30)
    assert time.monotonic() - started < 10
    assert code in (130, -signal.SIGINT), child.stderr()[-2000:]  # the second signal may end it while it exits
    no_traceback(child)
    wait_group_gone(child.pid, timeout=5)
    return check_partial_store(out, reference)


def sigterm(zygote: Zygote, out: Path, reference: pd.DataFrame) -> int:
    """SIGTERM to the command alone (``kill PID``): it stops cleanly; its workers end too."""
    child = sweep(zygote, out)
    wait_for_rows(child, out, stored_rows(out) + 3)
    os.kill(child.pid, signal.SIGTERM)
    assert child.wait(30) == 143, child.stderr()[-2000:]
    no_traceback(child)
    assert "stopped by SIGTERM; finished runs are kept" in child.stderr()
    wait_group_gone(child.pid, timeout=5)
    kept = check_partial_store(out, reference)
    assert kept >= last_progress(child.stderr())
    return kept


def test_ctrl_c_once_twice_sigterm_and_kill_9_then_resume_to_the_uninterrupted_table(
    zygote: Zygote, reference: pd.DataFrame, tmp_path: Path
) -> None:
    """A process-pool sweep stopped every way there is; each leaves no process and loses no finished run."""
    out = tmp_path / "store"
    first = ctrl_c_once(zygote, out, reference, "processes")
    second = ctrl_c_twice(zygote, out, reference)
    third = sigterm(zygote, out, reference)
    assert 0 < first < second < third < len(reference)
    kill_repeatedly(zygote, reference, out, "processes", kills=2, seed=2)


SECOND_SIGNAL = """
import sys, time
from throughflow.experiments import interrupts

def killed():
    print("workers killed", flush=True)

with interrupts.stopping_on_signals(hard_exit=True, on_hard_exit=killed):
    with interrupts.critical():  # as if stuck inside a pool's shutdown
        print("ready", flush=True)
        time.sleep(60)
sys.exit(0)
"""


def test_a_second_signal_exits_at_once_even_when_the_first_cannot_be_handled() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SECOND_SIGNAL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert proc.poll() is None, "the first signal must wait for the critical section"
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert time.monotonic() - started < 2
        assert proc.returncode == 130
        assert "workers killed" in out
        assert "stopped at once" in err and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()


# --------------------------------------------------------------------------- kill -9


def kill_repeatedly(zygote: Zygote, reference: pd.DataFrame, out: Path, executor: str, kills: int, seed: int) -> None:
    """``kill -9`` the command ``kills`` times, each after at least one more finished run; then resume to the end."""
    rng = random.Random(seed)
    rows = stored_rows(out)
    for _ in range(kills):
        child = sweep(zygote, out, executor)
        wait_for_rows(child, out, rows + 1)  # at least one more finished run
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        wait_group_gone(child.pid, timeout=5)  # the pool's workers end by themselves
        now = check_partial_store(out, reference)
        assert now > rows, "a kill lost finished runs or the sweep made no progress"
        rows = now
    assert rows < len(reference), "the sweep completed before the last kill"
    resume_to_the_end(zygote, out, reference)


def test_ctrl_c_during_a_run_then_kill_9_ten_times_in_a_row_always_makes_progress(
    zygote: Zygote, reference: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "store"
    assert ctrl_c_once(zygote, out, reference, "serial") > 0  # a serial sweep is stopped inside a model run
    kill_repeatedly(zygote, reference, out, "serial", kills=10, seed=1)


@pytest.mark.slow
def test_kill_9_of_a_process_pool_sweep_ten_times_in_a_row(zygote: Zygote, reference: pd.DataFrame, tmp_path: Path) -> None:
    kill_repeatedly(zygote, reference, tmp_path / "store", "processes", kills=10, seed=3)


# --------------------------------------------------------------------------- shared use


def test_two_resumes_at_once_one_runs_the_other_is_refused(zygote: Zygote, reference: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "store"
    first, second = sweep(zygote, out), sweep(zygote, out)
    codes = sorted([first.wait(300), second.wait(300)])
    assert codes == [0, 2], first.stderr()[-1000:] + second.stderr()[-1000:]
    refused = first if first.returncode == 2 else second
    lines = refused.stderr().strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        rf"throughflow: error: {re.escape(str(out))}: in use by another throughflow process \(pid \d+ on \S+ since \S+\); "
        "wait for it to finish or use another --out",
        lines[0],
    ), lines[0]
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), reference)
    assert sorted(part_rows(out)) == sorted(reference["run_id"])


# --------------------------------------------------------------------------- Dask


def test_a_dask_cluster_that_loses_every_worker_ends_the_sweep_with_an_error(
    zygote: Zygote, reference: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "store"
    with dask_cluster(tmp_path / "cluster", processes=1, nworkers=1, nanny=False) as cluster:
        child = zygote.run(["sweep", INTERRUPT, "--out", out, "--scheduler", cluster.address, "--dask-timeout", "3"], tmp_path)
        wait_for_rows(child, out, 2)
        for worker in cluster.workers:
            worker.kill()
        started = time.monotonic()
        code = child.wait(60)
        assert code == 1, child.stderr()[-2000:]
        assert 3 <= time.monotonic() - started < 30
    lines = child.stderr().strip().splitlines()
    assert lines[-1] == (
        f"throughflow: error: the Dask cluster at {cluster.address} has had no workers for 3 s; "
        "finished runs are kept, resume when it is back"
    )
    no_traceback(child)
    wait_group_gone(child.pid)
    assert check_partial_store(out, reference) >= 2
