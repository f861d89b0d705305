"""Runs that repeat another run are copied, not rerun: same tables, resumable, same indices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sweep_support import TINY, assert_same_runs, counting, part_rows, write_sweep
from throughflow.analysis.problem import declaration_from_mapping
from throughflow.analysis.sensitivity import block_size, run_sensitivity
from throughflow.experiments import sweep as sweep_module
from throughflow.experiments.design import Sweep, load_sweep
from throughflow.experiments.executors import execute
from throughflow.experiments.run import run
from throughflow.experiments.store import Store, load_runs
from throughflow.experiments.sweep import repeats, run_sweep
from throughflow.recorder import Recorder
from throughflow.scenario import load_scenario

FIXTURES = Path(__file__).resolve().parent / "sensitivity"


def repeating_sweep(folder: Path, timeseries: bool = False) -> Sweep:
    """3 x 2 points x 2 replicates: with the organisation off, the breakdown rate cannot matter."""
    return load_sweep(
        write_sweep(
            folder / "repeating.yaml",
            name="repeating",
            replications=2,
            seed=20261209,
            months=30,
            factors={
                "mentoring.p_breakdown_per_month": [0.015, 0.025, 0.04],
                "pillar": {"levels": {"off": {}, "organisation": {"organisation.enabled": True}}},
            },
            outputs={"timeseries": timeseries},
        )
    )


EXPECTED_COPIES = 4
"""Points 0, 2 and 4 are the three breakdown rates without the organisation: 2 and 4 repeat 0."""


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The repeating sweep with every task run."""
    folder = tmp_path_factory.mktemp("reference")
    return run_sweep(repeating_sweep(folder), out=folder / "all", executor="serial", progress=False, deduplicate=False)


def test_repeats_are_found_by_effective_scenario_and_seed(tmp_path: Path) -> None:
    sweep = repeating_sweep(tmp_path)
    tasks = sweep.tasks()
    same = repeats(sweep, tasks)
    assert same == {
        "00002-000": "00000-000",
        "00002-001": "00000-001",
        "00004-000": "00000-000",
        "00004-001": "00000-001",
    }
    by_id = {t.run_id: t for t in tasks}
    for run_id, first in same.items():
        assert by_id[run_id].seed == by_id[first].seed and by_id[run_id].replicate == by_id[first].replicate


def test_a_sweep_with_repeats_gives_the_table_of_a_sweep_without(
    reference: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = counting(monkeypatch)
    table = run_sweep(repeating_sweep(tmp_path), out=tmp_path / "dedup", executor="serial", progress=False)
    assert len(ran) == len(table) - EXPECTED_COPIES == 8
    assert_same_runs(table, reference)
    assert (reference["same_as"] == "").all()
    copied = table[table["same_as"] != ""]
    assert len(copied) == EXPECTED_COPIES
    assert set(copied["run_id"]).isdisjoint(ran)
    assert (copied["wall_seconds"] == 0).all() and (table.loc[table["same_as"] == "", "wall_seconds"] > 0).all()
    for _, row in copied.iterrows():
        source = table[table["run_id"] == row["same_as"]].iloc[0]
        assert source["same_as"] == "" and source["run_id"] in ran
        assert row["factor:pillar"] == source["factor:pillar"] == "off"
        assert row["factor:mentoring.p_breakdown_per_month"] != source["factor:mentoring.p_breakdown_per_month"]
        assert row["replicate"] == source["replicate"] and row["seed"] == source["seed"]
    # the comparison sees the copied columns: the model's results really do not depend on the rate here
    off = reference[reference["factor:pillar"] == "off"]
    assert off.groupby("replicate")["cost_eur.all"].nunique().eq(1).all()
    organised = reference[reference["factor:pillar"] == "organisation"]
    outputs = [c for c in reference.columns if c.split(".")[0] in ("cost_eur", "dropout", "wise_retention", "throughflow_6m")]
    fingerprint = organised[outputs].round(12).astype(str).agg("|".join, axis=1)
    assert fingerprint.groupby(organised["replicate"]).nunique().gt(1).all()


def test_time_series_of_repeats_are_copied(tmp_path: Path) -> None:
    dedup = run_sweep(repeating_sweep(tmp_path, timeseries=True), out=tmp_path / "dedup", executor="serial", progress=False)
    full = run_sweep(
        repeating_sweep(tmp_path, timeseries=True), out=tmp_path / "full", executor="serial", progress=False, deduplicate=False
    )
    assert_same_runs(dedup, full)
    assert (dedup["same_as"] != "").sum() == EXPECTED_COPIES
    for _, row in dedup.iterrows():
        name = Path("timeseries") / f"point={row['point']:05d}" / f"rep={row['replicate']:03d}.parquet"
        a, b = pd.read_parquet(tmp_path / "dedup" / name), pd.read_parquet(tmp_path / "full" / name)
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b)


class InterruptedStore(Store):
    """A store that writes every row at once and is interrupted when the ``stop_at``-th row arrives.

    Nothing is left in memory when it stops, so the folder is what a ``kill -9`` at that moment
    would leave.
    """

    stop_at = 0

    def __init__(self, root: Path, flush_rows: int = 1, flush_seconds: float = 5.0) -> None:
        super().__init__(root, flush_rows=1, flush_seconds=flush_seconds)
        self.seen = 0

    def add(self, row: dict[str, Any]) -> None:
        self.seen += 1
        if self.seen == self.stop_at:
            raise KeyboardInterrupt
        super().add(row)


@pytest.mark.parametrize("stop_at", ["first_copy", 3, 7, 10])
def test_an_interrupted_sweep_with_repeats_resumes_to_the_same_table(
    stop_at: Any, reference: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep = repeating_sweep(tmp_path)
    out = tmp_path / "store"
    position = 2 if stop_at == "first_copy" else stop_at  # a serial sweep adds 00000-000, then its copy 00002-000
    monkeypatch.setattr(sweep_module, "Store", type("Stopping", (InterruptedStore,), {"stop_at": position}))
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, out=out, executor="serial", progress=False)
    stored = load_runs(out)
    assert len(stored) == position - 1
    assert_same_runs(stored, reference[reference["run_id"].isin(stored["run_id"])].reset_index(drop=True))

    monkeypatch.setattr(sweep_module, "Store", Store)
    ran = counting(monkeypatch)
    table = run_sweep(sweep, out=out, executor="serial", resume=True, progress=False)
    assert_same_runs(table, reference)
    assert_same_runs(pd.read_parquet(out / "runs.parquet"), reference)
    ids = part_rows(out)
    assert sorted(ids) == sorted(reference["run_id"]), "a row was lost or stored twice"
    assert set(ran).isdisjoint(stored["run_id"]), "a finished run was rerun"
    assert not set(ran) & set(table.loc[table["same_as"] != "", "run_id"]), "a repeat was run"
    if stop_at == "first_copy":
        # the run the copy repeats was stored, the copy was not: it is copied on resume, not run
        assert "00000-000" in set(stored["run_id"]) and "00002-000" not in set(stored["run_id"])
        assert "00000-000" not in ran and "00002-000" not in ran
    assert (table["same_as"] != "").sum() == EXPECTED_COPIES


def test_a_store_written_without_the_same_as_column_resumes(reference: pd.DataFrame, tmp_path: Path) -> None:
    """A store from before repeats were copied: its rows have no ``same_as``; it still resumes."""
    sweep = repeating_sweep(tmp_path)
    out = tmp_path / "old"
    run_sweep(sweep, out=out, executor="serial", progress=False, deduplicate=False)
    for part in Store(out).part_files():
        rows = pd.read_parquet(part).drop(columns="same_as")
        rows[rows["run_id"] < "00003"].to_parquet(part, index=False)  # as if stopped after point 2
    (out / "runs.parquet").unlink()
    table = run_sweep(sweep, out=out, executor="serial", resume=True, progress=False)
    assert_same_runs(table, reference)
    assert set(table.loc[table["same_as"] != "", "run_id"]) == {"00004-000", "00004-001"}


# --------------------------------------------------------------------------- sensitivity analysis


def tiny_sobol(n: int) -> Any:
    spec = {
        "name": "tiny_sobol",
        "base": "tiny_baseline.yaml",
        "outcomes": [
            {
                "name": "effect_throughflow_12m",
                "indicator": "throughflow_12m",
                "group": "all",
                "treatment": "tiny_mentoring.yaml",
                "minus": "tiny_baseline.yaml",
            },
            {
                "name": "effect_sustainable_nec",
                "indicator": "sustainable_nec",
                "group": "all",
                "treatment": "tiny_mentoring.yaml",
                "minus": "tiny_baseline.yaml",
            },
        ],
        "parameters": "uncertainties",
        "groups": "section",
        "method": "sobol",
        "n": n,
        "replications": 1,
        "seeds": "common",
        "seed": 11,
        "months": 40,
    }
    return declaration_from_mapping(spec, where="<tiny sobol>", base_dir=FIXTURES)


@pytest.mark.slow
def test_sobol_indices_are_the_same_with_and_without_copied_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    declaration = tiny_sobol(4)
    full = run_sensitivity(declaration, out=tmp_path / "full", executor="serial", progress=False, deduplicate=False)
    ran = counting(monkeypatch)
    dedup = run_sensitivity(declaration, out=tmp_path / "dedup", executor="serial", progress=False)
    groups = list(dict.fromkeys(declaration.groups))
    rows = declaration.n * block_size(declaration.problem(), "sobol")
    # in the baseline arm the rows that change only the mentoring, the labs or the costs
    # parameters repeat their A row; in the mentoring arm those that change only the costs
    # (the outcomes need no cost output, so the rows keep none)
    assert len(ran) == 2 * rows - 4 * declaration.n
    runs = pd.read_parquet(tmp_path / "dedup" / "runs.parquet")
    assert not [c for c in runs.columns if c.startswith(("cost_eur.", "cost_per_sustainable_transition."))]
    copied = runs[runs["same_as"] != ""]
    position = copied["factor:sample"].astype(int) % (len(groups) + 2)
    group = np.array([groups[p - 1] for p in position])
    baseline = (copied["factor:arm"] == "arm:tiny_baseline").to_numpy()
    assert sorted(set(group[baseline])) == ["costs", "labs", "mentoring"]
    assert sorted(set(group[~baseline])) == ["costs"]
    np.testing.assert_array_equal(dedup["Y"], full["Y"])
    assert np.isfinite(dedup["Y"]).all() and np.abs(dedup["Y"]).max() > 0
    for key in ("indices", "convergence"):
        pd.testing.assert_frame_equal(dedup[key], full[key])
    assert_same_runs(runs, pd.read_parquet(tmp_path / "full" / "runs.parquet"))


# --------------------------------------------------------------------------- time series only when kept


def test_a_run_builds_its_time_series_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(TINY)
    full = run(scenario, seed=5, months=24, record_events=False)
    lean = run(scenario, seed=5, months=24, record_events=False, timeseries=False)
    assert len(full.timeseries) > 0 and lean.timeseries.empty
    assert lean.indicators.keys() == full.indicators.keys() and lean.totals == full.totals
    assert str(lean.indicators) == str(full.indicators)  # NaN-safe equality of the nested values

    def refuse(self: Recorder) -> pd.DataFrame:
        raise AssertionError("the time series was built")

    monkeypatch.setattr(Recorder, "timeseries", refuse)
    payload = {"run_id": "00000-000", "point": 0, "replicate": 0, "seed": 5, "labels": {}, "scenario": scenario.model_dump()}
    result = execute({**payload, "months": 24})
    assert result["row"]["status"] == "ok", result["row"]["error"]
    assert result["timeseries"] is None
    kept = execute({**payload, "months": 24, "keep_timeseries": True})
    assert kept["row"]["status"] == "failed" and "the time series was built" in kept["row"]["error"]
