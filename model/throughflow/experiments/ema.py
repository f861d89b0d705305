"""The model as an EMA Workbench 3 model, built from the parameter and indicator declarations.

``ema_model()`` returns an ``ema_workbench.Model`` whose uncertainties are the declared
uncertainties (kind ``uncertainty``) over their declared ranges, whose levers are the declared
levers (switches as ``BooleanParameter``, choices as ``CategoricalParameter``) and whose
outcomes are outputs of :func:`throughflow.evaluate`. So ``perform_experiments``, feature
scoring and PRIM work at once::

    from ema_workbench import perform_experiments
    from throughflow import ema_model

    model = ema_model("mentoring", uncertainties=["labour_market.bias"], levers=["organisation.capacity_per_1000"],
                      fixed={"population.scale": 0.3}, seeds=(1, 2))
    experiments, outcomes = perform_experiments(model, scenarios=64, policies=4)

Parameter names are keywords (``labour_market__bias``: EMA names must be Python
identifiers). Of a group of shares that must sum to 1 only the first is offered (the others
follow, :func:`throughflow.keywords.complete`). Every experiment runs its scenario and the
paired baseline on each of ``seeds`` (the same seeds in every experiment: common random
numbers) and reports the mean over the seeds.

The EMA Workbench is an optional dependency: ``pip install "throughflow[ema]"``.
"""

from __future__ import annotations

import typing
import warnings
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np

from throughflow.experiments.evaluate import evaluate, output_names
from throughflow.keywords import apply as apply_params
from throughflow.keywords import check_names, dotted, keyword
from throughflow.outcomes import GROUPS, HEADLINE
from throughflow.parameters import COMPOSITIONS, LEVER, UNCERTAINTY, ScenarioBase
from throughflow.scenario import ParameterInfo, ScenarioError, load_scenario, parameters

FOLLOWERS = frozenset(member for members in COMPOSITIONS for member in members[1:])
"""Shares left out of the default uncertainties and levers: they follow the first of their group."""

DEFAULT_OUTCOMES: tuple[str, ...] = (
    *(f"effect_{name}_{g}" for name in HEADLINE for g in GROUPS),
    *(f"{name}_{g}" for name in HEADLINE for g in GROUPS),
    *(f"cost_per_sustainable_transition_{g}" for g in GROUPS),
)
"""Outcomes of :func:`ema_model` by default: the headline indicators, their effects and the cost per transition."""

Selection = Sequence[str] | Mapping[str, Any] | None


def _choices(schema: type[ScenarioBase], dotted: str) -> tuple[Any, ...]:
    node: Any = schema
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node.model_fields[part].annotation
    return typing.get_args(node.model_fields[leaf].annotation)


def _parameter(info: ParameterInfo, schema: type[ScenarioBase], spec: Any = None) -> Any:
    """The EMA parameter for a declared parameter (``spec``: a ``(low, high)`` range or a list of categories)."""
    import ema_workbench as ema

    name = keyword(info.name)
    if info.type_name == "bool":
        return ema.BooleanParameter(name)
    if info.type_name == "Literal" or isinstance(spec, list):
        categories = list(spec) if isinstance(spec, list) else list(_choices(schema, info.name))
        return ema.CategoricalParameter(name, categories)
    low, high = spec if spec is not None else (info.low, info.high)
    if low is None or high is None or not low < high:
        raise ScenarioError(f"{info.name}: give a range (low, high); its declared range is empty")
    for bound, value in (("ge", info.ge), ("le", info.le)):
        if value is not None and (low < value if bound == "ge" else high > value):
            raise ScenarioError(f"{info.name}: range ({low}, {high}) leaves the valid bounds [{info.ge}, {info.le}]")
    if info.type_name == "int":
        return ema.IntegerParameter(name, int(low), int(high))
    return ema.RealParameter(name, float(low), float(high))


def _select(selection: Selection, kind: str, declared: dict[str, ParameterInfo], schema: type[ScenarioBase]) -> list[Any]:
    if selection is None:
        chosen: dict[str, Any] = {
            p.name: None
            for p in declared.values()
            if p.kind == kind
            and p.name not in FOLLOWERS
            and (p.type_name in ("bool", "Literal") or (p.low is not None and p.high is not None and p.low < p.high))
            and not p.price
        }
    elif isinstance(selection, Mapping):
        chosen = {dotted(k): v for k, v in selection.items()}
    else:
        chosen = {dotted(k): None for k in selection}
    check_names(chosen, declared)
    return [_parameter(declared[name], schema, spec) for name, spec in chosen.items()]


def _experiment(
    *, _base: dict[str, Any], _seeds: tuple[int, ...], _months: int | None, _outcomes: tuple[str, ...], **params: Any
) -> dict[str, float]:
    """One EMA experiment: the mean of each outcome over the seeds (NaN when every seed gives NaN)."""
    runs = [evaluate(params, seed, scenario=_base, months=_months) for seed in _seeds]
    out = {}
    for name in _outcomes:
        values = np.array([run[name] for run in runs], dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[name] = float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")
    return out


def ema_model(
    scenario: ScenarioBase | str | Mapping[str, Any] = "mentoring",
    *,
    uncertainties: Selection = None,
    levers: Selection = None,
    outcomes: Sequence[str] | None = None,
    fixed: Mapping[str, Any] | None = None,
    seeds: Sequence[int] = (0,),
    months: int | None = None,
    name: str = "throughflow",
) -> Any:
    """An EMA Workbench model of ``scenario`` built from the declarations.

    Args:
        scenario: The scenario the experiments change (default ``mentoring``).
        uncertainties: ``None`` for every declared uncertainty with a range; a list of names
            (declared ranges); or a mapping of names to ``(low, high)`` or a list of categories.
            ``[]`` for none.
        levers: The same for levers (default: every declared lever, switches and choices included).
        outcomes: Names of :func:`throughflow.experiments.evaluate.output_names`
            (default :data:`DEFAULT_OUTCOMES`).
        fixed: Parameters set for every experiment (e.g. ``{"population.scale": 0.3}``).
        seeds: Seeds of every experiment (the mean over them is reported).
        months: Horizon (default: the scenario's).
        name: The EMA model's name (a Python identifier).

    Returns:
        An ``ema_workbench.Model``; its function is picklable (any EMA evaluator works).

    Raises:
        ImportError: Without the EMA Workbench (``pip install "throughflow[ema]"``).
        ScenarioError: For an unknown parameter or outcome, or a range outside the valid bounds.
    """
    try:
        with warnings.catch_warnings():  # it warns about optional evaluators (ipyparallel) on import
            warnings.simplefilter("ignore")
            import ema_workbench as ema
    except ImportError:
        raise ImportError('ema_model() needs the EMA Workbench: pip install "throughflow[ema]"') from None
    base = scenario if isinstance(scenario, ScenarioBase) else load_scenario(scenario)
    base = apply_params(base, dict(fixed or {}))
    schema = type(base)
    declared = {p.name: p for p in parameters(schema)}
    chosen_outcomes = tuple(outcomes if outcomes is not None else DEFAULT_OUTCOMES)
    unknown = sorted(set(chosen_outcomes) - set(output_names()))
    if unknown:
        raise ScenarioError(f"unknown outcome {unknown[0]} (see throughflow.experiments.evaluate.output_names())")
    if not seeds:
        raise ScenarioError("give at least one seed")
    function = partial(
        _experiment, _base=base.model_dump(), _seeds=tuple(int(s) for s in seeds), _months=months, _outcomes=chosen_outcomes
    )
    model = ema.Model(name, function=function)
    model.uncertainties = _select(uncertainties, UNCERTAINTY, declared, schema)
    model.levers = _select(levers, LEVER, declared, schema)
    model.outcomes = [ema.ScalarOutcome(o) for o in chosen_outcomes]
    return model
