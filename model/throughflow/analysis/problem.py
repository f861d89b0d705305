"""Sensitivity declarations: which outcomes, which uncertain parameters, which method.

A declaration (YAML in ``scenarios/sensitivity/``)::

    name: mentoring_effect
    base: ../baseline.yaml
    outcomes:
      - {name: effect_12m, indicator: throughflow_12m, group: all, minus: ../baseline.yaml, treatment: ../mentoring.yaml}
      - {name: throughflow_12m_low, indicator: throughflow_12m, group: low}
    parameters: uncertainties          # every declared uncertainty with its declared range
    # parameters: [labour_market.bias, art60.ocmw_openness]            # a named subset
    # parameters: {labour_market.bias: [0.35, 0.55]}                   # narrower ranges
    groups: none                       # or "section": one group per model section (see section_group)
    method: morris                     # or sobol
    n: 20                              # Morris trajectories, or Sobol base samples (power of 2)
    replications: 1                    # runs averaged per sample point
    seeds: common                      # common random numbers across points, or independent
    seed: 20261126

The bounds come from the parameter declarations (one place); a declaration may narrow a
range but not leave the declared validity bounds. A difference outcome runs ``treatment``
and ``minus`` at every sample point with the same seed (common random numbers), so the
outcome is the paired effect.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from throughflow import yamlfile
from throughflow.experiments.design import read_yaml_mapping
from throughflow.inertness import price_parameters
from throughflow.limits import MAX_MONTHS, MAX_REPLICATIONS, MAX_SEED, MAX_SENSITIVITY_N, MAX_TASKS, plain_name
from throughflow.outcomes import BY_NAME, GROUPS
from throughflow.parameters import ScenarioBase as Scenario
from throughflow.scenario import ParameterInfo, ScenarioError, check_horizon, flatten, load_scenario, parameters
from throughflow.schema import Scenario as SCHEMA

METHODS = ("morris", "sobol")
KEYS = {
    "name",
    "description",
    "base",
    "outcomes",
    "parameters",
    "groups",
    "method",
    "n",
    "replications",
    "seeds",
    "seed",
    "months",
}


PROGRAMME_SECTIONS = ("mentoring", "one_on_one", "organisation")
"""Sections of pillars 1 and 2 (the programme, its volunteers, its organisation): one group."""


def section_group(name: str) -> str:
    """The group of a parameter with ``groups: section``.

    Every price is in ``costs`` (prices change only the cost outputs); the sections of
    pillars 1 and 2 form the group ``mentoring``; any other parameter is in the group of its
    top-level section (``population``, ``geography``, ``art60``, ``labour_market``, ``labs``).
    """
    if name in price_parameters(SCHEMA):
        return "costs"
    top = name.split(".")[0]
    return "mentoring" if top in PROGRAMME_SECTIONS else top


class SensitivityError(ValueError):
    """A sensitivity declaration is invalid; the message is one line naming the file and the problem."""


@dataclass(frozen=True)
class Outcome:
    """One analysed outcome: an indicator and group, or its paired difference between two scenarios."""

    name: str
    indicator: str
    group: str
    treatment: Scenario | None = None
    minus: Scenario | None = None

    @property
    def is_difference(self) -> bool:
        """Whether the outcome is ``treatment - minus`` under common random numbers."""
        return self.minus is not None


@dataclass
class Declaration:
    """A validated sensitivity declaration."""

    name: str
    base: Scenario
    outcomes: list[Outcome]
    names: list[str]
    bounds: list[tuple[float, float]]
    integer: list[bool]
    groups: list[str] | None
    method: str
    n: int
    replications: int
    seeds: str
    seed: int
    months: int | None = None
    text: str = ""
    source: str = "<declaration>"
    arms: dict[str, Scenario] = field(default_factory=dict)

    def problem(self) -> dict[str, Any]:
        """The SALib problem, built from the declarations."""
        problem: dict[str, Any] = {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
        }
        if self.groups:
            problem["groups"] = list(self.groups)
        return problem

    @property
    def digest(self) -> str:
        """Hash of the declaration and the resolved scenarios."""
        payload = self.text + repr(self.base.model_dump()) + repr(sorted((k, v.model_dump_json()) for k, v in self.arms.items()))
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _parameters(spec: Any, where: str) -> tuple[list[str], list[tuple[float, float]], list[bool]]:
    declared = {p.name: p for p in parameters()}
    uncertain = [
        p for p in declared.values() if p.kind == "uncertainty" and p.low is not None and p.high is not None and p.low < p.high
    ]
    chosen: list[tuple[ParameterInfo, float, float]]
    if spec in (None, "uncertainties", "all"):
        chosen = [(p, float(p.low), float(p.high)) for p in uncertain]  # type: ignore[arg-type]
    elif isinstance(spec, list | dict):
        items = spec.items() if isinstance(spec, dict) else ((name, None) for name in spec)
        chosen = []
        for name, rng in items:
            if not isinstance(name, str) or name not in declared:
                raise SensitivityError(f"{where}: parameters: {name} is not a declared parameter")
            info = declared[name]
            if info.type_name not in ("float", "int"):
                raise SensitivityError(f"{where}: parameters: {name} is not numeric ({info.type_name})")
            if rng is not None and not (
                isinstance(rng, list)
                and len(rng) == 2
                and all(isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b) for b in rng)
            ):
                raise SensitivityError(f"{where}: parameters: {name}: range must be [low, high], two numbers (got {rng!r})")
            low, high = (info.low, info.high) if rng is None else (rng[0], rng[1])
            if low is None or high is None:
                raise SensitivityError(f"{where}: parameters: {name}: give a range [low, high] (no declared range)")
            if not low < high:
                raise SensitivityError(f"{where}: parameters: {name}: empty range [{low}, {high}]")
            if (info.ge is not None and low < info.ge) or (info.le is not None and high > info.le):
                raise SensitivityError(
                    f"{where}: parameters: {name}: range [{low}, {high}] outside its bounds [{info.ge}, {info.le}]"
                )
            chosen.append((info, float(low), float(high)))
    else:
        raise SensitivityError(f"{where}: parameters: give 'uncertainties', a list of names or a mapping name -> [low, high]")
    if not chosen:
        raise SensitivityError(f"{where}: parameters: nothing to analyse")
    return [p.name for p, _, _ in chosen], [(lo, hi) for _, lo, hi in chosen], [p.type_name == "int" for p, _, _ in chosen]


def _scenario(ref: Any, base_dir: Path | None, where: str, key: str) -> Scenario:
    try:
        if isinstance(ref, str) and base_dir is not None and (base_dir / ref).is_file():
            return load_scenario(base_dir / ref)
        return load_scenario(ref)
    except ScenarioError as exc:
        raise SensitivityError(f"{where}: {key}: {exc}") from None


def declaration_from_mapping(
    data: dict[str, Any], where: str = "<declaration>", base_dir: Path | None = None, text: str | None = None
) -> Declaration:
    """Validate a declaration given as a mapping (see :func:`load_declaration`)."""
    problem = yamlfile.unknown_key(where, data, KEYS)
    if problem:
        raise SensitivityError(problem)
    method = data.get("method", "morris")
    if method not in METHODS:
        raise SensitivityError(f"{where}: method must be one of {', '.join(METHODS)} (got {method!r})")
    title = data.get("name") or ("declaration" if where.startswith("<") else Path(where).stem)
    problem = plain_name(title)
    if problem:
        raise SensitivityError(f"{where}: name {problem}")
    n = data.get("n", 16 if method == "morris" else 64)
    if not isinstance(n, int) or isinstance(n, bool) or not 2 <= n <= MAX_SENSITIVITY_N:
        raise SensitivityError(f"{where}: n must be an integer from 2 to {MAX_SENSITIVITY_N:,} (got {n!r})")
    if method == "sobol" and n & (n - 1):
        raise SensitivityError(f"{where}: n must be a power of two for Sobol sampling (got {n})")
    replications = data.get("replications", 1)
    if not isinstance(replications, int) or isinstance(replications, bool) or not 1 <= replications <= MAX_REPLICATIONS:
        raise SensitivityError(f"{where}: replications must be an integer from 1 to {MAX_REPLICATIONS:,} (got {replications!r})")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise SensitivityError(f"{where}: seed must be a non-negative integer below 2**63 (got {seed!r})")
    seeds = data.get("seeds", "common")
    if seeds not in ("common", "independent"):
        raise SensitivityError(f"{where}: seeds must be 'common' or 'independent' (got {seeds!r})")
    base = _scenario(data.get("base", "baseline"), base_dir, where, "base")
    names, bounds, integer = _parameters(data.get("parameters", "uncertainties"), where)
    grouping = data.get("groups", "none")
    if grouping not in ("none", "section", None):
        raise SensitivityError(f"{where}: groups must be 'none' or 'section' (got {grouping!r})")
    groups = [section_group(name) for name in names] if grouping == "section" else None
    arms: dict[str, Scenario] = {}
    outcomes = []
    raw = data.get("outcomes") or [{"indicator": "throughflow_12m", "group": "all"}]
    if not isinstance(raw, list):
        raise SensitivityError(f"{where}: outcomes must be a list")
    for item in raw:
        if not isinstance(item, dict) or "indicator" not in item:
            raise SensitivityError(f"{where}: outcomes: each outcome needs an indicator")
        indicator, group = item["indicator"], item.get("group", "all")
        if set(item) - {"name", "indicator", "group", "minus", "treatment"}:
            raise SensitivityError(f"{where}: outcomes: {sorted(map(str, item))[0]}: unknown key")
        if not isinstance(indicator, str) or indicator not in BY_NAME or BY_NAME[indicator].shape != "scalar":
            raise SensitivityError(f"{where}: outcomes: {indicator} is not a scalar indicator")
        if group not in GROUPS:
            raise SensitivityError(f"{where}: outcomes: group must be one of {', '.join(GROUPS)} (got {group!r})")
        treatment = minus = None
        if "minus" in item:
            minus = _scenario(item["minus"], base_dir, where, "outcomes.minus")
            treatment = _scenario(item.get("treatment", data.get("base", "baseline")), base_dir, where, "outcomes.treatment")
            arms.setdefault(f"arm:{treatment.name}", treatment)
            arms.setdefault(f"arm:{minus.name}", minus)
        else:
            arms.setdefault(f"arm:{base.name}", base)
        default = (
            f"{indicator}.{group}" if minus is None or treatment is None else f"{indicator}.{group}:{treatment.name}-{minus.name}"
        )
        label = item.get("name") or default
        if not isinstance(label, str) or len(label) > 200:
            raise SensitivityError(f"{where}: outcomes: name must be text of at most 200 characters (got {label!r})")
        outcomes.append(Outcome(label, indicator, group, treatment, minus))
    for arm in arms.values():
        flat = flatten(arm)
        for name in names:
            if name not in flat:
                raise SensitivityError(f"{where}: parameters: {name} is not a parameter of the scenarios")
    months = data.get("months")
    if months is not None and (not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS):
        raise SensitivityError(f"{where}: months must be an integer from 1 to {MAX_MONTHS} (got {months!r})")
    for outcome in outcomes:
        scenarios = [s for s in (outcome.treatment, outcome.minus) if s is not None] or [base]
        horizon = months if months is not None else min(s.months for s in scenarios)
        needed = BY_NAME[outcome.indicator].min_months
        if horizon < needed:
            raise SensitivityError(
                f"{where}: outcomes: {outcome.name} needs runs of at least {needed} months ({outcome.indicator}'s "
                f"follow-up); the runs have {horizon} (months)"
            )
    blocks = len(set(groups)) if groups else len(names)
    runs = n * (blocks + (1 if method == "morris" else 2)) * len(arms) * replications
    if runs > MAX_TASKS:
        raise SensitivityError(
            f"{where}: {runs:,} runs (n {n} x {blocks + (1 if method == 'morris' else 2)} rows x {len(arms)} scenarios "
            f"x {replications} replications); an analysis has at most {MAX_TASKS:,} (a smaller n or fewer parameters)"
        )
    if months is not None:
        for arm in arms.values():
            try:
                check_horizon(arm, months, f"months {months}")
            except ScenarioError as exc:
                raise SensitivityError(f"{where}: {exc}") from None
    return Declaration(
        name=str(title),
        base=base,
        outcomes=outcomes,
        names=names,
        bounds=bounds,
        integer=integer,
        groups=groups,
        method=method,
        n=n,
        replications=replications,
        seeds=seeds,
        seed=seed,
        months=months,
        text=text if text is not None else yaml.safe_dump(data, sort_keys=True),
        source=where,
        arms=arms,
    )


def load_declaration(path: str | Path, method: str | None = None, n: int | None = None) -> Declaration:
    """Read and validate a sensitivity declaration; ``method`` and ``n`` override the file's.

    Raises:
        SensitivityError: One line naming the file and the problem.
    """
    path = Path(path)
    where = str(path)
    data, _ = read_yaml_mapping(path, SensitivityError)
    if method is not None:
        data["method"] = method
    if n is not None:
        data["n"] = n
    return declaration_from_mapping(data, where=where, base_dir=path.parent, text=yaml.safe_dump(data, sort_keys=True))
