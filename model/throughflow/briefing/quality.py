"""Declared minimum sizes of the results a brief is written from, and the choice of the best result.

A result below its minimum size is not left out: the brief shows it marked loudly as
preliminary, says how large it is and what to run for the full version. Where several
results of a kind are given, the brief uses the best one (adequate first, then the larger).

Minimum sizes:

* paired replications of a comparison or a sweep: :data:`MIN_REPLICATIONS`;
* seeds per arm of the story sweep: :data:`MIN_STORY_SEEDS`;
* Morris trajectories: :data:`MIN_MORRIS_TRAJECTORIES`;
* Sobol base samples: :data:`MIN_SOBOL_N`, and converged: no important index (ST ≥ 0.05)
  with a 95 % interval wider than ±0.05 at the full sample (``convergence.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from throughflow.briefing.inputs import Source

MIN_REPLICATIONS = 20
"""Paired replications below which effects and their intervals are preliminary."""

MIN_STORY_SEEDS = 100
"""Seeds per arm below which the story's frequencies are preliminary."""

MIN_MORRIS_TRAJECTORIES = 20
"""Morris trajectories below which a ranking of parameters is preliminary."""

MIN_SOBOL_N = 256
"""Sobol base samples below which Sobol indices are preliminary (they must also have converged)."""


@dataclass(frozen=True)
class Size:
    """The size of one result against its declared minimum.

    Attributes:
        unit: ``replications``, ``seeds``, ``trajectories`` or ``samples`` (catalogue key).
        value: The size (``None`` if unknown).
        minimum: The declared minimum.
        converged: ``False`` for a Sobol result with wide intervals on important indices.
        command: What to run for the full version.
    """

    unit: str
    value: int | None
    minimum: int
    converged: bool | None
    command: str

    @property
    def adequate(self) -> bool:
        """Whether the result meets its declared minimum (and has converged, where that applies)."""
        return self.value is not None and self.value >= self.minimum and self.converged is not False


def _shipped(relative: str) -> bool:
    return (resources.files("throughflow") / "scenarios" / relative).is_file()


def _sweep_command(source: Source) -> str:
    name = source.name
    if _shipped(f"sweeps/{name}.yaml"):
        return f"throughflow sweep scenarios/sweeps/{name}.yaml"
    return f"throughflow sweep <{name}.yaml> (replications: {MIN_REPLICATIONS})"


def converged(source: Source) -> bool | None:
    """Whether no important index is flagged at the full sample (``None`` without ``convergence.csv``)."""
    conv = source.tables.get("convergence")
    if conv is None or not {"flag", "fraction"} <= set(conv.columns):
        return None
    final = conv[conv["fraction"] == conv["fraction"].max()]
    return not bool(final["flag"].astype(bool).any())


def size(source: Source) -> Size:
    """The size of a recognised result against its declared minimum, and the command for the full version."""
    if source.kind == "sensitivity":
        method, n = source.meta.get("method", "morris"), source.meta.get("n")
        declaration = source.meta.get("declaration") or "mentoring_effect"
        shipped = f"scenarios/sensitivity/{declaration}.yaml"
        spec = shipped if _shipped(f"sensitivity/{declaration}.yaml") else f"<{declaration}.yaml>"
        if method == "sobol":
            return Size(
                "samples", n, MIN_SOBOL_N, converged(source), f"throughflow sensitivity {spec} --n {max(n or 0, MIN_SOBOL_N)}"
            )
        return Size("trajectories", n, MIN_MORRIS_TRAJECTORIES, None, f"throughflow sensitivity {spec}")
    if source.kind == "comparison":
        a, b = source.levels[0], source.levels[-1]
        return Size(
            "replications", source.replications, MIN_REPLICATIONS, None, f"throughflow compare {a} {b} -R {MIN_REPLICATIONS}"
        )
    if source.kind == "story":
        return Size("seeds", source.replications, MIN_STORY_SEEDS, None, _sweep_command(source))
    return Size("replications", source.replications, MIN_REPLICATIONS, None, _sweep_command(source))


def rank(source: Source) -> tuple[bool, int, float]:
    """Sort key of a result among results of its kind: adequate first, then Sobol over Morris, then the larger."""
    s = size(source)
    sobol = int(source.kind == "sensitivity" and source.meta.get("method") == "sobol")
    return (s.adequate, sobol, (s.value or 0) / s.minimum)


def best(sources: list[Source]) -> Source | None:
    """The best of several results of one kind (the first of equals), or ``None``."""
    return max(sources, key=rank) if sources else None


REFUSE_FRACTION = 0.25
"""A sensitivity result smaller than this fraction of its minimum size is not shown at all (only named)."""


def refused(size: Size) -> bool:
    """Whether a sensitivity ranking is too small to show even as preliminary (or its size is unknown)."""
    return size.unit in ("trajectories", "samples") and (size.value is None or size.value < REFUSE_FRACTION * size.minimum)
