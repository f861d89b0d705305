"""What the explorer computes: paired runs of the workshop's settings over a few seeds, and the trace.

Everything here is plain Python (no Solara), so it is tested without a browser. A setting of
the page becomes a scenario (:meth:`Settings.scenario_of`); :meth:`Runner.paired` runs it and its
paired baseline (same seeds, every pillar off) in a reduced world and returns a run table in
the format of the results stores, so the same summaries apply (``summarize_runs``,
``curve_bands``). Runs are cached: going back to a setting already seen is instant.
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.summary import summarize_runs
from throughflow.experiments.executors import process_pool, release_pool
from throughflow.experiments.run import baseline_of, run
from throughflow.keywords import apply as apply_params
from throughflow.model import ThroughflowModel
from throughflow.outcomes import GROUPS, run_columns
from throughflow.parameters import ScenarioBase
from throughflow.processes import PILLARS
from throughflow.scenario import SHIPPED_DIR, load_scenario, validate
from throughflow.trace import default_agent, narrate

ARM = "arm"
BASELINE, PROGRAMME = "without programme", "with programme"

SCALE = float(os.environ.get("THROUGHFLOW_APP_SCALE", "0.3"))
"""Population scale of the explorer's runs (1 = the default city-region): fast enough for a workshop (``--scale``)."""

MONTHS = int(os.environ.get("THROUGHFLOW_APP_MONTHS", "120"))
"""Horizon of the explorer's runs (``--months``)."""

SEEDS = int(os.environ.get("THROUGHFLOW_APP_SEEDS", "3"))
"""Seeds per setting when the page opens (``--seeds``)."""

SEED_ROOT = 20261126
"""Seeds of the explorer's runs: replicate k uses the k-th seed spawned from this root, in every setting."""

PILLAR_LABELS = {
    "one_on_one": "Pillar 1: one-on-one volunteer mentoring",
    "organisation": "Pillar 2: mentoring organisation",
    "labs": "Pillar 3: learning labs and employer support",
}


def shipped() -> list[str]:
    """Names of the shipped scenarios."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


@dataclass(frozen=True)
class Settings:
    """What the page's controls set.

    Attributes:
        scenario: A shipped scenario.
        share_low: Share of LOW-qualified refugees (MEDIUM and HIGH share the rest in their proportions).
        capacity: Places of the mentoring organisation, pairs per 1,000 arrivals a year.
        mentors: Volunteer mentors at the start, per 1,000 arrivals a year.
        pillars: Whether each pillar is on (``one_on_one``, ``organisation``, ``labs``).
        other_applicants: Other job seekers per vacancy and month (fewer: a tighter labour market).
        seeds: Replications (seeds shared by both arms).
        scale: Population scale.
        months: Horizon.
    """

    scenario: str = "mentoring"
    share_low: float = 2 / 3
    capacity: float = 220.0
    mentors: float = 170.0
    pillars: tuple[tuple[str, bool], ...] = (("one_on_one", True), ("organisation", True), ("labs", True))
    other_applicants: float = 2.5
    seeds: int = SEEDS
    scale: float = SCALE
    months: int = MONTHS

    @classmethod
    def of(cls, scenario: str) -> Settings:
        """The settings that reproduce a shipped scenario at the explorer's size."""
        spec = load_scenario(scenario)
        return cls(
            scenario=scenario,
            share_low=float(spec.population.share_low),
            capacity=float(spec.section("organisation").capacity_per_1000),
            mentors=float(spec.section("one_on_one").mentors_per_1000),
            pillars=tuple((p, bool(spec.section(p).enabled)) for p in PILLARS),
            other_applicants=float(spec.labour_market.other_applicants),
        )

    def values(self) -> dict[str, Any]:
        """The parameters the settings change, by dotted name."""
        return {
            "population.scale": self.scale,
            "months": self.months,
            "population.share_low": self.share_low,
            "organisation.capacity_per_1000": self.capacity,
            "one_on_one.mentors_per_1000": self.mentors,
            "labour_market.other_applicants": self.other_applicants,
            **{f"{pillar}.enabled": on for pillar, on in self.pillars},
        }

    def scenario_of(self, name: str | None = None) -> ScenarioBase:
        """The scenario (``name``: another shipped scenario) with these settings (validated)."""
        return apply_params(load_scenario(name or self.scenario), self.values())


def seeds(n: int) -> list[int]:
    """The first ``n`` seeds of the explorer (the same in every setting: common random numbers)."""
    children = np.random.SeedSequence(SEED_ROOT).spawn(max(1, n))
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def one_run(scenario: dict[str, Any], seed: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """One run: its row (indicators and totals, as in a store) and its monthly NEC stock and cumulative cost."""
    result = run(validate(scenario), seed=seed, paired_baseline=False, record_events=False)
    row: dict[str, Any] = {"seed": seed, "status": "ok", **run_columns(result.indicators)}
    row.update({f"{k}.{g}": v for k, groups in result.totals.items() for g, v in groups.items()})
    ts = result.timeseries
    ts = ts[ts["qualification"] == "all"]
    cost = ts[[c for c in ts.columns if c.startswith("cost_") and c.endswith("_eur")]].sum(axis=1)
    monthly = pd.DataFrame(
        {"month": ts["month"].to_numpy(), "nec": ts["stock_nec"].to_numpy(), "cost_eur": cost.cumsum().to_numpy()}
    )
    return row, monthly


@dataclass
class Paired:
    """The paired runs of one setting.

    Attributes:
        runs: One row per run (``arm``, ``replicate``, ``seed``, indicators), as in a store.
        monthly: Month, arm, replicate, NEC stock and cumulative public cost.
        settings: The settings.
    """

    runs: pd.DataFrame
    monthly: pd.DataFrame
    settings: Settings
    notes: list[str] = field(default_factory=list)

    def effects(self, indicator: str = "throughflow_12m") -> pd.DataFrame:
        """Paired effect of the programme by group: diff, 95 % interval, means of both arms."""
        summary = summarize_runs(self.runs, ARM, BASELINE)
        rows = summary[(summary["indicator"] == indicator) & (summary[f"factor:{ARM}"] == PROGRAMME)]
        return rows.set_index("group").reindex(list(GROUPS))[["reference_mean", "mean", "diff", "diff_ci_low", "diff_ci_high"]]

    def cost_at(self, month: int) -> dict[str, float]:
        """Extra public cost and extra people in an NEC job at ``month`` (programme minus baseline, mean over seeds)."""
        m = self.monthly[self.monthly["month"] == month]
        wide = m.pivot_table(index="replicate", columns=ARM, values=["cost_eur", "nec"])
        extra_cost = (wide["cost_eur"][PROGRAMME] - wide["cost_eur"][BASELINE]).to_numpy(dtype=float)
        extra_nec = (wide["nec"][PROGRAMME] - wide["nec"][BASELINE]).to_numpy(dtype=float)
        cost, nec = float(extra_cost.mean()), float(extra_nec.mean())
        return {
            "month": month,
            "extra_cost_eur": cost,
            "extra_in_nec": nec,
            "cost_per_extra_in_nec": cost / nec if nec > 0 else math.nan,
        }


class Runner:
    """Runs settings on a small process pool, with a cache of finished settings.

    Args:
        workers: Worker processes (default: up to 2).
        cache_size: Settings kept.
    """

    def __init__(self, workers: int | None = None, cache_size: int = 32) -> None:
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.cache: OrderedDict[tuple[Any, ...], Paired] = OrderedDict()
        self.cache_size = cache_size
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.RLock()
        self._running: dict[tuple[Any, ...], threading.Event] = {}

    def pool(self) -> ProcessPoolExecutor:
        """The process pool (started on first use), as the sweeps': its workers end with the server.

        A server stopped with Ctrl-C or SIGTERM (or killed) leaves no worker process behind.
        """
        with self._lock:
            if self._pool is None:
                self._pool = process_pool(self.workers)
            return self._pool

    def warm_up(self) -> None:
        """Start the workers and import the model in them (the first update is then as fast as the others)."""
        for future in [self.pool().submit(_ping) for _ in range(self.workers)]:
            future.result()

    def paired(self, settings: Settings) -> Paired:
        """The paired runs of ``settings`` (from the cache when seen before).

        Raises:
            ScenarioError: If the settings make an invalid scenario.
        """
        key = tuple(sorted(asdict(settings).items()))
        with self._lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
            running = self._running.get(key)
            first = running is None
            if first:
                running = self._running[key] = threading.Event()
        if not first:  # another visitor (or the start-up) runs the same setting: wait for it
            assert running is not None
            running.wait()
            return self.paired(settings)
        try:
            return self._run(settings, key)
        finally:
            with self._lock:
                self._running.pop(key).set()

    def _run(self, settings: Settings, key: tuple[Any, ...]) -> Paired:
        programme = settings.scenario_of()
        arms = ((BASELINE, baseline_of(programme)), (PROGRAMME, programme))
        jobs = [
            (label, k, seed, self.pool().submit(one_run, spec.model_dump(), seed))
            for label, spec in arms
            for k, seed in enumerate(seeds(settings.seeds))
        ]
        rows, monthly = [], []
        for label, k, seed, future in jobs:
            row, series = future.result()
            rows.append(
                {"run_id": f"{label}-{k}", "point": int(label == PROGRAMME), "replicate": k, f"factor:{ARM}": label, **row}
            )
            series[ARM], series["replicate"], series["seed"] = label, k, seed
            monthly.append(series)
        paired = Paired(pd.DataFrame(rows), pd.concat(monthly, ignore_index=True), settings)
        with self._lock:
            self.cache[key] = paired
            if len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)
        return paired

    def close(self) -> None:
        """Stop the workers."""
        with self._lock:
            if self._pool is not None:
                release_pool(self._pool, wait=False)
                self._pool = None


def _ping() -> bool:
    return True


def _story_lines(scenario: dict[str, Any], seed: int, months: int) -> list[str]:
    model = ThroughflowModel(validate(scenario), seed=seed, months=months).run()
    return narrate(model, default_agent(model))


def story(settings: Settings, seed: int, runner: Runner | None = None) -> dict[str, list[str]]:
    """The Juul & Kamin story under the settings, with the programme as set and without it (same seed).

    Args:
        settings: The page's settings (its scenario is replaced by ``juul_kamin``, whose small world is kept;
            the horizon is the settings').
        seed: Root seed of both runs.
        runner: Runs both stories side by side on its workers (default: one after the other, here).

    Returns:
        ``{"with programme": lines, "without programme": lines}``.
    """
    values = {k: v for k, v in settings.values().items() if k != "population.scale"}
    spec = apply_params(load_scenario("juul_kamin"), values)
    arms = ((PROGRAMME, spec), (BASELINE, baseline_of(spec)))
    if runner is None:
        return {label: _story_lines(s.model_dump(), seed, settings.months) for label, s in arms}
    futures = {label: runner.pool().submit(_story_lines, s.model_dump(), seed, settings.months) for label, s in arms}
    return {label: future.result() for label, future in futures.items()}
