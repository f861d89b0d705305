"""Sweep files, designs, seeds, the results store and the ``throughflow sweep`` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sweep_support import (
    BAD_SWEEPS,
    FAILING_SWEEP,
    REPO,
    SMALL_SWEEP,
    TINY,
    assert_same_runs,
    cli,
    part_rows,
    snapshot,
    write_sweep,
)
from throughflow import cli as cli_module
from throughflow.experiments import sweep as sweep_module
from throughflow.experiments.design import SweepError, load_sweep, sweep_from_mapping
from throughflow.experiments.store import Store, StoreError, load_runs
from throughflow.experiments.sweep import run_sweep

SHIPPED = sorted((REPO / "scenarios" / "sweeps").glob("*.yaml"))


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sweep (2 points x 3 replications) run serially into a store."""
    out = tmp_path_factory.mktemp("sweeps") / "small"
    run_sweep(load_sweep(SMALL_SWEEP), out=out, executor="serial", progress=False)
    return out


# --------------------------------------------------------------------------- sweep files


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_sweeps_load_and_cross_their_factors(path: Path) -> None:
    sweep = load_sweep(path)
    sizes = [len(f.levels) for f in sweep.factors]
    points = sweep.points()
    assert len(points) == int(np.prod(sizes))
    assert len({json.dumps(labels, sort_keys=True) for labels, _ in points}) == len(points)
    tasks = sweep.tasks()
    assert len(tasks) == len(points) * sweep.replications
    assert len({t.run_id for t in tasks}) == len(tasks)


def test_design_is_the_cartesian_product_of_grid_and_level_factors(tmp_path: Path) -> None:
    sweep = load_sweep(
        write_sweep(
            tmp_path / "grid.yaml",
            replications=2,
            seed=5,
            factors={
                "art60.throughflow_orientation": [0.0, 0.5, 1.0],
                "mentoring": {"levels": {"off": {}, "on": {"one_on_one.enabled": True}}},
            },
        )
    )
    points = sweep.points()
    assert len(points) == 6
    assert {(labels["art60.throughflow_orientation"], labels["mentoring"]) for labels, _ in points} == {
        (o, m) for o in ("0.0", "0.5", "1.0") for m in ("off", "on")
    }
    for labels, values in points:
        assert values["art60.throughflow_orientation"] == float(labels["art60.throughflow_orientation"])
        scenario = sweep.scenario(values)
        assert scenario.art60.throughflow_orientation == values["art60.throughflow_orientation"]
        assert scenario.section("one_on_one").enabled is (labels["mentoring"] == "on")
        assert scenario.population.scale == sweep.base.population.scale


def test_range_factors_are_sampled_by_latin_hypercube(tmp_path: Path) -> None:
    sweep = load_sweep(
        write_sweep(
            tmp_path / "lhs.yaml", replications=1, seed=9, samples=8, factors={"labour_market.bias": {"range": [0.3, 0.6]}}
        )
    )
    values = np.array([v["labour_market.bias"] for _, v in sweep.points()])
    assert len(values) == 8
    strata = np.floor((values - 0.3) / 0.3 * 8).astype(int)
    assert sorted(strata.tolist()) == list(range(8))  # one point per stratum


BAD = {
    "unknown_factor": "population.shar_low is not a declared parameter",
    "empty_range": "empty range",
    "reversed_range": "empty range",
    "empty_values": "empty list of values",
    "zero_replications": "replications must be an integer from 1 to 10,000",
    "level_unknown_parameter": "mentoring.one_to_one is not a declared parameter",
    "unknown_key": "replicates: unknown key",
    "malformed": "malformed YAML",
    "missing": "cannot read file",
}


@pytest.mark.parametrize(("name", "problem"), BAD.items(), ids=list(BAD))
def test_bad_sweep_file_gives_one_line_error_naming_file_and_problem(name: str, problem: str) -> None:
    path = BAD_SWEEPS / f"{name}.yaml"
    assert path.is_file() == (name != "missing")
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert problem in message


@pytest.mark.parametrize("months", ["abc", 0, -3, 2.5])
def test_invalid_horizon_in_sweep_file_is_a_sweep_error(tmp_path: Path, months: object) -> None:
    path = write_sweep(tmp_path / "months.yaml", replications=1, months=months)
    with pytest.raises(SweepError, match="months"):
        load_sweep(path)


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"replications": True}, "replications must be an integer"),
        ({"base": "no_such_scenario"}, "base: no_such_scenario"),
        ({"factors": {"population.scale": [-1.0]}}, "below its bound"),
        ({"factors": {"labour_market.bias": {"range": [0.3, 0.6]}}}, "samples must be an integer from 1 to"),
        ({"factors": {"mentoring": {"levels": {}}}}, "levels must be a non-empty mapping"),
        ({"outputs": {"events": True}}, "outputs"),
        (
            {"factors": {"mix": {"levels": {"bad": {"population.share_low": 0.9}}}}},
            "must sum to 1",
        ),
    ],
)
def test_other_invalid_sweeps_are_one_line_errors(spec: dict, problem: str) -> None:
    with pytest.raises(SweepError) as info:
        sweep_from_mapping({"base": str(TINY), **spec}, where="w.yaml")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("w.yaml: ")
    assert problem in str(info.value)


@pytest.mark.parametrize("name", sorted(BAD), ids=sorted(BAD))
def test_cli_reports_bad_sweep_on_one_line_with_exit_code_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "store"
    code = cli_module.main(["sweep", str(BAD_SWEEPS / f"{name}.yaml"), "--out", str(out), "--executor", "serial"])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("throughflow: error: ")
    assert BAD[name] in lines[0]
    assert not out.exists()


def test_throughflow_command_rejects_bad_sweep_without_traceback(tmp_path: Path) -> None:
    done = cli("sweep", BAD_SWEEPS / "unknown_factor.yaml", "--out", tmp_path / "store", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"throughflow: error: {BAD_SWEEPS / 'unknown_factor.yaml'}: factor population.shar_low is not a declared parameter"
    ]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "store").exists()


# --------------------------------------------------------------------------- seeds


def test_replicate_seeds_are_spawned_from_the_root_seed() -> None:
    sweep = load_sweep(SMALL_SWEEP)
    seeds = sweep.replicate_seeds()
    spawned = [
        int(child.generate_state(1, dtype=np.uint32)[0]) for child in np.random.SeedSequence(sweep.seed).spawn(sweep.replications)
    ]
    assert seeds == spawned
    assert len(set(seeds)) == len(seeds)
    assert seeds != [sweep.seed + k for k in range(sweep.replications)]
    assert not set(seeds) & {sweep.seed + k for k in range(-1, sweep.replications + 1)}
    assert seeds == sweep.replicate_seeds()  # stable


def test_replicate_k_uses_the_same_seed_at_every_design_point() -> None:
    sweep = load_sweep(REPO / "scenarios" / "sweeps" / "wise_orientation.yaml")
    seeds = sweep.replicate_seeds()
    tasks = sweep.tasks()
    assert len({t.point for t in tasks}) == 10
    for task in tasks:
        assert task.seed == seeds[task.replicate]
        assert task.run_id == f"{task.point:05d}-{task.replicate:03d}"


def test_seeds_are_stored_in_run_table_and_manifest(small_store: Path) -> None:
    sweep = load_sweep(SMALL_SWEEP)
    seeds = sweep.replicate_seeds()
    runs = load_runs(small_store)
    assert len(runs) == 6
    assert runs["seed"].tolist() == [seeds[k] for k in runs["replicate"]]
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()
    manifest = json.loads((small_store / "manifest.json").read_text())
    assert manifest["replicate_seeds"] == seeds
    assert manifest["seed"] == sweep.seed
    assert manifest["replications"] == 3
    assert manifest["runs"] == 6
    assert manifest["sweep_hash"] == sweep.digest
    # the seed matters: replicates of one design point differ
    point0 = runs[runs["point"] == 0]
    assert point0["throughflow_6m.all"].nunique() > 1 or point0["cost_eur.all"].nunique() > 1


def test_store_layout_and_design_table(small_store: Path) -> None:
    sweep = load_sweep(SMALL_SWEEP)
    assert (small_store / "sweep.yaml").read_text() == SMALL_SWEEP.read_text()
    design = pd.read_parquet(small_store / "design.parquet")
    assert design["point"].tolist() == [0, 1]
    assert design["factor:art60.throughflow_orientation"].tolist() == ["0.0", "1.0"]
    assert [json.loads(v) for v in design["values"]] == [values for _, values in sweep.points()]
    runs = pd.read_parquet(small_store / "runs.parquet")
    assert runs["run_id"].tolist() == [t.run_id for t in sweep.tasks()]
    assert (runs["status"] == "ok").all()
    assert (runs["error"] == "").all()


# --------------------------------------------------------------------------- failed runs


def test_failed_runs_are_recorded_and_do_not_stop_the_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "failing"
    code = cli_module.main(["sweep", str(FAILING_SWEEP), "--out", str(out), "--executor", "serial"])
    captured = capsys.readouterr()
    assert code == 1  # the sweep completed, but not every run succeeded
    assert "4 runs" in captured.out and "(2 failed)" in captured.out
    error = captured.err.strip().splitlines()[-1]
    assert error.startswith("throughflow: error: 2 of 4 runs failed (e.g. run 00001-000: ValueError: ")
    assert error.endswith(f"every error is in the error column of {out / 'runs.parquet'}")
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4
    bad = runs[runs["factor:geography"] == "missing_csv"]
    good = runs[runs["factor:geography"] == "synthetic"]
    assert len(bad) == 2 and len(good) == 2
    assert (bad["status"] == "failed").all()
    for error in bad["error"]:
        assert "\n" not in error
        assert "/nonexistent.csv" in error
        assert error.startswith("ValueError: ")
    assert (good["status"] == "ok").all()
    assert (good["error"] == "").all()
    assert good["cost_eur.all"].gt(0).all()
    assert bad["cost_eur.all"].isna().all()
    # the failed runs count as finished: resuming reruns nothing
    before = part_rows(out)
    run_sweep(load_sweep(FAILING_SWEEP), out=out, executor="serial", resume=True, progress=False)
    assert part_rows(out) == before


# --------------------------------------------------------------------------- the store


def test_existing_store_is_not_overwritten(small_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(small_store)
    code = cli_module.main(["sweep", str(SMALL_SWEEP), "--out", str(small_store), "--executor", "serial"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert "already exists" in err[0] and "--resume" in err[0] and str(small_store) in err[0]
    assert snapshot(small_store) == before
    with pytest.raises(StoreError):
        run_sweep(load_sweep(SMALL_SWEEP), out=small_store, executor="serial", progress=False)
    assert snapshot(small_store) == before


def test_resume_refuses_a_store_of_a_different_sweep(
    small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "small.yaml"
    other.write_text(SMALL_SWEEP.read_text().replace("seed: 20261201", "seed: 20261299"))
    other_base = tmp_path / "tiny.yaml"
    other_base.write_text(TINY.read_text())
    before = snapshot(small_store)
    code = cli_module.main(["sweep", str(other), "--out", str(small_store), "--executor", "serial", "--resume"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "different sweep" in err[0]
    assert snapshot(small_store) == before


def test_resume_without_a_store_starts_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a sweep killed before its store existed can be resumed with the same command
    out = tmp_path / "none"
    code = cli_module.main(["sweep", str(SMALL_SWEEP), "--out", str(out), "--executor", "serial", "--resume"])
    assert code == 0
    reference = run_sweep(load_sweep(SMALL_SWEEP), out=tmp_path / "ref", executor="serial", progress=False)
    assert_same_runs(load_runs(out), reference)


def test_resuming_a_complete_store_reruns_nothing(small_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    for name, data in snapshot(small_store).items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(data)
    parts = sorted(p.name for p in Store(copy).part_files())
    table = run_sweep(load_sweep(SMALL_SWEEP), out=copy, executor="serial", resume=True, progress=False)
    assert sorted(p.name for p in Store(copy).part_files()) == parts
    pd.testing.assert_frame_equal(table, pd.read_parquet(small_store / "runs.parquet"))  # volatile columns too


def test_finished_runs_are_on_disk_before_the_sweep_waits_for_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "flushing"
    seen: list[int] = []
    original = sweep_module.run_tasks

    def observed(*args, **kwargs):  # type: ignore[no-untyped-def]
        for result in original(*args, **kwargs):
            seen.append(len(part_rows(out)))
            yield result

    monkeypatch.setattr(sweep_module, "run_tasks", observed)
    table = run_sweep(load_sweep(SMALL_SWEEP), out=out, executor="serial", progress=False)
    assert len(table) == 6
    # when run k finishes, the k runs before it are already in part files
    assert seen == [0, 1, 2, 3, 4, 5]
    # a complete store has its parts merged into one
    parts = Store(out).part_files()
    assert len(parts) == 1
    assert sorted(part_rows(out)) == table["run_id"].tolist()


def test_small_parts_are_merged_as_they_accumulate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from throughflow.experiments import store as store_module

    monkeypatch.setattr(store_module, "MERGE_PARTS", 3)
    out = tmp_path / "merging"
    counts: list[int] = []
    original = sweep_module.run_tasks

    def observed(*args, **kwargs):  # type: ignore[no-untyped-def]
        for result in original(*args, **kwargs):
            counts.append(len(Store(out).part_files()))
            yield result

    monkeypatch.setattr(sweep_module, "run_tasks", observed)
    table = run_sweep(load_sweep(SMALL_SWEEP), out=out, executor="serial", progress=False)
    # parts: 0, 1, 2, then 3 are merged into 1, 2, then 3 merged again into 1
    assert counts == [0, 1, 2, 1, 2, 1]
    assert_same_runs(load_runs(out), table)


def test_unfinished_store_is_readable(small_store: Path, tmp_path: Path) -> None:
    assert_same_runs(load_runs(small_store), pd.read_parquet(small_store / "runs.parquet"))
    with pytest.raises(StoreError, match="not a results store"):
        load_runs(tmp_path)


def test_time_series_are_stored_when_asked(tmp_path: Path) -> None:
    sweep = load_sweep(
        write_sweep(
            tmp_path / "series.yaml",
            replications=2,
            seed=3,
            factors={"art60.throughflow_orientation": [0.0, 1.0]},
            outputs={"timeseries": True},
        )
    )
    out = tmp_path / "series"
    run_sweep(sweep, out=out, executor="serial", progress=False)
    files = sorted(p.relative_to(out).as_posix() for p in (out / "timeseries").rglob("*.parquet"))
    assert files == [f"timeseries/point={p:05d}/rep={k:03d}.parquet" for p in range(2) for k in range(2)]
    series = pd.read_parquet(out / "timeseries" / "point=00001" / "rep=001.parquet")
    assert len(series) > 0
    no_series = tmp_path / "no-series"
    run_sweep(load_sweep(SMALL_SWEEP), out=no_series, executor="serial", progress=False)
    assert not (no_series / "timeseries").exists()
