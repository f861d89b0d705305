"""Space: municipalities with coordinates in km and public-transport commute times.

ODD: Entities, state variables and scales. Commute time by public transport is derived
from distance: ``access_minutes + minutes_per_km * km`` (default 15 + 2.5/km, so 30 km is
about 90 minutes, Kamin's case) [assumption].
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from throughflow.parameters import Geography


@dataclass(frozen=True)
class Region:
    """Municipalities of the region and the commute matrix between them.

    Attributes:
        names: Municipality names.
        xy: Coordinates in km, shape (M, 2); the centre is at index 0.
        weight: Share of residents (and employers) per municipality; sums to 1.
        km: Distance matrix in km (intra-municipal distance on the diagonal).
        minutes: One-way public-transport commute matrix in minutes.

    """

    names: tuple[str, ...]
    xy: np.ndarray
    weight: np.ndarray
    km: np.ndarray
    minutes: np.ndarray

    @property
    def n(self) -> int:
        """Number of municipalities."""
        return len(self.names)


def build_region(geo: Geography, rng: np.random.Generator) -> Region:
    """Build the synthetic city-region, or load it from ``geo.municipalities_csv``.

    Args:
        geo: Geography parameters.
        rng: Generator of the initialisation stream.

    Returns:
        The region.

    Raises:
        ValueError: If the CSV cannot be read or lacks the columns name, x_km, y_km, weight.

    """
    if geo.municipalities_csv:
        path = Path(geo.municipalities_csv)
        try:
            table = pd.read_csv(path)
            names = tuple(str(n) for n in table["name"])
            xy = table[["x_km", "y_km"]].to_numpy(dtype=float)
            weight = table["weight"].to_numpy(dtype=float)
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(f"{path}: cannot read municipalities ({exc})") from None
    else:
        m = geo.n_municipalities
        radius = geo.radius_km * np.sqrt(rng.uniform(0.15, 1.0, size=m - 1))
        angle = rng.uniform(0, 2 * np.pi, size=m - 1)
        xy = np.vstack([[0.0, 0.0], np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])])
        rest = rng.dirichlet(np.full(m - 1, 4.0)) * (1 - geo.centre_weight)
        weight = np.concatenate([[geo.centre_weight], rest])
        names = ("Centre", *(f"Municipality {i}" for i in range(1, m)))
    weight = weight / weight.sum()
    km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
    np.fill_diagonal(km, geo.intra_municipal_km)
    minutes = geo.access_minutes + geo.minutes_per_km * km
    return Region(names=names, xy=xy, weight=weight, km=km, minutes=minutes)
