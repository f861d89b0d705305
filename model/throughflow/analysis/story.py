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
    model = ThroughflowModel(spec, seed=seed, record_events=False).run()
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
