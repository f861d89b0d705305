"""Calibration by ABC-SMC: declarations, distance, resuming, posterior, predictive check, applying."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from support import TESTS_DIR
from throughflow.analysis.abc import (
    CalibrationError,
    Target,
    apply_point,
    broad_kernel,
    calibrate,
    distance,
    load_declaration,
    point_estimate,
    weighted_quantile,
)
from throughflow.cli import main
from throughflow.scenario import load_scenario

TINY = TESTS_DIR / "calibration" / "tiny.yaml"
SHIPPED = TESTS_DIR.parent / "scenarios" / "calibration" / "baseline.yaml"


def write(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8")) | changes
    path = tmp_path / "decl.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_shipped_declaration_fits_every_target_and_the_evaluations() -> None:
    d = load_declaration(SHIPPED)
    ids = {t.id for t in d.targets}
    assert {"refugees_employed_10y", "benefit_exit_year1", "job_search_help_12m", "friendship_mentoring_12m"} <= ids
    assert set(d.scenarios()) >= {"baseline", "longrun", "mentoring", "trials/job_search", "trials/friendship"}
    for name, (low, high) in d.parameters.items():
        assert low < high, name


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": 1}, "colour: unknown key"),
        ({"parameters": ["labour_market.nothing"]}, "not a declared parameter"),
        ({"parameters": {"labour_market.bias": [0.6, 0.3]}}, "low must be below high"),
        ({"parameters": {"labour_market.bias": [0.3, 2.0]}}, "leaves the bounds"),
        ({"parameters": ["one_on_one.enabled"]}, "only numeric parameters"),
        ({"targets": ["no_such_target"]}, "not a target with a model indicator"),
        ({"evidence": ["no_such_trial"]}, "not an evaluation"),
        ({"population": 0}, "population must be an integer"),
        ({"generations": 10**6}, "generations must be an integer"),
        ({"name": "../x"}, "plain identifier"),
    ],
)
def test_bad_declarations_are_refused_in_one_line(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    with pytest.raises(CalibrationError, match=message) as info:
        load_declaration(write(tmp_path, **changes))
    assert "\n" not in str(info.value)


def test_the_cli_refuses_a_bad_declaration_with_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["calibrate", str(write(tmp_path, population=-1)), "--out", str(out), "--executor", "serial"])
    assert code == 2
    assert "population" in capsys.readouterr().err
    assert not out.exists()


def test_distance_scales_each_difference_by_the_published_range() -> None:
    d = load_declaration(TINY)
    a, b = d.targets
    on_target = {a.id: a.value, b.id: b.value}
    assert distance(d, on_target) == 0.0
    off = {a.id: a.value + a.scale, b.id: b.value}
    assert distance(d, off) == pytest.approx(1.0)
    assert distance(d, {a.id: math.nan, b.id: b.value}) == math.inf
    assert isinstance(a, Target) and a.scale == pytest.approx(a.high - a.low)


def test_the_range_distance_is_zero_inside_every_range_and_scaled_outside(tmp_path: Path) -> None:
    centre = load_declaration(TINY)
    spec = tmp_path / "tiny_range.yaml"
    spec.write_text(TINY.read_text(encoding="utf-8") + "distance: range\n", encoding="utf-8")
    d = load_declaration(spec)
    assert d.distance == "range" and centre.distance == "centre" and d.digest != centre.digest
    a, b = d.targets
    inside = {a.id: a.low + 0.25 * a.scale, b.id: b.high}
    assert distance(d, inside) == 0.0 and distance(centre, inside) > 0.0
    below = {a.id: a.low - 0.5 * a.scale, b.id: b.value}
    above = {a.id: a.high + 0.5 * a.scale, b.id: b.high + b.scale}
    assert distance(d, below) == pytest.approx(0.5)
    assert distance(d, above) == pytest.approx(math.hypot(0.5, 1.0))
    assert distance(d, {a.id: math.nan, b.id: b.value}) == math.inf
    spec.write_text(TINY.read_text(encoding="utf-8") + "distance: middle\n", encoding="utf-8")
    with pytest.raises(CalibrationError, match="distance must be one of centre, range"):
        load_declaration(spec)


def test_weighted_median_and_point_estimate() -> None:
    values, weights = np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.1, 0.8])
    assert weighted_quantile(values, weights, 0.5) > 2.5
    frame = pd.DataFrame({"a": values, "n": [1.0, 2.0, 3.4], "weight": weights})
    point = point_estimate(frame, ["a", "n"], frozenset({"n"}))
    assert point["n"] == 3 and isinstance(point["n"], int)


def _proposal_ess(kernel: object, particles: pd.DataFrame) -> float:
    """Effective sample size (share) of the importance weights of 400 proposals under a uniform prior on [0, 1]."""
    np.random.seed(1)  # noqa: NPY002 -- pyabc draws from numpy's global generator
    kernel.fit(particles, np.full(len(particles), 1.0 / len(particles)))  # type: ignore[attr-defined]
    proposals = kernel.rvs(400)  # type: ignore[attr-defined]
    proposals = proposals[((proposals >= 0) & (proposals <= 1)).all(axis=1)]
    weights = 1.0 / kernel.pdf(proposals)  # type: ignore[attr-defined]
    return float(weights.sum() ** 2 / (weights**2).sum() / len(weights))


def test_the_kernel_is_broad_and_keeps_importance_weights_more_even_than_the_default() -> None:
    import pyabc

    particles = pd.DataFrame(np.random.default_rng(0).uniform(0.3, 0.7, size=(80, 18)), columns=[f"p{i}" for i in range(18)])
    kernel = broad_kernel()
    kernel.fit(particles, np.full(80, 1 / 80))
    assert np.allclose(np.diag(kernel.cov), 2 * particles.var(ddof=1).to_numpy())
    assert np.count_nonzero(kernel.cov - np.diag(np.diag(kernel.cov))) == 0
    assert _proposal_ess(broad_kernel(), particles) > 2 * _proposal_ess(pyabc.MultivariateNormalTransition(), particles)


def _populations(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as con:
            return int(con.execute("select count(*) from populations where t >= 0").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_calibration_killed_with_sigkill_resumes_where_it_stopped(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    # the quick sizes: two generations of three particles in a world of a tenth of the size
    decl = write(tmp_path, quick={"population": 3, "generations": 2, "scale": 0.1})
    out = tmp_path / "cal"
    command = [sys.executable, "-m", "throughflow.cli", "calibrate", str(decl), "--quick", "--out", str(out)]
    proc = subprocess.Popen([*command, "--executor", "serial"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while _populations(out / "history.db") < 1 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _populations(out / "history.db")
    assert stored == 1, stored
    result = calibrate(decl, out=out, quick=True, executor="serial", progress=False, predictive_draws=3)
    assert _populations(out / "history.db") == 2
    assert int(result["posterior"]["generation"].iloc[0]) == 1  # t = 0, 1
    epsilon = pd.read_csv(out / "generations.csv").query("t >= 0")["epsilon"].to_numpy()
    assert (np.diff(epsilon) < 0).all(), epsilon  # each generation tightens the threshold, across the resume too
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert posterior["weight"].sum() == pytest.approx(1.0)
    low, high = load_declaration(decl).parameters["labour_market.p_inactive_per_month"]
    assert posterior["labour_market.p_inactive_per_month"].between(low, high).all()
    predictive = pd.read_csv(out / "predictive.csv")
    assert set(predictive["target"]) == {"art60_any_job_6m", "benefit_exit_year1"}
    assert (predictive["q05"] <= predictive["mean"]).all() and (predictive["mean"] <= predictive["q95"]).all()
    point = json.loads((out / "point.json").read_text())
    weights = posterior["weight"].to_numpy()
    expected = weighted_quantile(posterior["labour_market.p_inactive_per_month"].to_numpy(), weights, 0.5)
    assert point["labour_market.p_inactive_per_month"] == pytest.approx(expected, abs=1e-6)


def test_a_results_folder_of_another_calibration_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    calibrate(write(tmp_path, generations=1, population=2), out=out, executor="serial", progress=False, predictive_draws=2)
    with pytest.raises(CalibrationError, match="holds another calibration"):
        calibrate(write(tmp_path, generations=1, population=3), out=out, executor="serial", progress=False)


def test_more_generations_continue_the_same_calibration_and_fewer_keep_the_last(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    calibrate(write(tmp_path, generations=1, population=2), out=out, executor="serial", progress=False, predictive_draws=2)
    result = calibrate(
        write(tmp_path, generations=2, population=2), out=out, executor="serial", progress=False, predictive_draws=2
    )
    assert _populations(out / "history.db") == 2
    assert int(result["posterior"]["generation"].iloc[0]) == 1
    again = calibrate(
        write(tmp_path, generations=1, population=2), out=out, executor="serial", progress=False, predictive_draws=2
    )
    assert _populations(out / "history.db") == 2  # nothing rerun: the posterior of the last generation done
    assert int(again["posterior"]["generation"].iloc[0]) == 1
    assert json.loads((out / "manifest.json").read_text())["generations_done"] == 2


def test_apply_writes_a_scenario_the_baseline_can_extend(tmp_path: Path) -> None:
    written = apply_point(
        {"labour_market.separation_per_month": 0.012, "mentoring.p_breakdown_per_month": 0.02}, "a store", tmp_path
    )
    spec = load_scenario(written)
    assert spec.labour_market.separation_per_month == 0.012
    assert spec.section("mentoring").p_breakdown_per_month == 0.02
    assert "do not edit" in written.read_text()


def test_the_calibration_document_is_written_from_the_store(tmp_path: Path) -> None:
    from throughflow.analysis.abc_report import ReportError
    from throughflow.analysis.abc_report import write as write_report
    from throughflow.documents import markers
    from throughflow.plots.calibration import marginals

    BEGIN, END = markers("ABC")
    out = tmp_path / "cal"
    decl = write(tmp_path, evidence=["friendship_mentoring_12m"])
    result = calibrate(decl, out=out, quick=True, executor="serial", progress=False, predictive_draws=3)
    marginals(result["posterior"], result["declaration"].parameters, out / "marginals")
    doc = tmp_path / "calibration.md"
    doc.write_text(f"# Calibration\n\nintro\n\n{BEGIN}\nthe previous run\n{END}\n\ncaveats\n", encoding="utf-8")
    body = write_report(out, doc)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Calibration\n\nintro") and text.endswith("caveats\n") and "the previous run" not in text
    point = json.loads((out / "point.json").read_text())
    for name, value in point.items():
        row = next(line for line in body.splitlines() if line.startswith(f"| `{name}`"))
        assert f"| {value:.3g} |" in row
    predictive = pd.read_csv(out / "predictive.csv")
    for target in predictive["target"]:
        assert f"| {target} |" in body
    evidence = predictive.set_index("target").loc["friendship_mentoring_12m"]
    assert f"{evidence['mean'] * 100:.1f}" in body  # evaluations in percentage points
    assert (tmp_path / "figures" / "calibration" / "marginals.png").is_file()
    assert "figures/calibration/predictive.png" in body
    with pytest.raises(ReportError, match="not a finished calibration"):
        write_report(tmp_path, doc)


def test_the_reported_wall_time_leaves_out_the_pauses_of_a_resumed_calibration(tmp_path: Path) -> None:
    from throughflow.analysis.abc_report import wall_time

    # two generations of 100 s and 200 s, run a day apart (a resumed calibration)
    generations = pd.DataFrame(
        {"population_end_time": ["2026-01-01 10:00:00", "2026-01-02 10:00:00"], "wall_time": [100.0, 200.0]}
    )
    assert wall_time(tmp_path, generations) == 300.0
    assert wall_time(tmp_path, generations.drop(columns="wall_time")) is None  # and no history to fall back on
