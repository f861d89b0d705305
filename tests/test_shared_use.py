"""Shared use of the results store and the executor interface.

One writer per store (a lock), the model code recorded and checked on resume, files that
follow the user's umask, a run folder that plain ``pandas.read_parquet`` reads, write errors
as one line, Dask bound to 127.0.0.1, one options object and ``--scheduler`` everywhere.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sweep_support import (
    FAILING_SWEEP,
    SMALL_SWEEP,
    TINY,
    TINY_MENTORING,
    assert_same_runs,
    die,
    free_port,
    part_rows,
    reference_runs,
    snapshot,
    write_sweep,
)
from throughflow import cli as cli_module
from throughflow.experiments import executors as executors_module
from throughflow.experiments import outputs as outputs_module
from throughflow.experiments import store as store_module
from throughflow.experiments.design import load_sweep
from throughflow.experiments.executors import ExecutorError, execute, output_columns, run_tasks
from throughflow.experiments.options import EXECUTORS, ExecutorOptions, register_executor
from throughflow.experiments.outputs import PACKAGE_DIR, code_hash
from throughflow.experiments.store import Store, StoreBusy, StoreError, load_runs
from throughflow.experiments.sweep import run_sweep
from throughflow.scenario import load_scenario


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return reference_runs(SMALL_SWEEP, tmp_path_factory)


def small_store(folder: Path) -> Path:
    run_sweep(load_sweep(SMALL_SWEEP), out=folder, executor="serial", progress=False)
    return folder


# --------------------------------------------------------------------------- one writer at a time

HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.pwrite(fd, b"pid %d on somewhere since now" % os.getpid(), 0)
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    store = tmp_path / "store"
    store.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(store / ".lock")], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    yield proc, store
    proc.kill()
    proc.wait(30)


def test_a_second_writer_is_refused_with_the_first_named(holder: tuple[subprocess.Popen[str], Path]) -> None:
    proc, store = holder
    with pytest.raises(StoreBusy) as busy, Store(store).lock():
        pass
    assert str(busy.value) == (
        f"{store}: in use by another throughflow process (pid {proc.pid} on somewhere since now); "
        "wait for it to finish or use another --out"
    )


def test_the_lock_goes_with_its_process_however_it_ends(holder: tuple[subprocess.Popen[str], Path]) -> None:
    proc, store = holder
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    with Store(store).lock():
        with Store(store).lock():  # re-entrant within a process
            pass
        assert (store / ".lock").is_file()


def test_readers_need_no_lock(holder: tuple[subprocess.Popen[str], Path], tmp_path: Path, reference: pd.DataFrame) -> None:
    _, store = holder
    small_store(tmp_path / "other")
    for name in ("manifest.json", "sweep.yaml", "design.parquet", "runs", "runs.parquet"):
        source = tmp_path / "other" / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, store / name)
    assert_same_runs(load_runs(store), reference)


# --------------------------------------------------------------------------- the model code


def test_the_code_hash_follows_the_model_code_not_the_presentation(tmp_path: Path) -> None:
    copy = tmp_path / "throughflow"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_hash(copy) == code_hash(PACKAGE_DIR)
    brief = copy / "briefing" / "notes.py"
    brief.write_text(brief.read_text() + "\n# a new sentence in the brief\n")
    assert code_hash(copy) == code_hash(PACKAGE_DIR)  # the brief does not change stored results
    process = copy / "processes" / "hiring.py"
    process.write_text(process.read_text() + "\n# an uncommitted edit\n")
    assert code_hash(copy) != code_hash(PACKAGE_DIR)
    manifest = json.loads((small_store(tmp_path / "store") / "manifest.json").read_text())
    assert manifest["code_hash"] == code_hash()
    assert {"git_commit", "git_dirty", "throughflow"} <= set(manifest)


def test_resume_with_other_model_code_is_refused_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reference: pd.DataFrame
) -> None:
    out = small_store(tmp_path / "store")
    (out / "runs.parquet").unlink()
    monkeypatch.setattr(outputs_module, "_CODE_HASH", "0123456789abcdef")  # as after editing the model
    before = snapshot(out)
    argv = ["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "serial", "--resume"]
    assert cli_module.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert f"was written by model code {code_hash_of(out)}, this is 0123456789abcdef" in err[0]
    assert "--allow-code-change" in err[0]
    assert snapshot(out) == before
    assert cli_module.main([*argv, "--allow-code-change"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert [entry["code_hash"] for entry in manifest["resumed_with_other_code"]] == ["0123456789abcdef"]
    assert manifest["code_hash"] != "0123456789abcdef"  # the store's own provenance is kept
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), reference)


def code_hash_of(store: Path) -> str:
    return str(json.loads((store / "manifest.json").read_text())["code_hash"])


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_files_follow_the_umask(mask: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs_module, "_UMASK", None)
    old = os.umask(mask)
    try:
        store = small_store(tmp_path / "store")
        assert cli_module.main(["run", str(TINY), "--months", "12", "--out", str(tmp_path / "run")]) == 0
    finally:
        os.umask(old)
    for path in [*store.rglob("*"), *(tmp_path / "run").rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert mode == expected, f"{path}: {oct(mode)} != {oct(expected)}"


# --------------------------------------------------------------------------- reading the store


def test_the_runs_folder_reads_with_pandas_while_a_sweep_is_unfinished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the first level fails, so the first parts hold failed runs only (no indicator values)
    sweep = load_sweep(
        write_sweep(
            tmp_path / "failing_first.yaml",
            replications=2,
            seed=4,
            factors={"geography": {"levels": {"missing": {"geography.municipalities_csv": "/nonexistent.csv"}, "synthetic": {}}}},
        )
    )
    monkeypatch.setattr(store_module.Store, "merge", lambda self, parts: None)  # as before the sweep completes
    table = run_sweep(sweep, out=tmp_path / "store", executor="serial", progress=False)
    assert len(Store(tmp_path / "store").part_files()) == 4
    plain = pd.read_parquet(tmp_path / "store" / "runs").sort_values("run_id").reset_index(drop=True)
    assert_same_runs(plain, table)
    assert list(plain.columns) == list(table.columns)
    assert plain["throughflow_12m.all"].dtype == "float64"
    assert plain.loc[plain["status"] == "ok", "throughflow_12m.all"].notna().all()


def test_every_output_of_a_run_is_a_declared_column() -> None:
    payload = {
        "run_id": "00000-000",
        "point": 0,
        "replicate": 0,
        "seed": 1,
        "labels": {},
        "scenario": load_scenario(TINY, months=24).model_dump(),
    }
    row = execute(payload)["row"]
    outputs = [k for k in row if "." in k]
    assert sorted(outputs) == sorted(name for name, _ in output_columns())


def test_a_damaged_part_is_named_not_read(tmp_path: Path) -> None:
    out = small_store(tmp_path / "store")
    part = Store(out).part_files()[0]
    data = bytearray(part.read_bytes())
    for offset in range(len(data) // 3, len(data)):  # a flipped bit in a data page
        data[offset] ^= 0x01
        part.write_bytes(bytes(data))
        try:
            pq.read_table(part, page_checksum_verification=True)
        except Exception:
            break
        data[offset] ^= 0x01
    with pytest.raises(StoreError, match=f"{part}: damaged part file"):
        load_runs(out)


def test_resume_removes_what_a_merge_cut_short_left(tmp_path: Path, reference: pd.DataFrame) -> None:
    out = small_store(tmp_path / "store")
    merged = Store(out).part_files()[0]
    table = pq.read_table(merged)
    pq.write_table(table.slice(0, 2), out / "runs" / "part-00000000000000000001-1-00000.parquet", write_page_checksum=True)
    pq.write_table(table.slice(2, 1), out / "runs" / "part-00000000000000000002-1-00000.parquet", write_page_checksum=True)
    (out / "runs.parquet").unlink()
    assert len(part_rows(out)) == len(reference) + 3  # the state a kill between writing and removing leaves
    assert_same_runs(load_runs(out), reference)  # the reader sees each run once
    run_sweep(load_sweep(SMALL_SWEEP), out=out, executor="serial", resume=True, progress=False)
    assert sorted(part_rows(out)) == sorted(reference["run_id"])


# --------------------------------------------------------------------------- write errors


def test_a_full_disk_is_one_line_and_keeps_the_finished_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reference: pd.DataFrame
) -> None:
    out = tmp_path / "store"
    real = store_module.pq.write_table
    written: list[int] = []

    def fills_up(table: Any, where: Any, **kwargs: Any) -> None:
        if ".part-" in str(where):  # the temporary name of a part file
            if len(written) >= 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            written.append(table.num_rows)
        real(table, where, **kwargs)

    monkeypatch.setattr(store_module.pq, "write_table", fills_up)
    assert cli_module.main(["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "serial"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"throughflow: error: {out / 'runs'}/part-")
    assert err[-1].endswith(".parquet: cannot write (No space left on device)")
    assert "Traceback" not in "\n".join(err)
    assert sorted(part_rows(out)) == reference["run_id"].tolist()[:3]
    assert not list((out / "runs").glob(".*"))  # no temporary file left behind
    monkeypatch.setattr(store_module.pq, "write_table", real)  # space freed
    assert cli_module.main(["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "serial", "--resume"]) == 0
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), reference)


# --------------------------------------------------------------------------- failed runs


def test_a_comparison_whose_second_scenario_fails_exits_1_and_names_the_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"extends: {TINY}\nname: broken\ngeography:\n  municipalities_csv: /nonexistent.csv\n")
    out = tmp_path / "cmp"
    code = cli_module.main(["compare", str(TINY), str(broken), "-R", "2", "--executor", "serial", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("throughflow: error: 2 of 4 runs failed (e.g. run 00001-000: ValueError: ")
    assert err[-1].endswith(f"every error is in the error column of {out / 'runs.parquet'}")
    assert (out / "runs.parquet").is_file()
    assert not (out / "comparison.csv").exists()


# --------------------------------------------------------------------------- executors


def test_executor_options_are_checked() -> None:
    assert ExecutorOptions().executor == "processes"
    for bad in ({"executor": "threads"}, {"workers": 0}, {"workers": True}, {"scheduler": "tcp://h:1"}, {"timeout": 0}):
        with pytest.raises(ValueError):
            ExecutorOptions(**bad)
    assert ExecutorOptions("dask", scheduler="tcp://h:1").scheduler == "tcp://h:1"


def test_a_registered_executor_runs_sweeps(tmp_path: Path, reference: pd.DataFrame) -> None:
    seen: list[str] = []

    @register_executor("in_order")
    def in_order(payloads: Any, options: ExecutorOptions, before_wait: Any) -> Iterator[dict[str, Any]]:
        for payload in payloads:
            seen.append(payload["run_id"])
            yield execute(payload)

    try:
        table = run_sweep(load_sweep(SMALL_SWEEP), out=tmp_path / "s", options=ExecutorOptions("in_order"), progress=False)
    finally:
        del EXECUTORS["in_order"]
    assert seen == reference["run_id"].tolist()
    assert_same_runs(table, reference)


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", str(TINY), str(TINY_MENTORING), "-R", "1"],
        ["sweep", str(SMALL_SWEEP)],
        ["sensitivity", str(Path(__file__).parent / "sensitivity" / "tiny_morris.yaml")],
    ],
    ids=["compare", "sweep", "sensitivity"],
)
def test_scheduler_is_used_by_every_command(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    code = cli_module.main([*argv, "--out", str(tmp_path / "out"), "--scheduler", address, "--dask-timeout", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith(f"throughflow: error: cannot connect to the Dask scheduler at {address}")
    assert time.monotonic() - started < 60


def test_a_local_dask_cluster_listens_on_localhost_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import distributed

    made: list[Any] = []
    real = distributed.LocalCluster

    def recording(*args: Any, **kwargs: Any) -> Any:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(distributed, "LocalCluster", recording)
    payload = {"run_id": "00000-000", "point": 0, "replicate": 0, "seed": 0, "labels": {}, "scenario": {"months": 0}}
    results = list(run_tasks([payload], ExecutorOptions("dask", workers=1)))
    assert results[0]["row"]["status"] == "failed"
    cluster = made[0]
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert cluster.dashboard_link.startswith("http://127.0.0.1:")


def test_a_dead_pool_worker_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(executors_module, "execute", die)  # every worker dies at its first run
    code = cli_module.main(["sweep", str(FAILING_SWEEP), "--out", str(tmp_path / "s"), "--workers", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1] == (
        "throughflow: error: a worker process died (killed by the system, out of memory?); finished runs are kept, "
        "resume to run the others"
    )


def test_an_unreachable_scheduler_is_an_executor_error() -> None:
    with pytest.raises(ExecutorError, match="cannot connect"):
        list(run_tasks([], ExecutorOptions("dask", scheduler=f"tcp://127.0.0.1:{free_port()}", timeout=1)))
