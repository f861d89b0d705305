"""Posterior propagation (``--posterior``): one calibration draw per replicate, paired across arms, two intervals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sweep_support import TINY, TINY_MENTORING, cli
from throughflow.analysis.comparison import compare
from throughflow.analysis.summary import posterior_bands, summarize
from throughflow.experiments.compare import comparison_sweep
from throughflow.experiments.posterior import PosteriorError, load_posterior
from throughflow.experiments.run import run
from throughflow.scenario import load_scenario, with_values

FITTED = ("labour_market.other_applicants", "one_on_one.search_support.rate")
SETS = [(1.0, 0.05), (4.0, 0.25), (2.5, 0.15), (30.0, 0.99)]
WEIGHTS = [0.3, 0.3, 0.4, 0.0]  # the last set must never be drawn


def write_posterior(folder: Path, sets: list[tuple[float, float]] = SETS, weights: list[float] = WEIGHTS) -> Path:
    """A calibration results folder holding only a posterior (what ``throughflow calibrate`` writes)."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(sets, columns=list(FITTED)).assign(weight=weights, generation=5)
    table.to_parquet(folder / "posterior.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def posterior_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_posterior(tmp_path_factory.mktemp("calibration"))


@pytest.fixture(scope="module")
def compared(posterior_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("cmp") / "out"
    return compare(TINY, TINY_MENTORING, 8, seed=3, out=out, executor="serial", progress=False, posterior=posterior_store)


def test_draws_follow_the_weights_and_are_reproducible(posterior_store: Path) -> None:
    posterior = load_posterior(posterior_store)
    draws = posterior.draws(600, seed=1)
    assert draws == posterior.draws(600, seed=1)
    assert draws != posterior.draws(600, seed=2)
    picked = pd.DataFrame(draws)
    assert (picked["labour_market.other_applicants"] < 30).all(), "a set of weight 0 was drawn"
    share = (picked["labour_market.other_applicants"] == 2.5).mean()
    assert abs(share - 0.4) < 0.06


def test_both_arms_of_a_replicate_share_its_draw(posterior_store: Path) -> None:
    sweep = comparison_sweep(load_scenario(TINY), load_scenario(TINY_MENTORING), 6, 3).with_posterior(
        load_posterior(posterior_store)
    )
    tasks = sweep.tasks()
    by_replicate: dict[int, list[dict]] = {}
    for task in tasks:
        by_replicate.setdefault(task.replicate, []).append({k: task.values[k] for k in FITTED})
    assert all(a == b for a, b in by_replicate.values())
    assert len({json.dumps(v[0], sort_keys=True) for v in by_replicate.values()}) > 1, "every replicate got the same draw"
    assert sweep.digest != comparison_sweep(load_scenario(TINY), load_scenario(TINY_MENTORING), 6, 3).digest


def test_a_posterior_run_is_the_run_of_its_draw(compared: dict) -> None:
    """Replicate k of the reference arm equals a direct run of the scenario with draw k, on seed k."""
    store = compared["out"] / "posterior"
    draws = pd.read_parquet(store / "posterior_draws.parquet")
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["posterior"]["parameters"] == list(FITTED)
    runs = pd.read_parquet(store / "runs.parquet")
    k = 1
    row = runs[(runs["point"] == 0) & (runs["replicate"] == k)].iloc[0]
    values = {name: draws.loc[k, name] for name in FITTED}
    values["labour_market.other_applicants"] = float(values["labour_market.other_applicants"])
    direct = run(with_values(load_scenario(TINY), values), seed=int(row["seed"]), record_events=False, timeseries=False)
    for name in ("throughflow_12m", "sustainable_nec", "any_job_12m"):
        assert row[f"{name}.all"] == pytest.approx(direct.indicators[name]["all"], nan_ok=True), name
    point = pd.read_parquet(compared["out"] / "runs.parquet")
    same = point[(point["point"] == 0) & (point["replicate"] == k)].iloc[0]
    assert same["seed"] == row["seed"]


def test_tables_hold_both_intervals(compared: dict) -> None:
    table = compared["table"]
    for column in ("diff", "ci_low_diff", "ci_high_diff", "diff_posterior", "band_low_diff", "band_high_diff"):
        assert column in table, column
    row = table[(table["indicator"] == "throughflow_12m") & (table["group"] == "all")].iloc[0]
    assert row["band_low_diff"] <= row["diff_posterior"] <= row["band_high_diff"]
    assert row["band_high_diff"] - row["band_low_diff"] > row["ci_high_diff"] - row["ci_low_diff"], "band not wider"
    written = pd.read_csv(compared["out"] / "comparison.csv")
    assert "band_low_diff" in written
    horizons = compared["horizons"]
    assert {"cost_per_transition_posterior", "band_low", "band_high"} <= set(horizons.columns)
    assert "band_low" in pd.read_csv(compared["out"] / "cost_by_horizon.csv")


def test_bands_are_percentiles_of_the_paired_differences(compared: dict) -> None:
    runs = pd.read_parquet(compared["out"] / "posterior" / "runs.parquet")
    bands = posterior_bands(runs, "scenario", compared["labels"][0])
    row = bands[(bands["indicator"] == "throughflow_12m") & (bands["group"] == "all")].iloc[0]
    a = runs[runs["point"] == 0].set_index("replicate")["throughflow_12m.all"]
    b = runs[runs["point"] == 1].set_index("replicate")["throughflow_12m.all"]
    d = (b - a).to_numpy()
    assert row["band_low_diff"] == pytest.approx(np.percentile(d, 5))
    assert row["band_high_diff"] == pytest.approx(np.percentile(d, 95))
    assert row["draws"] == 8


def test_summarize_adds_the_band_of_a_posterior_store(compared: dict) -> None:
    table = summarize(compared["out"], "scenario", compared["labels"][0])
    assert "band_low_diff" in table
    assert table["band_low_diff"].notna().any()
    assert "band_low_diff" not in summarize(compared["out"] / "posterior", "scenario", compared["labels"][0])


def test_resumed_comparison_reruns_nothing(compared: dict, posterior_store: Path) -> None:
    again = compare(
        TINY, TINY_MENTORING, 8, seed=3, out=compared["out"], executor="serial", progress=False, posterior=posterior_store
    )
    pd.testing.assert_frame_equal(again["table"], compared["table"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no posterior.parquet"),
        (pd.DataFrame({"no.such.parameter": [1.0], "weight": [1.0]}), "not a posterior of this model"),
        (pd.DataFrame({FITTED[0]: [1.0, 2.0], "weight": [0.0, 0.0]}), "weights must be"),
    ],
)
def test_a_bad_posterior_is_refused_before_anything_runs(tmp_path: Path, content: pd.DataFrame | None, message: str) -> None:
    store = tmp_path / "cal"
    store.mkdir()
    if content is not None:
        content.to_parquet(store / "posterior.parquet")
    with pytest.raises(PosteriorError, match=message):
        load_posterior(store)
    out = tmp_path / "out"
    done = cli("compare", TINY, TINY_MENTORING, "-R", "2", "--posterior", store, "--out", out, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_sweep_command_runs_the_posterior_version_beside(posterior_store: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "s.yaml"
    sweep.write_text(f"name: s\nbase: {TINY}\nmonths: 12\nreplications: 2\nfactors:\n  one_on_one.enabled: [false, true]\n")
    out = tmp_path / "store"
    done = cli("sweep", sweep, "--out", out, "--posterior", posterior_store, "--executor", "serial", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_parquet(out / "runs.parquet")) == 4
    assert len(pd.read_parquet(out / "posterior" / "runs.parquet")) == 4
    summary = cli("summarize", out, "--factor", "one_on_one.enabled", "--reference", "False", "--all", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr
    assert "band_low_diff" in summary.stdout


def test_trial_bands_are_percentiles_of_the_itt_over_draws() -> None:
    from throughflow.analysis.trial import MEASURES, trial_bands
    from throughflow.outcomes import GROUPS
    from throughflow.processes.trial import FOLLOW_UP

    rng = np.random.default_rng(0)
    rows = []
    for k in range(20):
        row = {"status": "ok", "factor:arm": "job_search", "replicate": k}
        for group in GROUPS:
            for measure in MEASURES:
                for months in (24,) if measure == "sustainable" else FOLLOW_UP:
                    row[f"trial_itt_{measure}_{months}m.{group}"] = rng.normal(0.1, 0.05)
        rows.append(row)
    runs = pd.DataFrame(rows)
    bands = trial_bands(runs)
    one = bands[(bands["group"] == "all") & (bands["measure"] == "nec") & (bands["months"] == 12)].iloc[0]
    values = runs["trial_itt_nec_12m.all"].to_numpy()
    assert one["itt_band_low"] == pytest.approx(np.percentile(values, 5))
    assert one["itt_band_high"] == pytest.approx(np.percentile(values, 95))
    assert one["itt_posterior"] == pytest.approx(values.mean())
