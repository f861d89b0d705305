"""The brief with a posterior comparison: two intervals, costs by horizon, break-even, displacement, activities.

A tiny comparison (scale 0.2, 72 months so that a cohort is followed for 5 years) is run with
a synthetic calibration posterior; its numbers are recomputed from the stored runs.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from brief_recompute import recompute
from brief_support import FIXTURES, mean_ci, runs_of, section, tiny, tiny_sweep
from test_posterior import write_posterior
from throughflow.analysis.comparison import compare
from throughflow.brief import write_brief
from throughflow.briefing.estimate import Estimate
from throughflow.briefing.horizons import break_even
from throughflow.briefing.i18n import Lang
from throughflow.briefing.numbers import fmt
from throughflow.experiments.sweep import run_sweep

R = 4
MONTHS = 72


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("brief_posterior")
    out = root / "compare"
    posterior = write_posterior(root / "calibration")
    compare(
        tiny("baseline"),
        tiny("mentoring"),
        R,
        seed=3,
        out=out,
        executor="serial",
        months=MONTHS,
        progress=False,
        posterior=posterior,
    )
    return out


@pytest.fixture(scope="module")
def brief(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief_posterior_out")
    write_brief([store], out, story=False)
    return out


def _numbers(folder: Path) -> dict[str, dict]:
    return {n["key"]: n for n in json.loads((folder / "brief_numbers.json").read_text(encoding="utf-8"))["numbers"]}


def _check(n: dict) -> None:
    if n["key"].startswith("bottom."):
        return  # counts of results, checked in test_brief
    expected = recompute(n["source"], n["key"])
    if expected is None or not math.isfinite(expected):
        assert n["value"] is None, n["key"]
        return
    assert n["value"] == pytest.approx(expected, rel=1e-9, abs=1e-9), n["key"]
    assert n["text"] == fmt(expected, n["format"]), n["key"]


def test_both_intervals_are_printed_traced_and_used_by_the_headline(brief: Path) -> None:
    md = (brief / "brief.md").read_text(encoding="utf-8")
    numbers = _numbers(brief)
    for n in numbers.values():
        assert n["text"] in md, n["key"]
        _check(n)
    key = "effect.sustainable_nec.all"
    low, high = numbers[f"{key}.band_low"], numbers[f"{key}.band_high"]
    assert numbers[f"{key}.ci_low"]["text"] in md
    findings = section(md, "Key findings")
    assert "simulation noise only" in findings and "including uncertainty about the model's parameters" in findings
    band = f"{low['text']} to {high['text']} including uncertainty about the model's parameters"
    assert band in findings
    bottom = md.split("## Key findings")[0]
    assert band in bottom, "the bottom line does not use the parameter band"
    assert "--posterior" not in findings
    assert "5–95 % band" in findings.split("| Outcome")[1].splitlines()[0]


def test_costs_by_horizon_lead_with_five_years_and_match_the_runs(brief: Path, store: Path) -> None:
    md = (brief / "brief.md").read_text(encoding="utf-8")
    costs = section(md, "Costs by years after arrival")
    assert costs.startswith("\n**Five years after arrival**") or "**Five years after arrival**" in costs.split("\n\n")[1]
    assert "discounted to arrival at 3.0 % a year" in costs
    numbers = _numbers(brief)
    runs = runs_of(store)
    a = runs[runs["factor:scenario"] == "mentoring"].set_index("replicate")
    b = runs[runs["factor:scenario"] == "baseline"].set_index("replicate")
    for h in (24, 36, 60):
        dc = (a[f"cost_eur_{h}m.all"] - b[f"cost_eur_{h}m.all"]).mean()
        dt = (a[f"sustainable_{h}m.all"] - b[f"sustainable_{h}m.all"]).mean()
        assert numbers[f"cost.h{h}.extra_cost_eur"]["value"] == pytest.approx(dc)
        assert numbers[f"cost.h{h}.extra_transitions"]["value"] == pytest.approx(dt)
        per = ((a[f"cost_eur_{h}m.all"] - b[f"cost_eur_{h}m.all"]) / b[f"cohort_{h}m.all"]).to_numpy()
        assert numbers[f"cost.per_refugee.h{h}"]["value"] == pytest.approx(mean_ci(per)[0])
    assert "cost.h120.extra_cost_eur" not in numbers  # no cohort followed for 10 years in 72 months
    assert "Per extra employed person-year" in costs and "5–95 % band" in costs
    assert (brief / "figures" / "break_even.png").is_file() and (brief / "figures" / "break_even.svg").is_file()
    assert "**Break-even.**" in costs
    assert "co-design does" in costs


def _points(values: list[tuple[int, float]]) -> list[tuple[int, Estimate]]:
    return [(h, Estimate(v, {"seeds": (v - 50, v + 50)})) for h, v in values]


def test_break_even_sentence_when_it_breaks_even_and_when_it_does_not() -> None:
    found = break_even(_points([(24, 400.0), (36, 200.0), (60, -200.0), (120, -900.0)]))
    assert found["kind"] == "between" and found["years"] == pytest.approx((36 + 24 * 0.5) / 12)
    assert break_even(_points([(24, -10.0), (36, -20.0)]))["kind"] == "within_first"
    never = break_even(_points([(24, 900.0), (36, 800.0), (60, 300.0), (120, 20.0)]))
    assert never["kind"] == "not_within" and never["last"] == 120
    short = break_even(_points([(24, 900.0), (36, 800.0)]))
    assert short["kind"] == "not_within" and short["last"] == 36
    for lang in ("en", "nl"):
        t = Lang(lang)
        assert "4" in t.t("costs.break_even.between", years="4.0")
        assert "10" in t.t("costs.break_even.not_within_ten", last="10", value="€20")
        assert "3" in t.t("costs.break_even.not_within_runs", last="3", value="€800")


def test_displacement_caveat_matches_the_runs(brief: Path, store: Path) -> None:
    md = (brief / "brief.md").read_text(encoding="utf-8")
    numbers = _numbers(brief)
    runs = runs_of(store)
    values = 10 * runs[runs["factor:scenario"] == "mentoring"]["displacement_share.all"].to_numpy(dtype=float)
    m, lo, _hi, _ = mean_ci(values)
    assert numbers["displacement.per10"]["value"] == pytest.approx(m)
    assert numbers["displacement.per10.ci_low"]["value"] == pytest.approx(lo)
    caveats = section(md, "Assumptions and caveats")
    assert f"about **{fmt(m, 'num1')}** jobs were lost" in caveats
    draws = runs_of(store / "posterior")
    band = np.percentile(10 * draws[draws["factor:scenario"] == "mentoring"]["displacement_share.all"].dropna(), (5, 95))
    assert numbers["displacement.per10.band_high"]["value"] == pytest.approx(band[1])


def test_without_a_posterior_the_brief_names_the_command(store: Path, tmp_path: Path) -> None:
    plain = tmp_path / "compare"
    shutil.copytree(store, plain, ignore=shutil.ignore_patterns("posterior"))
    out = tmp_path / "brief"
    write_brief([plain], out, story=False, lang="nl")
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "throughflow compare baseline mentoring --posterior docs/calibration/baseline" in md
    assert not any(k.endswith("band_low") for k in _numbers(out))


def test_activities_alone_and_added_last_with_their_costs(tmp_path: Path) -> None:
    spec = yaml.safe_load((FIXTURES / "ablation.yaml").read_text(encoding="utf-8"))
    shipped = yaml.safe_load((FIXTURES.parent.parent / "model/throughflow/scenarios/sweeps/ablation.yaml").read_text("utf-8"))
    keep = ("baseline", "mentoring", "baseline_plus_co_design", "without_co_design")
    spec["factors"]["scenario"]["levels"] = {k: shipped["factors"]["scenario"]["levels"][k] for k in keep}
    spec["outputs"] = {"timeseries": False}
    path = tmp_path / "ablation.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    sweep = tiny_sweep(path, replications=2)  # 48 months, scale 0.2
    run_sweep(sweep, out=tmp_path / "ablation", executor="serial", progress=False)
    write_brief([tmp_path / "ablation"], tmp_path / "brief", story=False)
    md = (tmp_path / "brief" / "brief.md").read_text(encoding="utf-8")
    pillars = section(md, "Contribution of each pillar")
    row = next(line for line in pillars.splitlines() if line.startswith("| Co-design trajectories"))
    assert row.count("(") >= 4 and "per WISE-month" in row
    assert "co-design does" in pillars
    numbers = _numbers(tmp_path / "brief")
    for key in (
        "activity.throughflow_12m.co_design.alone.diff",
        "activity.cost.co_design.added_last",
        "activity.price.co_design",
    ):
        _check(numbers[key])
