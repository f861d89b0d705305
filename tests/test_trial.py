"""Evaluation-style virtual trials: random assignment inside a run, ITT effects, arms by switches."""

from __future__ import annotations

import numpy as np
import pytest

from support import cached_run
from throughflow import ScenarioError, load_scenario, run
from throughflow.analysis.trial import TrialError, trial_sweep, trial_table
from throughflow.cli import main
from throughflow.enums import Status
from throughflow.population import NO

SIZE = {"population.scale": 0.5, "months": 84}


def test_assignment_is_random_and_only_the_offered_are_enrolled() -> None:
    result = cached_run("trials/programme", 1, size=SIZE)
    r = result.model.refugees  # type: ignore[union-attr]
    arm = r.column("trial_arm")
    randomised = arm != NO
    assert randomised.sum() > 100
    assert abs((arm[randomised] == 1).mean() - 0.5) < 0.1
    month = r.column("trial_month")[randomised]
    assert month.min() >= 12 and month.max() <= 72
    enrolled = r.column("ever_enrolled")
    assert not enrolled[arm == 0].any()  # the control group is never offered
    assert not enrolled[~randomised].any()  # nobody outside the trial is
    take_up = enrolled[arm == 1].mean()
    assert 0.6 < take_up < 0.95  # most accept the offer
    assert result.indicators["trial_take_up"]["all"] == pytest.approx(take_up)
    # randomised at the end of their contract, on their way to benefit
    assert (r.column("ended")[randomised] == r.column("trial_month")[randomised]).all()


def test_the_itt_effect_is_offered_minus_control() -> None:
    result = cached_run("trials/programme", 1, size=SIZE)
    r = result.model.refugees  # type: ignore[union-attr]
    arm, status = r.column("trial_arm"), r.column("trial_status_12m")
    done = (arm != NO) & (status != NO)
    nec = status == Status.NEC
    expected = nec[done & (arm == 1)].mean() - nec[done & (arm == 0)].mean()
    assert result.indicators["trial_itt_nec_12m"]["all"] == pytest.approx(expected)


def test_without_a_trial_the_trial_indicators_are_nan() -> None:
    values = cached_run("mentoring", 0).indicators["trial_itt_nec_12m"]
    assert all(np.isnan(v) for v in values.values())


def test_a_trial_needs_the_matching_timing() -> None:
    with pytest.raises(ScenarioError, match=r"mentoring\.timing: after_contract"):
        load_scenario("trials/programme", **{"mentoring.timing": "placement"})


def test_a_trial_sweep_needs_arms_that_randomise() -> None:
    with pytest.raises(TrialError, match=r"mentoring\.trial\.enabled is false"):
        trial_sweep([load_scenario("mentoring")], 2, 0)


def test_trial_table_gives_itt_and_tot_with_intervals(tmp_path: object) -> None:
    arms = [load_scenario(a, **SIZE) for a in ("trials/job_search", "trials/friendship")]
    rows = []
    for replicate, seed in enumerate((11, 12, 13)):
        for arm in arms:
            res = run(arm, seed=seed, paired_baseline=False, record_events=False, timeseries=False)
            row = {"status": "ok", "factor:arm": arm.name, "replicate": replicate}
            row.update(
                {f"{k}.{g}": v for k, groups in res.indicators.items() for g, v in groups.items() if k.startswith("trial")}
            )
            rows.append(row)
    import pandas as pd

    table = trial_table(pd.DataFrame(rows))
    one = table[(table["arm"] == "trial_job_search") & (table["group"] == "all") & (table["measure"] == "nec")]
    assert list(one["months"]) == [6, 12, 24]
    assert (one["itt_ci_low"] <= one["itt"]).all() and (one["itt"] <= one["itt_ci_high"]).all()
    assert np.allclose(one["tot"], one["itt"] / one["take_up"], atol=0.05)


@pytest.mark.slow
def test_job_search_help_acts_later_than_six_months_and_friendship_not_at_all(tmp_path: object) -> None:
    """As the evaluations: job-search help has no effect at 6 months but one at 12; friendship-only none."""
    code = main(
        ["trial", "trials/job_search", "trials/friendship", "-R", "12", "--out", str(tmp_path), "--executor", "processes"]
    )
    assert code == 0
    import pandas as pd

    table = pd.read_csv(f"{tmp_path}/trial.csv")
    nec = table[(table["group"] == "all") & (table["measure"] == "nec")].set_index(["arm", "months"])
    assert nec.loc[("trial_job_search", 6), "itt"] < nec.loc[("trial_job_search", 12), "itt"] - 0.02
    assert nec.loc[("trial_friendship", 12), "itt_ci_low"] <= 0.0 or nec.loc[("trial_friendship", 12), "itt"] < 0.03
