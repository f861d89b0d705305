"""Paired comparisons (``throughflow compare``) and summaries of stored sweeps (``throughflow summarize``)."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sweep_support import GROUPS, SMALL_SWEEP, T975, TINY, TINY_MENTORING, cli, part_rows, snapshot
from throughflow import cli as cli_module
from throughflow.analysis.summary import summarize, summarize_runs
from throughflow.experiments.design import load_sweep
from throughflow.experiments.sweep import run_sweep
from throughflow.outcomes import BY_NAME, COST_HORIZONS, PER_TRANSITION

A, B = "tiny", "tiny_mentoring"
FACTOR = "art60.throughflow_orientation"
NOT_INDICATORS = (
    "cost_eur",
    "sustainable_transitions",
    *(f"{total}_{h}m" for total in ("cost_eur", "employed_years", "sustainable", "cohort") for h in COST_HORIZONS),
)
"""Run-row totals from which the cost indicators are computed (not indicators themselves)."""


def mean_ci(values: np.ndarray, column: str | None = None, difference: bool = False) -> tuple[float, float, float, int]:
    """Mean and t 95 % interval of the finite values, computed directly.

    For a share (``column`` of an indicator declared in unit "share") the interval is cut to
    the values it can take: [0, 1] ([-1, 1] for an effect), and twice as wide for a difference.
    """
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(np.mean(values))
    if n == 1:
        return mean, math.nan, math.nan, 1
    half = T975[n - 1] * float(np.std(values, ddof=1)) / math.sqrt(n)
    low, high = mean - half, mean + half
    indicator = BY_NAME[column.rsplit(".", 1)[0]] if column is not None else None
    if indicator is not None and indicator.unit == "share":
        lowest, highest = (-1.0, 1.0) if indicator.effect else (0.0, 1.0)  # an effect: offered minus control
        if difference:
            lowest, highest = lowest - highest, highest - lowest
        low, high = max(low, lowest), min(high, highest)
    return mean, low, high, n


def close(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def close_bound(x: float, y: float, centre: float) -> bool:
    """An interval bound equals the direct one up to 0.1 % of the half-width (a t quantile to 3 digits)."""
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= 1e-3 * abs(y - centre) + 1e-12


def indicator_columns(runs: pd.DataFrame) -> list[str]:
    """Scalar ``<indicator>.<group>`` columns of a run table (not the cost and transition totals)."""
    cols = []
    for col in runs.columns:
        name, _, group = col.rpartition(".")
        if group in GROUPS and name not in NOT_INDICATORS and pd.api.types.is_numeric_dtype(runs[col]):
            cols.append(col)
    return cols


# --------------------------------------------------------------------------- compare


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]]:
    """``throughflow compare tiny tiny_mentoring -R 3`` into a fresh folder (and the folder's files after it)."""
    work = tmp_path_factory.mktemp("compare")
    out = work / "cmp"
    done = cli("compare", TINY, TINY_MENTORING, "-R", "3", "--seed", "5", "--executor", "serial", "--out", out, cwd=work)
    assert done.returncode == 0, done.stderr
    return out, done, snapshot(out)


def test_compare_writes_tables_and_figure(comparison: tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]]) -> None:
    out, done, _ = comparison
    for name in ("comparison.csv", "comparison.parquet", "cost_effectiveness.csv", "runs.parquet", "manifest.json"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert (out / "nec_entry_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (out / "nec_entry_curves.svg").read_text()
    assert "comparison.csv" in done.stdout
    csv = pd.read_csv(out / "comparison.csv")
    parquet = pd.read_parquet(out / "comparison.parquet")
    assert list(csv.columns) == list(parquet.columns)
    assert len(csv) == len(parquet)
    pd.testing.assert_frame_equal(csv, parquet, check_dtype=False, check_exact=False, rtol=1e-12)


def test_compare_runs_both_scenarios_on_common_seeds(
    comparison: tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]],
) -> None:
    out, _, _ = comparison
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 6
    assert (runs["status"] == "ok").all()
    a = runs[runs["factor:scenario"] == A].set_index("replicate")
    b = runs[runs["factor:scenario"] == B].set_index("replicate")
    assert sorted(a.index) == sorted(b.index) == [0, 1, 2]
    assert (a["seed"] == b.loc[a.index, "seed"]).all()
    assert a["seed"].nunique() == 3


def test_compare_table_has_every_indicator_and_group(
    comparison: tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]],
) -> None:
    out, _, _ = comparison
    table = pd.read_parquet(out / "comparison.parquet")
    assert list(table.columns) == ["indicator", "group", f"mean_{A}", f"mean_{B}", "diff", "ci_low_diff", "ci_high_diff", "R"]
    runs = pd.read_parquet(out / "runs.parquet")
    expected = {tuple(col.rsplit(".", 1)) for col in indicator_columns(runs)} - {
        (name, g) for name in PER_TRANSITION for g in GROUPS
    }
    got = list(zip(table["indicator"], table["group"], strict=True))
    assert len(got) == len(set(got))
    assert set(got) == expected
    assert {"throughflow_12m", "sustainable_nec", "dropout", "wise_retention"} <= set(table["indicator"])


def test_compare_paired_differences_match_a_direct_computation(
    comparison: tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]],
) -> None:
    out, _, _ = comparison
    table = pd.read_parquet(out / "comparison.parquet")
    runs = pd.read_parquet(out / "runs.parquet")
    a = runs[runs["factor:scenario"] == A].set_index("replicate").sort_index()
    b = runs[runs["factor:scenario"] == B].set_index("replicate").sort_index()
    nonzero = 0
    for row in table.itertuples(index=False):
        col = f"{row.indicator}.{row.group}"
        va, vb = a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float)
        diff, low, high, n = mean_ci(vb - va, col, difference=True)
        where = f"{col}: "
        assert close(row.diff, diff), where + f"diff {row.diff} != {diff}"
        assert close_bound(row.ci_low_diff, low, diff), where + f"ci_low {row.ci_low_diff} != {low}"
        assert close_bound(row.ci_high_diff, high, diff), where + f"ci_high {row.ci_high_diff} != {high}"
        assert n == row.R, where + "R"
        assert close(getattr(row, f"mean_{A}"), mean_ci(va)[0]), where + "mean A"
        assert close(getattr(row, f"mean_{B}"), mean_ci(vb)[0]), where + "mean B"
        nonzero += np.isfinite(diff) and diff != 0
    assert nonzero > 0  # mentoring changes something, so the check compares non-trivial numbers
    full = table[(table["indicator"] == "throughflow_12m") & (table["group"] == "all")]
    assert full["R"].tolist() == [3]


def test_compare_cost_effectiveness_uses_paired_totals(
    comparison: tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]],
) -> None:
    out, _, _ = comparison
    cost = pd.read_csv(out / "cost_effectiveness.csv")
    runs = pd.read_parquet(out / "runs.parquet")
    a = runs[runs["factor:scenario"] == A].set_index("replicate").sort_index()
    b = runs[runs["factor:scenario"] == B].set_index("replicate").sort_index()
    assert sorted(cost["group"]) == sorted(GROUPS)
    for row in cost.itertuples(index=False):
        dc = float(np.mean(b[f"cost_eur.{row.group}"] - a[f"cost_eur.{row.group}"]))
        dt = float(np.mean(b[f"sustainable_transitions.{row.group}"] - a[f"sustainable_transitions.{row.group}"]))
        assert math.isclose(row.extra_cost_eur, dc, rel_tol=1e-9)
        assert math.isclose(row.extra_transitions, dt, rel_tol=1e-9, abs_tol=1e-12)
        assert close(row.cost_per_transition, dc / dt if dt > 0 else math.nan)
        assert row.n_pairs == 3


def test_compare_again_reuses_the_store(
    comparison: tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]], tmp_path: Path
) -> None:
    out, first, files = comparison
    parts = part_rows(out)
    done = cli("compare", TINY, TINY_MENTORING, "-R", "3", "--seed", "5", "--executor", "serial", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert part_rows(out) == parts  # nothing was rerun
    after = snapshot(out)
    for name in ("manifest.json", "comparison.csv", "comparison.parquet", "cost_effectiveness.csv", "runs.parquet"):
        assert after[name] == files[name], name  # runs.parquet byte-identical: even wall_seconds and worker
    assert {k for k in after if k.startswith("runs/")} == {k for k in files if k.startswith("runs/")}
    assert done.stdout == first.stdout


def test_compare_refuses_a_store_of_another_comparison(
    comparison: tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, _, _ = comparison
    files = snapshot(out)
    code = cli_module.main(
        ["compare", str(TINY), str(TINY_MENTORING), "-R", "4", "--seed", "5", "--executor", "serial", "--out", str(out)]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "different sweep" in err[0]
    assert snapshot(out) == files


# --------------------------------------------------------------------------- summarize


@pytest.fixture(scope="module")
def sweep_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("summary") / "small"
    run_sweep(load_sweep(SMALL_SWEEP), out=out, executor="serial", progress=False)
    return out


def test_summary_gives_mean_and_95_interval_per_design_point(sweep_store: Path) -> None:
    runs = pd.read_parquet(sweep_store / "runs.parquet")
    table = summarize(sweep_store)
    columns = indicator_columns(runs)
    assert len(table) == 2 * len(columns)
    assert set(table["point"]) == {0, 1}
    for row in table.itertuples(index=False):
        col = f"{row.indicator}.{row.group}"
        sub = runs[runs["point"] == row.point]
        mean, low, high, n = mean_ci(sub[col].to_numpy(dtype=float), col)
        assert row.n == n, col
        assert close(row.mean, mean), col
        assert close_bound(row.ci_low, low, mean) and close_bound(row.ci_high, high, mean), col
    labels = table.drop_duplicates("point").set_index("point")[f"factor:{FACTOR}"]
    assert labels.to_dict() == {0: "0.0", 1: "1.0"}
    assert (table["n"] == 3).any()


def test_summary_paired_differences_match_the_run_table(sweep_store: Path) -> None:
    runs = pd.read_parquet(sweep_store / "runs.parquet")
    table = summarize(sweep_store, FACTOR, "0.0")
    ref = runs[runs[f"factor:{FACTOR}"] == "0.0"].set_index("replicate").sort_index()
    other = runs[runs[f"factor:{FACTOR}"] == "1.0"].set_index("replicate").sort_index()
    rows = table[table["point"] == 1]
    assert len(rows) == len(indicator_columns(runs))
    for row in rows.itertuples(index=False):
        col = f"{row.indicator}.{row.group}"
        diff, low, high, n = mean_ci(other[col].to_numpy(dtype=float) - ref[col].to_numpy(dtype=float), col, difference=True)
        assert row.n_pairs == n, col
        assert close(row.diff, diff), col
        assert close_bound(row.diff_ci_low, low, diff) and close_bound(row.diff_ci_high, high, diff), col
        assert close(row.reference_mean, mean_ci(ref[col].to_numpy(dtype=float))[0]), col
    assert rows["diff"].abs().gt(0).any()


def test_summary_command_writes_the_same_table(sweep_store: Path, tmp_path: Path) -> None:
    csv = tmp_path / "summary.csv"
    done = cli("summarize", sweep_store, "--factor", FACTOR, "--reference", "0.0", "--out", csv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "NEC 12m" in done.stdout and "Δ sustainable NEC" in done.stdout
    assert (sweep_store / "summary.png").is_file() and (sweep_store / "summary.svg").is_file()
    written = pd.read_csv(csv)
    direct = summarize(sweep_store, FACTOR, "0.0")
    assert list(written.columns) == list(direct.columns)
    assert written["indicator"].tolist() == direct["indicator"].tolist()
    for col in ("mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high", "reference_mean"):
        np.testing.assert_allclose(written[col].to_numpy(float), direct[col].to_numpy(float), rtol=1e-12, equal_nan=True)


def test_summary_is_compact_by_default_and_complete_with_all(
    sweep_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figure = tmp_path / "fig"
    assert cli_module.main(["summarize", str(sweep_store), "--figure", str(figure)]) == 0
    short = capsys.readouterr().out
    table = [line for line in short.splitlines() if line.strip()[:1].isdigit()]
    assert len(table) == 2  # one row per design point
    assert "NEC 12m" in short and "sustainable NEC" in short and "--all" in short
    direct = summarize(sweep_store)
    row = direct[(direct["point"] == 0) & (direct["indicator"] == "throughflow_12m") & (direct["group"] == "all")].iloc[0]
    assert f"{row['mean'] * 100:.1f} ({row['ci_low'] * 100:.1f} to {row['ci_high'] * 100:.1f})" in table[0]
    assert figure.with_suffix(".png").is_file() and figure.with_suffix(".svg").is_file()
    assert cli_module.main(["summarize", str(sweep_store), "--all", "--no-figure"]) == 0
    full = capsys.readouterr().out
    assert len(full.splitlines()) == len(direct) + 1 and "figure:" not in full


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--factor", FACTOR, "--reference", "0.5"], "no level '0.5'"),
        (["--factor", "bias", "--reference", "x"], "unknown factor"),
    ],
)
def test_summary_command_reports_bad_factor_or_level(
    sweep_store: Path, args: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_module.main(["summarize", str(sweep_store), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and problem in err[0]


T975_EXACT = {2: 4.302652729749462, 6: 2.4469118511449786, 11: 2.200985160091639, 40: 2.021075390306273}
"""Student's t 97.5 % quantiles (to the precision of scipy.stats.t.ppf)."""


@pytest.mark.parametrize("replications", [3, 7, 12, 41])
def test_summary_interval_uses_the_t_quantile_for_its_degrees_of_freedom(replications: int) -> None:
    rng = np.random.default_rng(replications)
    values = rng.normal(0.4, 0.05, size=(2, replications))
    runs = pd.DataFrame(
        {
            "run_id": [f"{p:05d}-{k:03d}" for p in range(2) for k in range(replications)],
            "point": np.repeat([0, 1], replications),
            "replicate": np.tile(np.arange(replications), 2),
            "status": "ok",
            "factor:f": np.repeat(["a", "b"], replications),
            "throughflow_12m.all": values.ravel(),
        }
    )
    from throughflow.analysis.summary import summarize_runs

    table = summarize_runs(runs, "f", "a").set_index("point")
    for point in (0, 1):
        v = values[point]
        half = T975_EXACT[replications - 1] * v.std(ddof=1) / math.sqrt(replications)
        got = table.loc[point, "ci_high"] - table.loc[point, "mean"]
        assert got == pytest.approx(half, rel=0.01), f"R={replications}: half-width {got:.5f}, t interval {half:.5f}"
    d = values[1] - values[0]
    half = T975_EXACT[replications - 1] * d.std(ddof=1) / math.sqrt(replications)
    assert table.loc[1, "diff_ci_high"] - table.loc[1, "diff"] == pytest.approx(half, rel=0.01)


def test_summary_command_refuses_a_folder_that_is_not_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_module.main(["summarize", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "not a results store" in err[0]


def test_curve_bands_of_a_share_stay_between_zero_and_one() -> None:
    from throughflow.analysis.summary import curve_bands

    curves = [[0.0, 0.02, 0.9], [0.0, 0.4, 0.99]]  # two replicates far apart: a t interval reaches past [0, 1]
    runs = pd.DataFrame({"point": 0, "status": "ok", "nec_entry_after_contract.all": curves, "other.all": curves})
    bands = curve_bands(runs, "nec_entry_after_contract.all")
    assert (bands["ci_low"] >= 0.0).all() and (bands["ci_high"] <= 1.0).all()
    assert bands["ci_low"].iloc[1] == 0.0 and bands["ci_high"].iloc[2] == 1.0
    assert bands["mean"].tolist() == pytest.approx([0.0, 0.21, 0.945])
    assert curve_bands(runs, "other.all")["ci_low"].iloc[1] < 0.0  # not an indicator the model declares: not cut


def test_intervals_stay_within_what_a_share_or_an_effect_can_take() -> None:
    # two replicates far apart: the t interval (t = 12.7) reaches far past the possible values
    runs = pd.DataFrame(
        {
            "point": [0, 0],
            "replicate": [0, 1],
            "status": ["ok", "ok"],
            "throughflow_12m.all": [0.2, 0.8],
            "trial_itt_nec_12m.all": [-0.3, 0.1],
            "months_to_nec_median.all": [5.0, 15.0],
        }
    )
    table = summarize_runs(runs).set_index("indicator")
    share, effect, months = (table.loc[name] for name in ("throughflow_12m", "trial_itt_nec_12m", "months_to_nec_median"))
    assert (share.ci_low, share.ci_high) == (0.0, 1.0)
    assert (effect.ci_low, effect.ci_high) == (-1.0, 1.0)  # an effect may be negative: not cut at 0
    assert months.ci_low < 0.0 and months.ci_high > 20.0  # not a share: the t interval as it is
    assert share["mean"] == pytest.approx(0.5) and effect["mean"] == pytest.approx(-0.1)
