"""Executors: serial, process pool and Dask (local and a real scheduler/worker cluster) give one table."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pandas as pd
import pytest

from sweep_support import (
    FAILING_SWEEP,
    LONG_SWEEP,
    SMALL_SWEEP,
    TINY,
    assert_same_runs,
    dask_cluster,
    reference_runs,
)
from throughflow import cli as cli_module
from throughflow.experiments import sweep as sweep_module
from throughflow.experiments.design import load_sweep
from throughflow.experiments.executors import execute, run_tasks
from throughflow.experiments.sweep import run_sweep
from throughflow.scenario import load_scenario


@pytest.fixture(scope="module")
def serial_small(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return reference_runs(SMALL_SWEEP, tmp_path_factory)


def worker_pids(table: pd.DataFrame) -> set[int]:
    return {int(w.rpartition(":")[2]) for w in table["worker"]}


# --------------------------------------------------------------------------- execute and run_tasks


def test_execute_records_a_failing_run_instead_of_raising() -> None:
    scenario = load_scenario(TINY, **{"geography.municipalities_csv": "/nonexistent.csv"}).model_dump()
    payload = {"run_id": "00003-001", "point": 3, "replicate": 1, "seed": 11, "labels": {"f": "x"}, "scenario": scenario}
    row = execute(payload)["row"]
    assert row["status"] == "failed"
    assert row["run_id"] == "00003-001" and row["point"] == 3 and row["replicate"] == 1 and row["seed"] == 11
    assert row["factor:f"] == "x"
    assert "/nonexistent.csv" in row["error"] and "\n" not in row["error"]
    assert row["error"].startswith("ValueError: ")


def test_execute_records_an_invalid_scenario_as_failed() -> None:
    payload = {
        "run_id": "00000-000",
        "point": 0,
        "replicate": 0,
        "seed": 1,
        "labels": {},
        "scenario": {"population": {"scale": -1}},
    }
    row = execute(payload)["row"]
    assert row["status"] == "failed"
    assert "population.scale" in row["error"] and "\n" not in row["error"]


def test_unknown_executor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown executor"):
        list(run_tasks([], executor="threads"))


def _instant_payloads(n: int, consumed: list[int]):  # type: ignore[no-untyped-def]
    """Payloads whose runs fail at once (invalid scenario); counts how many the executor has taken."""
    for i in range(n):
        consumed.append(i)
        yield {"run_id": f"{i:05d}-000", "point": i, "replicate": 0, "seed": i, "labels": {}, "scenario": {"months": 0}}


@pytest.mark.parametrize(("executor", "window"), [("serial", 1), ("processes", 8)])
def test_tasks_are_submitted_in_a_bounded_window(executor: str, window: int) -> None:
    consumed: list[int] = []
    in_flight = []
    results = []
    for result in run_tasks(_instant_payloads(40, consumed), executor=executor, workers=2):
        results.append(result["row"]["run_id"])
        in_flight.append(len(consumed) - (len(results) - 1))
    assert sorted(results) == [f"{i:05d}-000" for i in range(40)]
    assert max(in_flight) <= window
    assert max(in_flight) >= 1


# --------------------------------------------------------------------------- identical tables


def test_process_pool_gives_the_serial_table(serial_small: pd.DataFrame, tmp_path: Path) -> None:
    table = run_sweep(load_sweep(SMALL_SWEEP), out=tmp_path / "p", executor="processes", workers=2, progress=False)
    assert_same_runs(table, serial_small)
    assert_same_runs(pd.read_parquet(tmp_path / "p" / "runs.parquet"), serial_small)
    assert os.getpid() not in worker_pids(table)


def test_failed_runs_are_the_same_on_serial_and_process_pool(tmp_path: Path) -> None:
    sweep = load_sweep(FAILING_SWEEP)
    serial = run_sweep(sweep, out=tmp_path / "s", executor="serial", progress=False)
    pool = run_sweep(sweep, out=tmp_path / "p", executor="processes", workers=2, progress=False)
    assert serial["status"].tolist() == ["ok", "ok", "failed", "failed"]
    assert_same_runs(pool, serial)


def test_dask_local_cluster_from_the_command_line_gives_the_serial_table(
    serial_small: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dask-local"
    code = cli_module.main(["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "dask", "--workers", "2"])
    assert code == 0, capsys.readouterr().err
    table = pd.read_parquet(out / "runs.parquet")
    assert_same_runs(table, serial_small)
    assert os.getpid() not in worker_pids(table)


def test_dask_scheduler_and_worker_processes_give_the_serial_table(
    serial_small: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dask-cluster"
    with dask_cluster(tmp_path / "cluster", processes=1, nworkers=2) as cluster:
        code = cli_module.main(
            ["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "dask", "--scheduler", cluster.address]
        )
        assert code == 0, capsys.readouterr().err + cluster.log_tail()
        from distributed import Client

        with Client(cluster.address, timeout="20s") as client:
            cluster_pids = set(client.run(os.getpid).values())
    table = pd.read_parquet(out / "runs.parquet")
    assert_same_runs(table, serial_small)
    assert worker_pids(table) <= cluster_pids  # every run ran on the cluster's workers


def test_sweep_survives_a_dask_worker_killed_mid_sweep(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    reference = reference_runs(LONG_SWEEP, tmp_path_factory)
    total = len(reference)
    out = tmp_path / "dask-kill"
    results: list[str] = []
    started = threading.Event()
    outcome: dict[str, object] = {}
    original = sweep_module.run_tasks

    def observed(*args, **kwargs):  # type: ignore[no-untyped-def]
        for result in original(*args, **kwargs):
            results.append(result["row"]["worker"])
            if len(results) >= 6:
                started.set()
            yield result

    with dask_cluster(tmp_path / "cluster", processes=2, nworkers=1, nanny=False) as cluster:

        def sweep() -> None:
            try:
                outcome["table"] = run_sweep(
                    load_sweep(LONG_SWEEP), out=out, executor="dask", scheduler=cluster.address, progress=False
                )
            except BaseException as exc:  # reported by the test thread
                outcome["error"] = exc
            finally:
                started.set()

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sweep_module, "run_tasks", observed)
            thread = threading.Thread(target=sweep, daemon=True)
            thread.start()
            assert started.wait(180), "sweep did not start on the cluster"
            assert "error" not in outcome, outcome.get("error")
            pids = {proc.pid: proc for proc in cluster.workers}
            seen = [int(w.rpartition(":")[2]) for w in results]
            victim = next(pid for pid in reversed(seen) if pid in pids)  # a worker that is running tasks
            done_at_kill = len(results)
            os.kill(victim, signal.SIGKILL)
            pids[victim].wait(30)
            thread.join(300)
            assert not thread.is_alive(), "sweep did not finish after a worker was killed"
    assert "error" not in outcome, f"sweep failed after a worker was killed: {outcome.get('error')!r}"
    assert done_at_kill < total  # the kill landed mid-sweep
    table = outcome["table"]
    assert isinstance(table, pd.DataFrame)
    assert (table["status"] == "ok").all()
    assert_same_runs(table, reference)
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), reference)
    survivor = ({proc.pid for proc in cluster.workers} - {victim}).pop()
    assert int(results[-1].rpartition(":")[2]) == survivor  # the surviving worker finished the sweep
