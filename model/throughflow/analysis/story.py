"""How often the worked story ends in an NEC job, over many seeds: with Juul (advocacy won or lost) and without.

The story's scenario (``juul_kamin``) is run for many seeds. With Juul, his advocacy at the
OCMW succeeds or fails by chance (``advocacy x openness``); without Juul (pillar 1 off) Kamin
takes the OCMW's offer. A second, paired comparison isolates the placement route: for each
seed the story is run twice, once with an advocacy certain to succeed and once certain to
fail, everything else equal (common random numbers), so the difference is what the better
placement itself does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from throughflow.model import ThroughflowModel
from throughflow.scenario import load_scenario

SCENARIO = "juul_kamin"

ADVOCACY_CASE = {
    True: "with Juul, advocacy succeeded",
    False: "with Juul, advocacy failed",
    None: "with Juul, no advocacy needed",
}


def _outcome(spec: Any, seed: int) -> tuple[bool, bool, bool | None]:
    model = ThroughflowModel(spec, seed=seed, record_events=False, collect=False).run()
    agent = model.story_agent
    if agent is None:
        raise ValueError(f"{spec.name}: the scenario has no story (story.enabled is false)")
    r = model.refugees
    return bool(r.first_nec[agent] != -1), bool(r.spell12[agent] != -1), model.story_advocacy


def _share(values: list[bool]) -> tuple[float, float]:
    """Share and its standard error."""
    n = len(values)
    if n == 0:
        return math.nan, math.nan
    p = float(np.mean(values))
    return p, math.sqrt(p * (1 - p) / n)


def story_frequencies(seeds: int = 100, **overrides: Any) -> pd.DataFrame:
    """How often Kamin reaches an NEC job (and a 12-month spell), by case, over ``seeds`` seeds.

    Args:
        seeds: Number of seeds (0 .. seeds - 1).
        **overrides: Dotted parameter overrides of the story's scenario (e.g. ``months``).

    Returns:
        case, seeds, reached_nec, reached_nec_se, sustained, sustained_se: for "with Juul" (all
        seeds), "with Juul, advocacy succeeded", "with Juul, advocacy failed", "with Juul, no
        advocacy needed" and "without Juul".
    """
    with_juul = load_scenario(SCENARIO, **overrides)
    without = load_scenario(SCENARIO, **{**overrides, "one_on_one.enabled": False})
    cases: dict[str, list[tuple[bool, bool]]] = {
        "with Juul": [],
        "with Juul, advocacy succeeded": [],
        "with Juul, advocacy failed": [],
        "with Juul, no advocacy needed": [],
        "without Juul": [],
    }
    for seed in range(seeds):
        nec, sustained, advocacy = _outcome(with_juul, seed)
        cases["with Juul"].append((nec, sustained))
        cases[ADVOCACY_CASE[advocacy]].append((nec, sustained))
        nec, sustained, _ = _outcome(without, seed)
        cases["without Juul"].append((nec, sustained))
    rows = []
    for case, values in cases.items():
        nec_p, nec_se = _share([v[0] for v in values])
        sus_p, sus_se = _share([v[1] for v in values])
        rows.append(
            {
                "case": case,
                "seeds": len(values),
                "reached_nec": nec_p,
                "reached_nec_se": nec_se,
                "sustained": sus_p,
                "sustained_se": sus_se,
            }
        )
    return pd.DataFrame(rows)


def placement_route(seeds: int = 100, **overrides: Any) -> dict[str, float]:
    """The paired effect of a won advocacy over a lost one, on the same seeds (the placement route).

    Args:
        seeds: Number of seeds.
        **overrides: Dotted parameter overrides of the story's scenario.

    Returns:
        ``reached_nec_won``, ``reached_nec_lost``, ``difference`` and its standard error ``se``
        (over the paired seeds), and the same for ``sustained_*``.
    """
    won = load_scenario(SCENARIO, **{**overrides, "story.mentor_advocacy": 1.0, "art60.ocmw_openness": 1.0})
    lost = load_scenario(SCENARIO, **{**overrides, "story.mentor_advocacy": 0.0})
    a = np.array([_outcome(won, s)[:2] for s in range(seeds)], dtype=float)
    b = np.array([_outcome(lost, s)[:2] for s in range(seeds)], dtype=float)
    d = a - b
    se = d.std(axis=0, ddof=1) / math.sqrt(seeds) if seeds > 1 else np.full(2, math.nan)
    return {
        "reached_nec_won": float(a[:, 0].mean()),
        "reached_nec_lost": float(b[:, 0].mean()),
        "difference": float(d[:, 0].mean()),
        "se": float(se[0]),
        "sustained_won": float(a[:, 1].mean()),
        "sustained_lost": float(b[:, 1].mean()),
        "sustained_difference": float(d[:, 1].mean()),
        "sustained_se": float(se[1]),
    }


def story_markdown(frequencies: pd.DataFrame, route: dict[str, float], seeds: int) -> str:
    """The story's outcomes over many seeds as a Markdown table, with the paired placement route.

    Args:
        frequencies: :func:`story_frequencies`.
        route: :func:`placement_route` on the same number of seeds.
        seeds: Number of seeds of both.

    Returns:
        A table (case, seeds, reached NEC, in a 12-month NEC spell, each ± standard error) and a
        sentence on the paired effect of a won over a lost advocacy.
    """

    def cell(p: float, se: float) -> str:
        return "—" if not math.isfinite(p) else f"{100 * p:.0f} % (± {100 * se:.0f})"

    lines = [
        f"_Scenario `{SCENARIO}`, {seeds} seeds (0-{seeds - 1}); with Juul the advocacy succeeds or fails by chance; "
        "without Juul pillar 1 is off and Kamin takes the OCMW's offer. ± one standard error._",
        "",
        "| case | seeds | Kamin reaches an NEC job | and holds it 12 months |",
        "|---|---:|---:|---:|",
    ]
    for row in frequencies.to_dict("records"):
        if int(row["seeds"]) == 0:
            continue
        nec = cell(float(row["reached_nec"]), float(row["reached_nec_se"]))
        lines.append(
            f"| {row['case']} | {int(row['seeds'])} | {nec} | {cell(float(row['sustained']), float(row['sustained_se']))} |"
        )
    lines += [
        "",
        f"Placement route, paired on the same {seeds} seeds (everything else equal): with the advocacy certain to "
        f"succeed Kamin reaches an NEC job in {100 * route['reached_nec_won']:.0f} % of the runs, with it certain to "
        f"fail in {100 * route['reached_nec_lost']:.0f} %: {100 * route['difference']:+.0f} percentage points "
        f"(± {100 * route['se']:.0f}); for a 12-month NEC spell {100 * route['sustained_difference']:+.0f} points "
        f"(± {100 * route['sustained_se']:.0f}).",
    ]
    return "\n".join(lines)
