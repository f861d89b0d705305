"""Global sensitivity analysis: the SALib machinery against analytic indices, convergence
tables, the model path through the results store (paired arms, seeding, resume after
``kill -9``) and one-line errors for bad declarations."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from SALib.test_functions import Ishigami

from sweep_support import THROUGHFLOW, kill_group, part_rows
from throughflow.analysis import sensitivity_report
from throughflow.analysis.problem import SensitivityError, declaration_from_mapping, load_declaration
from throughflow.analysis.screening import ranking, sobol_follow_up, top_parameters
from throughflow.analysis.sensitivity import (
    FRACTIONS,
    MORRIS_TOLERANCE,
    SOBOL_TOLERANCE,
    analyse,
    model_sweep,
    outcomes_from_runs,
    run_sensitivity,
    sample,
    sensitivity,
)
from throughflow.cli import main
from throughflow.documents import markers
from throughflow.outcomes import PAIRED
from throughflow.plots.sensitivity import all_figures
from throughflow.scenario import ScenarioError

FIXTURES = Path(__file__).resolve().parent / "sensitivity"
BAD = FIXTURES / "bad"
TINY_MORRIS = FIXTURES / "tiny_morris.yaml"  # 4 parameters, Morris n=4: 20 points x 2 arms
SHIPPED = Path(__file__).resolve().parents[1] / "scenarios" / "sensitivity"

# --------------------------------------------------------------------------- analytic functions

A, B = 7.0, 0.1
"""Ishigami constants (SALib's defaults)."""


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """Analytic first-order and total indices of Ishigami on [-pi, pi]^3."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / total, np.array([v1 + v13, v2, v13]) / total


ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}

COEFFICIENTS = np.array([4.0, -2.0, 1.0, 0.0])
LOW = np.array([0.0, 1.0, -1.0, 0.0])
HIGH = np.array([1.0, 4.0, 1.0, 5.0])
LINEAR = {"num_vars": 4, "names": ["a", "b", "c", "dummy"], "bounds": np.c_[LOW, HIGH].tolist()}
"""y = 4a - 2b + c + 0 dummy on uniform inputs of different widths."""


def linear(X: np.ndarray) -> np.ndarray:
    return X @ COEFFICIENTS


def linear_indices() -> np.ndarray:
    """S1 = ST = a_i^2 Var(x_i) / sum_j a_j^2 Var(x_j), Var = width^2 / 12."""
    parts = COEFFICIENTS**2 * (HIGH - LOW) ** 2 / 12
    return parts / parts.sum()


def by_name(table: pd.DataFrame, column: str, outcome: str | None = None) -> pd.Series:
    rows = table if outcome is None else table[table["outcome"] == outcome]
    return rows.set_index("name")[column]


def test_the_quoted_ishigami_indices_follow_from_the_formulas() -> None:
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-5)


@pytest.mark.parametrize("n", [1024, 2048])
def test_sobol_reproduces_the_analytic_ishigami_indices(n: int) -> None:
    s1, st = ishigami_indices()
    result = sensitivity(ISHIGAMI, Ishigami.evaluate, "sobol", n, seed=1)
    assert result["X"].shape == (n * (3 + 2), 3)
    table = result["indices"]
    assert table["name"].tolist() == ["x1", "x2", "x3"]
    tolerance = 0.04 if n == 1024 else 0.025
    np.testing.assert_allclose(table["S1"], s1, atol=tolerance)
    np.testing.assert_allclose(table["ST"], st, atol=tolerance)
    # x3 acts only through its interaction with x1: no first-order share, a clear total one
    assert abs(table["S1"].iloc[2]) < 0.03 < 0.2 < table["ST"].iloc[2]
    assert table["ST"].iloc[0] - table["S1"].iloc[0] == pytest.approx(st[2], abs=2 * tolerance)
    # the 95 % intervals are honest: wide enough to cover the truth, narrower than the indices
    assert (np.abs(table["ST"] - st) <= table["ST_conf"] + 0.01).all()
    assert (table["ST_conf"] < 0.1).all()


def test_morris_on_ishigami_matches_its_elementary_effects() -> None:
    """With 4 levels the step is 2/3 of the range: sin^2 moves between 0 and 3/4 for x2, so
    every elementary effect of x2 is +-7 * 0.75 / (2/3) = 7.875. x1 and x3 average to 7.70
    and 6.25 (x3 matters only where sin x1 != 0, i.e. at half of x1's levels)."""
    result = sensitivity(ISHIGAMI, Ishigami.evaluate, "morris", 1000, seed=3)
    mu_star = by_name(result["indices"], "mu_star")
    mu = by_name(result["indices"], "mu")
    assert mu_star["x2"] == pytest.approx(7.875, abs=1e-9)
    assert mu_star["x1"] == pytest.approx(1.5 * 3**0.5 / 2 * (1 + 0.1 * (math.pi**4 + (math.pi / 3) ** 4) / 2), rel=0.05)
    assert mu_star["x3"] == pytest.approx(0.5 * 0.1 * 3**0.5 / 2 * (math.pi**4 - (math.pi / 3) ** 4) * 1.5, rel=0.1)
    assert min(mu_star["x1"], mu_star["x2"]) > mu_star["x3"] + 1.0
    # the effect of x3 changes sign with sin(x1): mu cancels, mu* does not
    assert abs(mu["x3"]) < 0.15 * mu_star["x3"]
    assert by_name(result["indices"], "sigma")["x3"] > mu_star["x3"]


def test_morris_ranks_ishigami_x1_and_x2_above_x3_for_several_seeds() -> None:
    for seed in range(3):
        mu_star = by_name(sensitivity(ISHIGAMI, Ishigami.evaluate, "morris", 200, seed=seed)["indices"], "mu_star")
        assert mu_star.sort_values(ascending=False).index[-1] == "x3", seed


def test_sobol_on_a_linear_function() -> None:
    expected = linear_indices()
    table = sensitivity(LINEAR, linear, "sobol", 2048, seed=2)["indices"]
    np.testing.assert_allclose(table["S1"], expected, atol=0.02)
    np.testing.assert_allclose(table["ST"], expected, atol=0.02)
    # an input that does not enter the function gets exactly zero
    assert table["S1"].iloc[3] == 0.0 and table["ST"].iloc[3] == 0.0


def test_morris_on_a_linear_function_is_exact() -> None:
    """Every elementary effect of a_i x_i is a_i times the width of x_i's range."""
    table = sensitivity(LINEAR, linear, "morris", 10, seed=4)["indices"]
    np.testing.assert_allclose(table["mu"], COEFFICIENTS * (HIGH - LOW), atol=1e-9)
    np.testing.assert_allclose(table["mu_star"], np.abs(COEFFICIENTS) * (HIGH - LOW), atol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0.0, atol=1e-9)


def test_grouped_sobol_gives_the_index_of_the_group() -> None:
    """y = 3 x1 x2 + x3 on [-1, 1]^3: Var(3 x1 x2) = 1, Var(x3) = 1/3. Alone, x1 and x2 explain
    nothing (E[y | x1] does not depend on x1); together they explain 3/4."""

    def func(X: np.ndarray) -> np.ndarray:
        return 3 * X[:, 0] * X[:, 1] + X[:, 2]

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-1, 1]] * 3}
    single = sensitivity(problem, func, "sobol", 2048, seed=5)["indices"].set_index("name")
    np.testing.assert_allclose(single.loc[["x1", "x2"], "S1"], 0.0, atol=0.03)
    np.testing.assert_allclose(single.loc[["x1", "x2"], "ST"], 0.75, atol=0.03)
    grouped = sensitivity({**problem, "groups": ["pair", "pair", "x3"]}, func, "sobol", 2048, seed=5)
    assert grouped["X"].shape == (2048 * (2 + 2), 3)  # one column block per group, not per input
    table = grouped["indices"].set_index("name")
    assert table.index.tolist() == ["pair", "x3"]
    np.testing.assert_allclose(table["S1"], [0.75, 0.25], atol=0.03)
    np.testing.assert_allclose(table["ST"], [0.75, 0.25], atol=0.03)


def test_several_outcome_columns_are_analysed_separately() -> None:
    def both(X: np.ndarray) -> np.ndarray:
        return np.c_[linear(X), -2 * linear(X) + 5]

    table = sensitivity(LINEAR, both, "sobol", 256, seed=6, outcome_names=["y", "affine"])["indices"]
    assert table["outcome"].unique().tolist() == ["y", "affine"]
    # Sobol indices are invariant under an affine map of the outcome
    np.testing.assert_allclose(by_name(table, "ST", "y"), by_name(table, "ST", "affine"), atol=1e-9)


def test_non_finite_outcomes_are_refused() -> None:
    def holes(X: np.ndarray) -> np.ndarray:
        y = linear(X)
        y[::7] = np.nan
        return y

    with pytest.raises(RuntimeError, match="sample points without a value"):
        sensitivity(LINEAR, holes, "morris", 4, seed=0)


def test_an_outcome_without_any_value_keeps_its_arm_as_missing_values() -> None:
    declaration = load_declaration(SHIPPED / "mentoring_cost.yaml")
    runs = pd.DataFrame([{"factor:sample": k, "factor:arm": "arm:mentoring", "replicate": 0, "status": "ok"} for k in range(3)])
    for outcome in declaration.outcomes:
        runs[f"{outcome.indicator}.{outcome.group}"] = math.nan  # no value in any run
    Y = outcomes_from_runs(declaration, runs, 3)
    assert Y.shape == (3, len(declaration.outcomes)) and np.isnan(Y).all()  # not a KeyError: the analysis names it


# --------------------------------------------------------------------------- convergence


def check_nested(conv: pd.DataFrame, n_rows: int, strictly: bool = True) -> None:
    """Every outcome and parameter has the three nested subsamples, growing to the full sample.

    Subsamples hold at least two trajectories or base samples, so with fewer than eight the
    first two coincide (``strictly=False``)."""
    for (_, _), rows in conv.groupby(["outcome", "name"]):
        assert rows["fraction"].tolist() == list(FRACTIONS)
        sizes = rows["rows"].tolist()
        assert sizes == sorted(sizes), sizes
        assert len(set(sizes)) == len(sizes) or not strictly, sizes
        assert sizes[-1] == n_rows


def test_sobol_convergence_table_is_nested_and_flags_wide_intervals() -> None:
    result = sensitivity(LINEAR, linear, "sobol", 64, seed=7)
    conv = result["convergence"]
    assert set(conv["fraction"]) == {0.25, 0.5, 1.0}
    check_nested(conv, len(result["X"]))
    assert sorted(set(conv["rows"])) == [16 * 6, 32 * 6, 64 * 6]  # N/4, N/2, N base samples of 4 + 2 rows
    # each subsample is a prefix of the sample: its indices are those of the first rows
    quarter = conv[conv["fraction"] == 0.25].reset_index(drop=True)
    again = analyse(LINEAR, "sobol", result["X"][:96], result["Y"][:96, 0], seed=7)
    np.testing.assert_allclose(quarter["ST"], again["ST"])
    full = conv[conv["fraction"] == 1.0].reset_index(drop=True)
    np.testing.assert_allclose(full["ST"], result["indices"]["ST"])
    # flags: important (ST >= 0.05) and an interval wider than the tolerance
    assert (conv["important"] == (conv["ST"] >= 0.05)).all()
    assert (conv["flag"] == (conv["important"] & (conv["ST_conf"] > SOBOL_TOLERANCE))).all()
    assert conv["flag"].any(), "64 base samples should leave wide intervals"
    assert not conv.loc[conv["name"] == "dummy", ["important", "flag"]].any().any()


def test_sobol_convergence_flags_clear_with_a_large_sample() -> None:
    conv = sensitivity(LINEAR, linear, "sobol", 4096, seed=7)["convergence"]
    final = conv[conv["fraction"] == 1.0]
    assert not final["flag"].any(), final
    assert final["important"].sum() == 3


def test_morris_convergence_flags_non_linear_effects_only() -> None:
    ishigami = sensitivity(ISHIGAMI, Ishigami.evaluate, "morris", 20, seed=8)["convergence"]
    check_nested(ishigami, 20 * 4)
    relative = ishigami["mu_star_conf"] > MORRIS_TOLERANCE * ishigami["mu_star"]
    assert (ishigami["flag"] == (ishigami["important"] & relative)).all()
    final = ishigami[ishigami["fraction"] == 1.0].set_index("name")
    assert final.loc["x3", "flag"] and not final.loc["x2", "flag"]  # x2's effects are all equal in size
    exact = sensitivity(LINEAR, linear, "morris", 20, seed=8)["convergence"]
    assert not exact["flag"].any()


# --------------------------------------------------------------------------- screening helper


def test_ranking_compares_outcomes_on_a_relative_scale() -> None:
    indices = pd.DataFrame(
        {
            "outcome": ["big"] * 3 + ["small"] * 3,
            "name": ["p", "q", "r"] * 2,
            "mu_star": [100.0, 50.0, 1.0, 0.001, 0.002, 0.01],
        }
    )
    table = ranking(indices)
    assert table["name"].tolist() == ["p", "r", "q"]  # r leads "small", so it ties with p at 1.0
    assert table["score"].tolist() == [1.0, 1.0, 0.5]
    assert top_parameters(indices, 2, outcomes=["big"]) == ["p", "q"]
    with pytest.raises(ValueError):
        top_parameters(indices, 0)


def test_sobol_follow_up_keeps_the_screening_ranges() -> None:
    spec = yaml.safe_load(TINY_MORRIS.read_text())
    screening = load_declaration(TINY_MORRIS)
    indices = pd.DataFrame(
        {"outcome": "y", "name": screening.names, "mu_star": [0.1, 0.4, 0.0, 0.3], "mu_star_conf": 0.0, "mu": 0, "sigma": 0}
    )
    follow = declaration_from_mapping(
        sobol_follow_up(spec, screening, indices, k=2, n=8), where=str(TINY_MORRIS), base_dir=FIXTURES
    )
    assert follow.method == "sobol" and follow.n == 8
    assert follow.names == ["art60.ocmw_openness", "one_on_one.placement_advocacy.attempts_max"]
    assert follow.bounds == [(0.1, 0.6), (1.0, 3.0)]
    assert follow.integer == [False, True]
    assert [o.name for o in follow.outcomes] == [o.name for o in screening.outcomes]


# --------------------------------------------------------------------------- the model path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The tiny Morris analysis, run once, serially, through the results store."""
    out = tmp_path_factory.mktemp("sensitivity") / "tiny_morris"
    declaration = load_declaration(TINY_MORRIS)
    result = run_sensitivity(declaration, out=out, executor="serial", progress=False)
    return {**result, "declaration": declaration, "runs": pd.read_parquet(out / "runs.parquet")}


def test_the_results_document_is_written_from_the_folder(tiny: dict[str, Any], tmp_path: Path) -> None:
    out, indices = tiny["out"], tiny["indices"]
    runs = tiny["runs"]
    document = tmp_path / "sensitivity.md"
    begin, end = markers(sensitivity_report.BLOCKS["morris"])
    document.write_text(f"# Title\n\nprose before\n{begin}\nold tables\n{end}\nprose after\n", encoding="utf-8")
    assert sensitivity_report.main([str(out), "--write", str(document)]) == 0
    text = document.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nprose before\n") and text.endswith(f"{end}\nprose after\n")
    assert "old tables" not in text
    ran = int((runs["same_as"].fillna("") == "").sum())
    assert f"{len(runs):,} run-table rows, of which {ran:,} were run and {len(runs) - ran:,} copied" in text
    for row in indices.itertuples():  # every index of the tiny analysis, with its interval
        assert f"| `{row.name}` | {row.mu_star:.4f} | ±{row.mu_star_conf:.4f} | {row.mu:+.4f} |" in text
    for outcome in indices["outcome"].unique():
        assert f"**{outcome}**" in text and f"`{outcome}`" in text
    # a second write replaces the part again, it does not add one
    assert sensitivity_report.main([str(out), "--write", str(document)]) == 0
    assert document.read_text(encoding="utf-8") == text


def test_a_second_analysis_of_the_same_method_goes_to_its_own_block(tiny: dict[str, Any], tmp_path: Path) -> None:
    document = tmp_path / "sensitivity.md"
    effect, cost = markers("MORRIS TABLES"), markers("COST MORRIS TABLES")
    document.write_text(f"{effect[0]}\neffect tables\n{effect[1]}\n{cost[0]}\nold\n{cost[1]}\n", encoding="utf-8")
    args = [str(tiny["out"]), "--write", str(document), "--block", "COST MORRIS TABLES"]
    assert sensitivity_report.main(args) == 0
    text = document.read_text(encoding="utf-8")
    assert "effect tables" in text and "old" not in text  # only the named block changed
    assert text.index(cost[0]) < text.index("Morris, ") < text.index(cost[1])


def test_the_results_document_refuses_a_folder_or_document_it_cannot_use(
    tiny: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sensitivity_report.main([str(tmp_path / "missing")]) == 2
    assert "not a finished sensitivity analysis" in capsys.readouterr().out
    document = tmp_path / "plain.md"
    document.write_text("no markers\n", encoding="utf-8")
    assert sensitivity_report.main([str(tiny["out"]), "--write", str(document)]) == 2
    assert "markers" in capsys.readouterr().out
    assert document.read_text(encoding="utf-8") == "no markers\n"


def test_model_analysis_writes_finite_indices(tiny: dict[str, Any]) -> None:
    out, declaration = tiny["out"], tiny["declaration"]
    for name in ("indices.csv", "indices.parquet", "convergence.csv", "convergence.parquet", "sample.parquet", "manifest.json"):
        assert (out / name).is_file(), name
    assert {Path(f).name for f in tiny["files"]} >= {"indices.csv", "indices.parquet", "sample.parquet"}
    indices = pd.read_parquet(out / "indices.parquet")
    pd.testing.assert_frame_equal(indices, tiny["indices"])
    pd.testing.assert_frame_equal(pd.read_csv(out / "indices.csv"), indices, check_exact=False, rtol=1e-12)
    assert indices["outcome"].unique().tolist() == ["effect_throughflow_12m", "throughflow_12m_all"]
    assert indices["name"].unique().tolist() == declaration.names
    assert len(indices) == 2 * 4
    values = indices[["mu_star", "mu_star_conf", "mu", "sigma"]].to_numpy()
    assert np.isfinite(values).all()
    for outcome, rows in indices.groupby("outcome"):
        assert rows["mu_star"].max() > 0, f"{outcome}: no parameter moves the outcome"
    conv = pd.read_parquet(out / "convergence.parquet")
    check_nested(conv, 4 * (4 + 1), strictly=False)  # n = 4: N/4 and N/2 both use 2 trajectories


def test_model_sample_stays_in_the_declared_ranges(tiny: dict[str, Any]) -> None:
    declaration = tiny["declaration"]
    frame = pd.read_parquet(tiny["out"] / "sample.parquet")
    assert list(frame.columns) == [*declaration.names, "Y:effect_throughflow_12m", "Y:throughflow_12m_all"]
    assert len(frame) == 4 * (4 + 1)
    for name, (low, high) in zip(declaration.names, declaration.bounds, strict=True):
        assert frame[name].between(low, high).all(), name
        assert frame[name].nunique() > 1, name
    np.testing.assert_array_equal(frame[[f"Y:{o.name}" for o in declaration.outcomes]].to_numpy(), tiny["Y"])
    # the integer parameter is run at whole values
    design = pd.read_parquet(tiny["out"] / "design.parquet")
    attempts = {yaml.safe_load(v)["one_on_one.placement_advocacy.attempts_max"] for v in design["values"]}
    assert attempts <= {1, 2, 3} and all(isinstance(v, int) for v in attempts)


def test_difference_outcome_pairs_the_arms_on_the_same_seed(tiny: dict[str, Any]) -> None:
    runs = tiny["runs"]
    assert (runs["status"] == "ok").all()
    assert set(runs["factor:arm"]) == {"arm:tiny_baseline", "arm:tiny_mentoring"}
    pairs = runs.groupby(["factor:sample", "replicate"])
    assert (pairs["factor:arm"].nunique() == 2).all()
    assert (pairs["seed"].nunique() == 1).all()
    # the analysed outcome is treatment minus reference of those paired runs
    wide = runs.pivot_table(index="factor:sample", columns="factor:arm", values="throughflow_12m.all")
    effect = (wide["arm:tiny_mentoring"] - wide["arm:tiny_baseline"]).to_numpy()
    np.testing.assert_allclose(tiny["Y"][:, 0], effect, rtol=0, atol=0)
    assert np.abs(effect).max() > 0
    # the arms differ by the mentoring switches only; both get the sample point's values
    design = pd.read_parquet(tiny["out"] / "design.parquet")
    for _, point in design.groupby("factor:sample"):
        arms = {row["factor:arm"]: yaml.safe_load(row["values"]) for _, row in point.iterrows()}
        treated, reference = arms["arm:tiny_mentoring"], arms["arm:tiny_baseline"]
        assert treated["one_on_one.enabled"] is True and treated["labs.enabled"] is True
        assert {k: v for k, v in treated.items() if k in reference} == reference
        assert set(tiny["declaration"].names) <= set(reference)
    level = runs[runs["factor:arm"] == "arm:tiny_baseline"].sort_values("factor:sample")["throughflow_12m.all"].to_numpy()
    np.testing.assert_array_equal(tiny["Y"][:, 1], level)


def test_common_seeds_are_shared_by_every_sample_point(tiny: dict[str, Any]) -> None:
    assert tiny["runs"]["seed"].nunique() == 1  # one replicate, common random numbers


def seeding_declaration(seeds: str, replications: int = 3, n: int = 2) -> Any:
    spec = yaml.safe_load(TINY_MORRIS.read_text())
    spec.update(
        seeds=seeds,
        replications=replications,
        n=n,
        parameters={"labour_market.bias": [0.3, 0.6], "art60.ocmw_openness": [0.1, 0.6]},
    )
    return declaration_from_mapping(spec, where=f"<{seeds}>", base_dir=FIXTURES)


def task_table(declaration: Any) -> pd.DataFrame:
    X = sample(declaration.problem(), declaration.method, declaration.n, declaration.seed)
    tasks = model_sweep(declaration, X).tasks()
    return pd.DataFrame(
        {"sample": t.levels["sample"], "arm": t.levels["arm"], "replicate": t.replicate, "seed": t.seed} for t in tasks
    )


def test_common_seeding_shares_seeds_across_sample_points() -> None:
    table = task_table(seeding_declaration("common"))
    assert table["sample"].nunique() == 6 and table["arm"].nunique() == 2
    assert (table.groupby("replicate")["seed"].nunique() == 1).all()
    assert table.groupby("replicate")["seed"].first().nunique() == 3


def test_independent_seeding_gives_each_sample_point_its_own_seeds() -> None:
    declaration = seeding_declaration("independent")
    table = task_table(declaration)
    assert (table.groupby(["sample", "replicate"])["seed"].nunique() == 1).all()  # arms stay paired
    per_point = table.groupby(["sample", "replicate"])["seed"].first()
    assert per_point.nunique() == 6 * 3
    assert (table.groupby("replicate")["seed"].nunique() == 6).all()
    # the seeds are a function of the declaration, so a resumed analysis reruns the same runs
    pd.testing.assert_frame_equal(task_table(seeding_declaration("independent")), table)


def test_independent_seeding_in_stored_runs(tmp_path: Path) -> None:
    declaration = seeding_declaration("independent", replications=2)
    result = run_sensitivity(declaration, out=tmp_path / "independent", executor="serial", progress=False)
    runs = pd.read_parquet(tmp_path / "independent" / "runs.parquet")
    assert len(runs) == 6 * 2 * 2
    pairs = runs.groupby(["factor:sample", "replicate"])
    assert (pairs["seed"].nunique() == 1).all()
    assert pairs["seed"].first().nunique() == 6 * 2
    # a sample point's outcome is the mean over its replicates of the paired differences
    wide = runs.pivot_table(index=["factor:sample", "replicate"], columns="factor:arm", values="throughflow_12m.all")
    effect = (wide["arm:tiny_mentoring"] - wide["arm:tiny_baseline"]).groupby(level=0).mean().to_numpy()
    np.testing.assert_allclose(result["Y"][:, 0], effect, rtol=1e-12)


# --------------------------------------------------------------------------- resume after kill -9

LAUNCHER = """\
import sys
from throughflow.experiments import store
store.Store.__init__.__defaults__ = (3, 5.0)  # flush a part every 3 finished runs
from throughflow.cli import main
sys.exit(main(sys.argv[1:]))
"""
"""The ``throughflow`` command with a small part size, so a kill lands between parts."""


def test_killed_analysis_resumes_to_the_same_indices(tiny: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "killed"
    args = ["sensitivity", str(TINY_MORRIS), "--out", str(out), "--executor", "serial"]
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list((out / "runs").glob("part-*.parquet")) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the analysis finished (or failed) before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        kill_group(proc)
        proc.communicate(timeout=60)
    done = len(part_rows(out))
    assert 0 < done < 40
    assert not (out / "indices.csv").exists()

    resumed = subprocess.run(
        [str(THROUGHFLOW), *args[:-1], "processes", "--workers", "2", "--resume"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "effect_throughflow_12m: most influential (mu_star)" in resumed.stdout
    ids = part_rows(out)
    assert len(ids) == len(set(ids)) == 40, "a finished run was rerun or a run is missing"
    reference = tiny["out"]
    for name in ("indices", "convergence"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), pd.read_parquet(reference / f"{name}.parquet"))
        assert (out / f"{name}.csv").read_text() == (reference / f"{name}.csv").read_text()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sample.parquet"), pd.read_parquet(reference / "sample.parquet"))
    assert (out / "figures" / "effect_throughflow_12m_morris.png").is_file()
    assert (out / "figures" / "throughflow_12m_all_convergence.png").is_file()


# --------------------------------------------------------------------------- figures


def test_figures_of_default_named_outcomes_do_not_overwrite_each_other(tmp_path: Path) -> None:
    """Outcomes without a ``name`` are called ``indicator.group[:treatment-minus]``; the dot
    must not be taken for a file suffix."""
    names = ["throughflow_12m.all", "throughflow_12m.all:mentoring-baseline"]
    result = sensitivity(LINEAR, lambda X: np.c_[linear(X), 2 * linear(X)], "morris", 4, seed=0, outcome_names=names)
    files = all_figures(result, "morris", tmp_path)
    assert len(set(files)) == len(files) == 2 * 2 * 2  # 2 outcomes x (chart, convergence) x (png, svg)
    assert all(f.is_file() for f in files)


# --------------------------------------------------------------------------- bad declarations

BAD_CASES = {
    "unknown_parameter.yaml": "parameters: labour_market.biass is not a declared parameter",
    "range_outside_bounds.yaml": "labour_market.bias: range [0.3, 1.2] outside its bounds",
    "sobol_not_power_of_two.yaml": "n must be a power of two",
    "unknown_key.yaml": "replicates: unknown key",
    "unknown_indicator.yaml": "throughflow_18m is not a scalar indicator",
    "curve_indicator.yaml": "employment_rate_by_month is not a scalar indicator",
    "unknown_group.yaml": "group must be one of all, low, medium, high (got 'lowest')",
    "non_numeric.yaml": "one_on_one.enabled is not numeric",
    "malformed.yaml": "malformed YAML",
    "missing_scenario.yaml": "outcomes.treatment",
    "unknown_method.yaml": "method must be one of morris, sobol",
    "empty_range.yaml": "empty range [0.6, 0.3]",
    "no_such_file.yaml": "cannot read file",
}


@pytest.mark.parametrize(("name", "fragment"), sorted(BAD_CASES.items()), ids=sorted(BAD_CASES))
def test_bad_declaration_is_one_line(name: str, fragment: str) -> None:
    path = BAD / name
    assert path.is_file() == (name != "no_such_file.yaml")
    with pytest.raises(SensitivityError) as info:
        load_declaration(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path)), message
    assert fragment in message, message


@pytest.mark.parametrize("name", sorted(BAD_CASES), ids=sorted(BAD_CASES))
def test_cli_reports_a_bad_declaration_with_exit_2(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sensitivity", str(BAD / name), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("throughflow: error: "), captured.err
    assert BAD_CASES[name] in lines[0]
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--method", "sobol", "--n", "100"], "n must be a power of two"),
        (["--n", "1"], "argument --n: must be an integer from 2 to 65,536"),
    ],
)
def test_cli_rejects_bad_overrides_with_exit_2(
    extra: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sensitivity", str(TINY_MORRIS), "--out", str(tmp_path / "out"), "--executor", "serial", *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and fragment in err, err


def test_cli_refuses_to_overwrite_an_analysis(tiny: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sensitivity", str(TINY_MORRIS), "--out", str(tiny["out"]), "--executor", "serial"])
    err = capsys.readouterr().err
    assert code == 2 and "use --resume" in err, err


def test_declaration_may_widen_a_range_within_the_validity_bounds() -> None:
    spec = {"base": str(FIXTURES / "tiny_baseline.yaml"), "parameters": {"labour_market.bias": [0.0, 1.0]}}
    declaration = declaration_from_mapping(spec)
    assert declaration.bounds == [(0.0, 1.0)]
    assert declaration.problem() == {"num_vars": 1, "names": ["labour_market.bias"], "bounds": [[0.0, 1.0]]}


@pytest.mark.parametrize("name", ["mentoring_effect.yaml", "mentoring_effect_sobol.yaml"])
def test_every_sample_point_of_a_shipped_declaration_is_a_valid_scenario(name: str) -> None:
    """The declared uncertainties include shares that must sum to one (contract lengths):
    sampling them independently must not produce scenarios the model refuses."""
    declaration = load_declaration(SHIPPED / name, n=2 if name.endswith("effect.yaml") else 4)
    X = sample(declaration.problem(), declaration.method, declaration.n, declaration.seed)
    sweep = model_sweep(declaration, X)
    invalid = []
    for labels, values in sweep.points():
        try:
            sweep.scenario(values)
        except ScenarioError as exc:
            invalid.append(f"{labels['sample']} {labels['arm']}: {exc}")
    assert not invalid, f"{len(invalid)} of {len(sweep.points())} design points invalid, e.g. {invalid[0]}"


def test_shipped_declarations_are_valid() -> None:
    for path in sorted(SHIPPED.glob("*.yaml")):
        declaration = load_declaration(path)
        assert len(declaration.names) >= 90, path.name
        if all(o.indicator in PAIRED for o in declaration.outcomes):
            assert {"arm:mentoring"} == set(declaration.arms), path.name  # against each run's paired baseline
            continue
        assert all(o.is_difference for o in declaration.outcomes), path.name
        assert {"arm:baseline", "arm:mentoring"} == set(declaration.arms), path.name


def test_a_cost_outcome_is_analysed_against_the_paired_baseline(tmp_path: Path) -> None:
    """The cost per extra transition needs each run's paired baseline: the analysis runs it."""
    spec = tmp_path / "cost.yaml"
    spec.write_text(
        f"name: tiny_cost\nbase: {(TINY_MORRIS.parent / 'tiny_mentoring.yaml').as_posix()}\n"
        "outcomes:\n  - {name: extra_cost_5y, indicator: cost_per_sustainable_transition, group: all}\n"
        "parameters:\n  costs.benefit_eur_month: [900, 1300]\n  labour_market.bias: [0.3, 0.6]\n"
        "method: morris\nn: 2\nreplications: 1\nseeds: common\nseed: 3\nmonths: 72\n",
        encoding="utf-8",
    )
    declaration = load_declaration(spec)
    result = run_sensitivity(declaration, out=tmp_path / "out", executor="serial", progress=False)
    sample = pd.read_parquet(tmp_path / "out" / "sample.parquet")
    assert np.isfinite(sample["Y:extra_cost_5y"]).any(), "no finite cost per extra transition: no paired baseline"
    assert set(result["indices"]["name"]) == {"costs.benefit_eur_month", "labour_market.bias"}
