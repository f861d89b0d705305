"""Parameter uncertainty in experiments: one parameter set from a calibration posterior per replication.

A calibration (``throughflow calibrate``) stores a weighted sample of parameter sets. With a
posterior, replicate ``k`` of a sweep, comparison or trial runs with draw ``k`` — a parameter
set drawn from the posterior with its weights, the same at every design point and in both
arms of a comparison, so the runs stay paired — on its usual seed. The spread of the paired
differences over replicates is then parameter plus seed uncertainty; the same design without
a posterior (at the calibrated values) gives the seed noise alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from throughflow.scenario import parameters

SUBFOLDER = "posterior"
"""Where the posterior version of an experiment is stored, inside the experiment's folder."""


class PosteriorError(ValueError):
    """A posterior cannot be used; the message is one line naming the store."""


@dataclass(frozen=True)
class Posterior:
    """A calibration's posterior: weighted parameter sets.

    Attributes:
        source: The calibration's results folder.
        names: The fitted parameters (dotted names).
        values: One row per parameter set.
        weights: Their normalised weights.
        digest: A short hash of the sets and weights (part of an experiment's identity).
    """

    source: str
    names: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray
    digest: str

    def draws(self, count: int, seed: int) -> list[dict[str, Any]]:
        """``count`` parameter sets drawn with their weights (the same for the same seed).

        Args:
            count: Number of draws (one per replicate).
            seed: Seed of the draws.

        Returns:
            One ``{dotted name: value}`` per draw; integers stay integers.
        """
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
        picks = rng.choice(len(self.weights), size=count, p=self.weights)
        declared = {p.name: p for p in parameters()}
        out = []
        for i in picks:
            row: dict[str, Any] = {}
            for name, value in zip(self.names, self.values[i], strict=True):
                row[name] = round(float(value)) if declared[name].type_name == "int" else float(value)
            out.append(row)
        return out


def load_posterior(store: Path | str) -> Posterior:
    """Read the posterior of a calibration results folder.

    Raises:
        PosteriorError: No posterior there, or one that names parameters the model does not declare.
    """
    root = Path(store)
    path = root / "posterior.parquet"
    if not path.is_file():
        raise PosteriorError(f"{root}: no posterior.parquet (run throughflow calibrate first)")
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise PosteriorError(f"{path}: cannot read ({exc})") from None
    declared = {p.name for p in parameters()}
    names = tuple(c for c in table.columns if c not in ("weight", "generation"))
    unknown = [n for n in names if n not in declared]
    if unknown or not names or "weight" not in table:
        raise PosteriorError(f"{path}: not a posterior of this model ({', '.join(unknown) or 'no parameters or weights'})")
    weights = table["weight"].to_numpy(dtype=float)
    if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise PosteriorError(f"{path}: weights must be finite, non-negative and not all zero")
    weights = weights / weights.sum()
    values = table[list(names)].to_numpy(dtype=float)
    digest = hashlib.sha256(json.dumps([list(names), values.tolist(), weights.tolist()]).encode()).hexdigest()[:16]
    return Posterior(str(root), names, values, weights, digest)
