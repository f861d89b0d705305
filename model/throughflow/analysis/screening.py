"""From Morris screening to Sobol indices: keep the few parameters that matter.

Morris screening is cheap per parameter, so it runs over every declared uncertainty; Sobol
indices need many more runs per parameter, so they are computed on the parameters that the
screening found most influential only, with the ranges the screening used.

Influence across several outcomes is compared on one scale: for each outcome, a parameter's
mu* is divided by the largest mu* of that outcome, and a parameter's score is its largest
relative mu* over the outcomes. A parameter that leads on any outcome is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from throughflow.analysis.problem import Declaration


def ranking(indices: pd.DataFrame, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Parameters ordered by their largest relative mu* over the outcomes.

    Args:
        indices: Morris indices (``outcome``, ``name``, ``mu_star``, ...), as returned by
            :func:`throughflow.analysis.sensitivity.sensitivity` or read from ``indices.csv``.
        outcomes: Outcomes to consider (default: all in the table).

    Returns:
        One row per parameter: ``name``, ``score`` (largest mu* / max mu* of its outcome,
        in [0, 1]), ``outcome`` (where that largest value was reached) and ``mu_star`` there;
        most influential first, ties broken by name.
    """
    if "mu_star" not in indices.columns:
        raise ValueError("ranking needs Morris indices (a mu_star column)")
    table = indices if outcomes is None else indices[indices["outcome"].isin(list(outcomes))]
    if table.empty:
        raise ValueError(f"no Morris indices for outcomes {list(outcomes or [])}")
    top = table.groupby("outcome")["mu_star"].transform("max")
    relative = (table["mu_star"] / top.where(top > 0)).fillna(0.0)
    scored = table.assign(score=relative)
    best = scored.sort_values(["score", "name"], ascending=[False, True]).drop_duplicates("name")
    return best[["name", "score", "outcome", "mu_star"]].reset_index(drop=True)


def top_parameters(indices: pd.DataFrame, k: int, outcomes: Sequence[str] | None = None) -> list[str]:
    """The ``k`` most influential parameters by Morris mu* (see :func:`ranking`)."""
    if k < 1:
        raise ValueError(f"k must be >= 1 (got {k})")
    return ranking(indices, outcomes)["name"].head(k).tolist()


def sobol_follow_up(
    spec: dict[str, Any],
    screening: Declaration,
    indices: pd.DataFrame,
    k: int,
    n: int,
    outcomes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A Sobol declaration (as a mapping) on the ``k`` parameters that the screening ranked highest.

    Args:
        spec: The screening declaration as a mapping (outcomes, scenarios, seeds are kept).
        screening: The validated screening declaration (its ranges are reused).
        indices: Morris indices of the screening.
        k: Number of parameters kept.
        n: Sobol base samples (a power of two).
        outcomes: Outcomes that decide the ranking (default: all).

    Returns:
        A mapping for :func:`throughflow.analysis.problem.declaration_from_mapping`, with
        ``method: sobol``, ``n``, ``groups: none`` and ``parameters`` mapping each kept name
        to its screening range.
    """
    ranges = dict(zip(screening.names, screening.bounds, strict=True))
    names = top_parameters(indices, k, outcomes)
    missing = [name for name in names if name not in ranges]
    if missing:
        raise ValueError(f"parameters {missing} are not in the screening declaration")
    follow = dict(spec)
    follow.update(
        name=f"{screening.name}_top{len(names)}",
        method="sobol",
        n=n,
        groups="none",
        parameters={name: [float(ranges[name][0]), float(ranges[name][1])] for name in names},
    )
    return follow
