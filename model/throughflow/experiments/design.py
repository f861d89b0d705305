"""Sweep files and experimental designs.

A sweep file (YAML) names a base scenario, factors, replications, a root seed and which
outputs to keep::

    name: qualification_mix
    base: ../baseline.yaml            # relative to the sweep file, or a shipped name
    replications: 30
    seed: 20261126
    factors:
      population.share_low: [0.0, 0.5, 1.0]          # a grid of values of a declared parameter
      labour_market.bias: {range: [0.3, 0.6]}        # a range, sampled by Latin hypercube
      mentoring:                                     # named levels, each a set of parameters
        levels:
          off: {}
          on: {one_on_one.enabled: true, organisation.enabled: true, labs.enabled: true}
    samples: 16                                      # Latin-hypercube points (with ranges)
    outputs: {timeseries: false}

The design is the Cartesian product of the grid and level factors, crossed with the
Latin-hypercube sample of the range factors (rounded for integer parameters). Replicate
``k`` uses the same seed at every design point (common random numbers); seeds are spawned
from the root seed with ``numpy.random.SeedSequence`` and stored with every result.

Files are read strictly (:mod:`throughflow.yamlfile`); the name is a plain name (the store
folder under ``results/``); level labels are text (``on``/``off`` unquoted are YAML booleans,
so they must be quoted); replications, samples, the horizon and the number of runs are
bounded (:mod:`throughflow.limits`).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from throughflow import yamlfile
from throughflow.experiments.posterior import Posterior
from throughflow.limits import MAX_MONTHS, MAX_NAME, MAX_REPLICATIONS, MAX_SAMPLES, MAX_SEED, MAX_TASKS, plain_name
from throughflow.parameters import ScenarioBase as Scenario
from throughflow.scenario import ScenarioError, check_horizon, load_scenario, parameters, with_values

DECLARED = {p.name: p for p in parameters()}


class SweepError(ValueError):
    """A sweep file is invalid; the message is one line naming the file and the problem."""


@dataclass(frozen=True)
class Factor:
    """One factor of a design: a grid of values, named levels, or a range."""

    name: str
    kind: str  # "grid", "levels" or "range"
    levels: tuple[tuple[str, dict[str, Any]], ...] = ()
    low: float = 0.0
    high: float = 0.0


@dataclass(frozen=True)
class Task:
    """One run of a sweep: a design point and a replicate."""

    run_id: str
    point: int
    replicate: int
    seed: int
    levels: dict[str, str]
    values: dict[str, Any]


@dataclass
class Sweep:
    """A parsed and validated sweep.

    Attributes:
        name: Sweep name (the store folder under ``results/``).
        base: The base scenario.
        factors: The factors.
        replications: Replicates per design point.
        seed: Root seed.
        samples: Latin-hypercube points (range factors).
        months: Horizon override, or ``None``.
        keep_timeseries: Whether time series are stored.
        paired: Whether each run with a pillar on also runs its paired baseline (same seed, every
            pillar off), for the indicators measured against it (``displacement_share``,
            ``cost_per_sustainable_transition``).
        cost_outputs: Whether the run rows include the outputs that depend on prices
            (:data:`~throughflow.outcomes.COST_OUTPUTS`); without them, runs that differ only in
            prices are repeats of one another.
        text: The sweep file's text (stored with the results).
        source: Where it came from.
        posterior: A calibration posterior: replicate ``k`` runs with its draw ``k``.
    """

    name: str
    base: Scenario
    factors: list[Factor]
    replications: int
    seed: int
    samples: int = 0
    months: int | None = None
    keep_timeseries: bool = False
    cost_outputs: bool = True
    paired: bool = False
    text: str = ""
    source: str = "<sweep>"
    posterior: Posterior | None = None

    @property
    def digest(self) -> str:
        """Hash of the sweep definition (file text, resolved base scenario, posterior)."""
        payload = self.text + repr(self.base.model_dump()) + (self.posterior.digest if self.posterior else "")
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def with_posterior(self, posterior: Posterior) -> Sweep:
        """The same design with one posterior parameter set per replicate (see :mod:`throughflow.experiments.posterior`)."""
        return replace(self, posterior=posterior)

    def replicate_seeds(self) -> list[int]:
        """One seed per replicate, spawned from the root seed."""
        children = np.random.SeedSequence(self.seed).spawn(self.replications)
        return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]

    def points(self) -> list[tuple[dict[str, str], dict[str, Any]]]:
        """Design points: (level label per factor, parameter values)."""
        discrete = [f for f in self.factors if f.kind != "range"]
        ranges = [f for f in self.factors if f.kind == "range"]
        grid = list(itertools.product(*[f.levels for f in discrete])) or [()]
        lhs = latin_hypercube(len(ranges), self.samples, self.seed) if ranges else np.zeros((1, 0))
        out = []
        for combo in grid:
            for row in lhs:
                labels: dict[str, str] = {}
                values: dict[str, Any] = {}
                for factor, (label, level_values) in zip(discrete, combo, strict=True):
                    labels[factor.name] = label
                    values.update(level_values)
                for factor, u in zip(ranges, row, strict=True):
                    value: float | int = factor.low + float(u) * (factor.high - factor.low)
                    if DECLARED[factor.name].type_name == "int":
                        value = round(value)
                    labels[factor.name] = f"{value:.6g}"
                    values[factor.name] = value
                out.append((labels, values))
        return out

    def size(self) -> int:
        """Number of runs (design points x replications), computed without building the design."""
        points = 1
        for factor in self.factors:
            if factor.kind != "range":
                points *= len(factor.levels)
        if any(f.kind == "range" for f in self.factors):
            points *= self.samples
        return points * self.replications

    def tasks(self) -> list[Task]:
        """Every run of the sweep, design point by design point.

        With a posterior, replicate ``k`` runs with posterior draw ``k`` at every point (a
        factor that sets a fitted parameter keeps its own value).
        """
        seeds = self.replicate_seeds()
        draws = self.posterior.draws(self.replications, self.seed) if self.posterior else [{}] * self.replications
        return [
            Task(f"{p:05d}-{k:03d}", p, k, seeds[k], labels, {**draws[k], **values})
            for p, (labels, values) in enumerate(self.points())
            for k in range(self.replications)
        ]

    def scenario(self, values: Mapping[str, Any]) -> Scenario:
        """The base scenario with a design point's values."""
        return with_values(self.base, dict(values)) if values else self.base


def latin_hypercube(dims: int, samples: int, seed: int) -> np.ndarray:
    """A Latin-hypercube sample in [0, 1)^dims (one point per stratum per dimension)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    strata = np.stack([rng.permutation(samples) for _ in range(dims)], axis=1)
    return (strata + rng.random((samples, dims))) / samples


def _number(value: Any) -> bool:
    """Whether ``value`` is a real number (``true`` and ``"1"`` are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _count(data: dict[str, Any], key: str, default: int, low: int, high: int, where: str) -> int:
    """An integer setting of a sweep file within [low, high]."""
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SweepError(f"{where}: {key} must be an integer from {low:,} to {high:,} (got {value!r})")
    return value


def _label(factor: str, label: Any, where: str) -> str:
    if isinstance(label, bool):
        word = "on/yes/true" if label else "off/no/false"
        raise SweepError(
            f"{where}: factor {factor}: level label {label!r} is not text (YAML reads unquoted {word} as a boolean; "
            f'quote it: "{str(label).lower()}")'
        )
    if not isinstance(label, str):
        raise SweepError(f'{where}: factor {factor}: level label {label!r} is not text (quote it: "{label}")')
    if not label or len(label) > MAX_NAME:
        raise SweepError(f"{where}: factor {factor}: level labels must be 1 to {MAX_NAME} characters")
    return label


def _value_ok(name: str, value: Any, where: str) -> None:
    info = DECLARED[name]
    if info.ge is not None and isinstance(value, int | float) and not isinstance(value, bool) and value < info.ge:
        raise SweepError(f"{where}: factor {name}: value {value} below its bound {info.ge}")
    if info.le is not None and isinstance(value, int | float) and not isinstance(value, bool) and value > info.le:
        raise SweepError(f"{where}: factor {name}: value {value} above its bound {info.le}")


def _parse_factor(name: Any, spec: Any, where: str) -> Factor:
    if not isinstance(name, str) or isinstance(name, bool) or not name or len(name) > MAX_NAME:
        raise SweepError(f"{where}: factor {name!r}: a factor name must be text of 1 to {MAX_NAME} characters (quote it)")
    if isinstance(spec, dict) and "levels" in spec:
        if set(spec) != {"levels"}:
            raise SweepError(f"{where}: factor {name}: {sorted(set(spec) - {'levels'})[0]}: unknown key")
        levels = spec["levels"]
        if not isinstance(levels, dict) or not levels:
            raise SweepError(f"{where}: factor {name}: levels must be a non-empty mapping of label -> parameters")
        parsed = []
        for label, values in levels.items():
            label = _label(name, label, where)
            values = values or {}
            if not isinstance(values, dict):
                raise SweepError(f"{where}: factor {name}: level {label} must map parameters to values")
            for key, value in values.items():
                if key not in DECLARED:
                    raise SweepError(f"{where}: factor {name}: level {label}: {key} is not a declared parameter")
                _value_ok(key, value, where)
            parsed.append((str(label), dict(values)))
        return Factor(name, "levels", tuple(parsed))
    if name not in DECLARED:
        raise SweepError(f"{where}: factor {name} is not a declared parameter")
    if isinstance(spec, list):
        if not spec:
            raise SweepError(f"{where}: factor {name}: empty list of values")
        for value in spec:
            _value_ok(name, value, where)
        return Factor(name, "grid", tuple((f"{v}", {name: v}) for v in spec))
    if isinstance(spec, dict) and "range" in spec:
        if set(spec) != {"range"}:
            raise SweepError(f"{where}: factor {name}: {sorted(set(spec) - {'range'})[0]}: unknown key")
        bounds = spec["range"]
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(_number(b) for b in bounds)):
            raise SweepError(f"{where}: factor {name}: range must be [low, high], two numbers (got {bounds!r})")
        low, high = float(bounds[0]), float(bounds[1])
        if not low < high:
            raise SweepError(f"{where}: factor {name}: empty range [{low}, {high}]")
        _value_ok(name, low, where)
        _value_ok(name, high, where)
        return Factor(name, "range", low=low, high=high)
    raise SweepError(f"{where}: factor {name}: give a list of values, {{range: [low, high]}} or {{levels: ...}}")


def read_yaml_mapping(path: Path, error: type[ValueError]) -> tuple[dict[str, Any], str]:
    """Read a YAML file whose top level is a mapping with text keys (strictly, see :mod:`throughflow.yamlfile`).

    Returns:
        The mapping and the file's text.

    Raises:
        error: One line naming the file: unreadable, malformed, or not a mapping.
    """
    try:
        data, text = yamlfile.read(path)
    except yamlfile.YamlError as exc:
        raise error(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise error(f"{path}: top level must be a mapping")
    for key in data:
        if not isinstance(key, str):
            raise error(f"{path}: {key!r}: keys must be text")
    return data, text


KEYS = {"name", "description", "base", "replications", "seed", "factors", "samples", "months", "outputs"}


def load_sweep(
    path: str | Path,
    replications: int | None = None,
    months: int | None = None,
    base_overrides: dict[str, Any] | None = None,
) -> Sweep:
    """Read and validate a sweep file, optionally resized (e.g. small sizes for a notebook).

    Args:
        path: The YAML file.
        replications: Replace the file's replications.
        months: Replace the file's horizon.
        base_overrides: Dotted parameter values applied to the base scenario (``{"population.scale": 0.3}``).

    Returns:
        The sweep.

    Raises:
        SweepError: One line naming the file and the problem.
    """
    path = Path(path)
    where = str(path)
    data, text = read_yaml_mapping(path, SweepError)
    if replications is not None or months is not None:
        data = {**data, **({"replications": replications} if replications is not None else {})}
        data = {**data, **({"months": months} if months is not None else {})}
        text = yaml.safe_dump(data, sort_keys=True)
    return sweep_from_mapping(data, where=where, base_dir=path.parent, text=text, base_overrides=base_overrides)


def sweep_from_mapping(
    data: dict[str, Any],
    where: str = "<sweep>",
    base_dir: Path | None = None,
    text: str | None = None,
    base_overrides: dict[str, Any] | None = None,
) -> Sweep:
    """Validate a sweep given as a mapping (see :func:`load_sweep`)."""
    if base_overrides:
        # overrides are part of the definition: they change the hash, so a store of another size is not resumed
        text = (text or yaml.safe_dump(data, sort_keys=True)) + "\n# base overrides: " + repr(sorted(base_overrides.items()))
    problem = yamlfile.unknown_key(where, data, KEYS)
    if problem:
        raise SweepError(problem)
    name = data.get("name") or ("sweep" if where.startswith("<") else Path(where).stem)
    problem = plain_name(name)
    if problem:
        raise SweepError(f"{where}: name {problem}")
    replications = data.get("replications", 1)
    if not isinstance(replications, int) or isinstance(replications, bool) or not 1 <= replications <= MAX_REPLICATIONS:
        raise SweepError(f"{where}: replications must be an integer from 1 to {MAX_REPLICATIONS:,} (got {replications!r})")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise SweepError(f"{where}: seed must be a non-negative integer below 2**63 (got {seed!r})")
    factors_spec = data.get("factors") or {}
    if not isinstance(factors_spec, dict):
        raise SweepError(f"{where}: factors must be a mapping")
    factors = [_parse_factor(name, spec, where) for name, spec in factors_spec.items()]
    months = data.get("months")
    if months is not None and (not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS):
        raise SweepError(f"{where}: months must be an integer from 1 to {MAX_MONTHS} (got {months!r})")
    samples = data.get("samples", 0)
    if any(f.kind == "range" for f in factors):
        samples = _count(data, "samples", 0, 1, MAX_SAMPLES, where)
    elif "samples" in data:
        _count(data, "samples", 0, 0, MAX_SAMPLES, where)
    base_ref = data.get("base", "baseline")
    try:
        if isinstance(base_ref, str) and base_dir is not None and (base_dir / base_ref).is_file():
            base = load_scenario(base_dir / base_ref)
        elif isinstance(base_ref, str | dict):
            base = load_scenario(base_ref)
        else:
            raise SweepError(f"{where}: base: give a scenario file, a shipped name or a mapping")
        if base_overrides:
            base = with_values(base, base_overrides)
    except ScenarioError as exc:
        raise SweepError(f"{where}: base: {exc}") from None
    outputs = data.get("outputs") or {}
    if not isinstance(outputs, dict) or set(outputs) - {"timeseries", "indicators", "paired"}:
        raise SweepError(f"{where}: outputs: only 'indicators' (always kept), 'timeseries' and 'paired' are known")
    for key, value in outputs.items():
        if not isinstance(value, bool):
            raise SweepError(f"{where}: outputs: {key} must be true or false (got {value!r})")
    sweep = Sweep(
        name=str(name),
        base=base,
        factors=factors,
        replications=replications,
        seed=seed,
        samples=int(samples or 0),
        months=months,
        keep_timeseries=bool(outputs.get("timeseries", False)),
        paired=bool(outputs.get("paired", False)),
        text=text if text is not None else yaml.safe_dump(data, sort_keys=True),
        source=where,
    )
    if sweep.size() > MAX_TASKS:
        raise SweepError(
            f"{where}: {sweep.size():,} runs; a sweep has at most {MAX_TASKS:,} (fewer levels, samples or replications)"
        )
    for labels, values in sweep.points():
        try:
            check_horizon(sweep.scenario(values), months, f"months {months}")
        except ScenarioError as exc:
            raise SweepError(f"{where}: design point {labels}: {exc}") from None
    return sweep
