"""Model against evidence, and the programme's effect over ten years, for ``docs/validation.md``.

``python -m throughflow.plots.validation --seeds 20 --write docs/validation.md`` runs the
shipped (calibrated) scenarios on common seeds and replaces two generated parts of the
document:

* ``EVIDENCE``: every published figure with a model quantity — the calibration targets and the
  randomised evaluations — beside the model's mean and 95 % interval over seeds, whether it
  lies in the published range, and whether the calibration fitted it (the shipped declaration
  ``scenarios/calibration/baseline.yaml``) or it is an out-of-sample check;
* ``EFFECT``: the paired effect of the full programme on the share in work and in NEC work by
  months since arrival, 0-120 (scenario ``longrun`` with and without the three pillars), at
  selected months and as a figure.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.abc import load_declaration
from throughflow.analysis.calibration import evidence, t_quantile, targets
from throughflow.experiments.executors import pooled
from throughflow.experiments.run import run
from throughflow.outcomes import LONG_RUN_MONTHS
from throughflow.scenario import SHIPPED_DIR, load_scenario, with_values

DECLARATION = SHIPPED_DIR / "calibration" / "baseline.yaml"
EFFECT_MONTHS = (6, 12, 24, 36, 60, 84, 120)
"""Months since arrival shown in the effect table."""

PATTERNS = {"nonnative_employed_6m": 6, "nonnative_employed_12m": 12, "nonnative_employed_24m": 24}
"""Published job-finding figures of a related population, compared with the share in work k months after arrival."""


def _mean_ci(values: np.ndarray) -> tuple[float, float, float, int]:
    values = values[np.isfinite(values)]
    n = int(values.size)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(values.mean())
    half = t_quantile(n - 1) * float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return mean, mean - half, mean + half, n


def _indicators(args: tuple[str, int]) -> dict[str, Any]:
    scenario, seed = args
    return run(scenario, seed=seed, paired_baseline=False, record_events=False, timeseries=False).indicators


def _runs(scenarios: list[str], n_seeds: int, workers: int | None) -> dict[str, list[dict[str, Any]]]:
    jobs = [(s, seed) for s in scenarios for seed in range(n_seeds)]
    with pooled(workers) as pool:
        results = list(pool.map(_indicators, jobs))
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in scenarios}
    for (s, _), result in zip(jobs, results, strict=True):
        out[s].append(result)
    return out


def evidence_table(n_seeds: int = 20, workers: int | None = None) -> pd.DataFrame:
    """Every published figure with a model quantity beside the model's mean over ``n_seeds`` seeds."""
    declaration = load_declaration(DECLARATION)
    fitted = {t.id for t in declaration.targets}
    rows: list[dict[str, Any]] = []
    for t in targets().to_dict("records"):
        if isinstance(t["model_indicator"], str):
            rows.append(
                {
                    "id": t["id"],
                    "kind": "target",
                    "scenario": t["scenario"],
                    "indicator": t["model_indicator"],
                    "group": "all",
                    "value": t["value"],
                    "low": t["low"],
                    "high": t["high"],
                    "index": None,
                }
            )
        elif t["id"] in PATTERNS:
            rows.append(
                {
                    "id": t["id"],
                    "kind": "pattern",
                    "scenario": "longrun",
                    "indicator": "employment_since_arrival",
                    "group": "all",
                    "value": t["value"],
                    "low": t["low"],
                    "high": t["high"],
                    "index": PATTERNS[t["id"]],
                }
            )
    for e in evidence().to_dict("records"):
        rows.append({"id": e["id"], "kind": "evidence", "scenario": e["scenario"], "indicator": e["model_indicator"],
                     "group": "all", "value": e["effect_pp"] / 100, "low": e["low_pp"] / 100, "high": e["high_pp"] / 100,
                     "index": None})  # fmt: skip
    runs = _runs(sorted({r["scenario"] for r in rows}), n_seeds, workers)
    for r in rows:
        values = [ind[r["indicator"]][r["group"]] for ind in runs[r["scenario"]]]
        if r["index"] is not None:
            values = [v[r["index"]] for v in values]
        mean, low, high, n = _mean_ci(np.asarray(values, dtype=float))
        r |= {"model_mean": mean, "ci_low": low, "ci_high": high, "n_seeds": n,
              "within": bool(r["low"] <= mean <= r["high"]), "fitted": r["id"] in fitted}  # fmt: skip
    return pd.DataFrame(rows).drop(columns="index")


def effect_curve(n_seeds: int = 20, workers: int | None = None) -> pd.DataFrame:
    """Paired effect of the full programme by months since arrival (``longrun`` with and without the pillars).

    Returns:
        month, measure (``any job`` or ``NEC``), baseline, programme, effect, ci_low, ci_high, n.
    """
    base = load_scenario("longrun")
    programme = with_values(base, {"one_on_one.enabled": True, "organisation.enabled": True, "labs.enabled": True})
    jobs = [(spec, seed) for spec in (base, programme) for seed in range(n_seeds)]
    with pooled(workers) as pool:
        results = list(pool.map(_curves, jobs))
    rows = []
    for measure, key in (("any job", "employment_since_arrival"), ("NEC", "employment_rate_by_month")):
        without = np.array([r[key] for r in results[:n_seeds]], dtype=float)
        with_ = np.array([r[key] for r in results[n_seeds:]], dtype=float)
        for month in range(LONG_RUN_MONTHS + 1):
            effect, low, high, n = _mean_ci(with_[:, month] - without[:, month])
            rows.append({"month": month, "measure": measure, "baseline": float(np.nanmean(without[:, month])),
                         "programme": float(np.nanmean(with_[:, month])), "effect": effect, "ci_low": low,
                         "ci_high": high, "n": n})  # fmt: skip
    return pd.DataFrame(rows)


def _curves(args: tuple[Any, int]) -> dict[str, list[float]]:
    spec, seed = args
    ind = run(spec, seed=seed, paired_baseline=False, record_events=False, timeseries=False).indicators
    return {k: list(ind[k]["all"]) for k in ("employment_since_arrival", "employment_rate_by_month")}


def _pct(x: float) -> str:
    return f"{x * 100:.1f}" if math.isfinite(x) else "n/a"


def evidence_markdown(table: pd.DataFrame, n_seeds: int) -> str:
    """The evidence table as Markdown (shares in %, effects in percentage points)."""
    lines = [
        f"_{n_seeds} seeds per scenario (seeds 0-{n_seeds - 1}), shipped calibrated scenarios, default scale._",
        "",
        "| figure | kind | published (range) | model mean (95 % interval) | within | fitted | scenario / indicator |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in table.to_dict("records"):
        unit = " pp" if r["kind"] == "evidence" else " %"
        lines.append(
            f"| {r['id']} | {r['kind']} | {_pct(r['value'])}{unit} ({_pct(r['low'])}-{_pct(r['high'])}) | "
            f"{_pct(r['model_mean'])}{unit} ({_pct(r['ci_low'])} to {_pct(r['ci_high'])}) | {'yes' if r['within'] else 'NO'} | "
            f"{'yes' if r['fitted'] else 'no: out of sample'} | {r['scenario']} / `{r['indicator']}` |"
        )
    return "\n".join(lines)


def effect_markdown(curve: pd.DataFrame, n_seeds: int, figure: str) -> str:
    """The effect table at :data:`EFFECT_MONTHS` as Markdown, with the figure."""
    lines = [
        f"_{n_seeds} paired seeds of scenario `longrun` (228 months: every arrival followed 120 months) without and "
        "with all three pillars; shares of the refugees observed k months after arrival._",
        "",
        "| months since arrival | in any job: baseline % | effect (pp, 95 % interval) "
        "| in NEC: baseline % | effect (pp, 95 % interval) |",
        "|---|---|---|---|---|",
    ]
    wide = {str(m): sub.set_index("month").to_dict("index") for m, sub in curve.groupby("measure")}
    for month in EFFECT_MONTHS:
        a, n = wide["any job"][month], wide["NEC"][month]
        lines.append(
            f"| {month} | {_pct(a['baseline'])} | {a['effect'] * 100:+.1f} ({_pct(a['ci_low'])} to {_pct(a['ci_high'])}) | "
            f"{_pct(n['baseline'])} | {n['effect'] * 100:+.1f} ({_pct(n['ci_low'])} to {_pct(n['ci_high'])}) |"
        )
    lines += ["", f"![Effect of the programme by months since arrival]({figure})"]
    return "\n".join(lines)
