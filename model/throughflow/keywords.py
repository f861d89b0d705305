"""Parameters by name: keyword arguments, ``--set KEY=VALUE`` and shares that must sum to 1.

Every parameter has a dotted name (``population.share_low``, ``labs.enabled``; see
``throughflow params``). Python keyword arguments cannot contain dots, so wherever parameters
are passed as keyword arguments — ``ThroughflowModel(**params)``, ``mesa.batch_run``,
SolaraViz's model parameters, the EMA Workbench — a double underscore stands for each dot::

    ThroughflowModel(population__share_low=0.5, labs__enabled=True, rng=3)

The mapping is one to one (no parameter name contains a double underscore), so
:func:`dotted` and :func:`keyword` convert both ways; the functions here accept either form.

Shares that must sum to 1 (:data:`~throughflow.parameters.COMPOSITIONS`: the qualification
mix and the contract lengths) are completed when only some are given: the given shares keep
their values and the others share the rest in the proportions they have in the scenario
(evenly when those are all zero). ``population__share_low=0.5`` on the baseline thus gives
MEDIUM and HIGH 0.25 each.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from throughflow.parameters import COMPOSITIONS, ScenarioBase
from throughflow.scenario import ScenarioError, flatten, parameters, with_values

SEPARATOR = "__"
"""Stands for the dot of a dotted parameter name in a keyword argument."""


def dotted(name: str) -> str:
    """The dotted name of a parameter given as a keyword (``population__share_low``) or dotted."""
    return name.replace(SEPARATOR, ".")


def keyword(name: str) -> str:
    """The keyword-argument form of a dotted parameter name (``population.share_low`` -> ``population__share_low``)."""
    return name.replace(".", SEPARATOR)


def declared(schema: type[ScenarioBase] | None = None) -> list[str]:
    """Dotted names of every parameter a keyword may set (all declared parameters but the scenario's name)."""
    kwargs = {} if schema is None else {"schema": schema}
    return [p.name for p in parameters(**kwargs) if p.name not in ("name", "description")]


def check_names(names: Iterable[str], known: Iterable[str]) -> None:
    """Raise :class:`ScenarioError` naming the first unknown parameter (with the closest known names).

    Args:
        names: Dotted names to check.
        known: The declared dotted names.
    """
    known = list(known)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise ScenarioError(
                f"unknown parameter {name}{hint} (dotted names, or __ for each dot in keyword arguments; "
                "`throughflow params` lists them)"
            )


def complete(values: Mapping[str, Any], scenario: ScenarioBase) -> dict[str, Any]:
    """Complete shares that must sum to 1 when only some of them are given.

    Args:
        values: Dotted names and values.
        scenario: The scenario the values apply to (the proportions of the shares not given).

    Returns:
        ``values`` plus the shares not given of each partly given composition: they share
        ``1 - sum(given)`` in their proportions in ``scenario`` (evenly when those are zero).
        A composition given in full, or not at all, is left as it is.
    """
    out = dict(values)
    current = flatten(scenario)
    for members in COMPOSITIONS:
        given = [m for m in members if m in out]
        rest = [m for m in members if m not in out]
        if not given or not rest:
            continue
        left = max(0.0, 1.0 - sum(float(out[m]) for m in given))
        weights = [float(current[m]) for m in rest]
        total = sum(weights)
        for member, weight in zip(rest, weights, strict=True):
            out[member] = left * (weight / total if total > 0 else 1.0 / len(rest))
    return out


def apply(scenario: ScenarioBase, params: Mapping[str, Any]) -> ScenarioBase:
    """The scenario with parameters replaced, given by keyword or dotted name (validated).

    Args:
        scenario: A validated scenario.
        params: ``{"population__share_low": 0.5}`` or ``{"population.share_low": 0.5}``.
            ``name`` and ``description`` are accepted too.

    Returns:
        A new validated scenario (``scenario`` itself when ``params`` is empty).

    Raises:
        ScenarioError: For an unknown name or an invalid value (one line naming the parameter).
    """
    if not params:
        return scenario
    values = {dotted(k): v for k, v in params.items()}
    check_names((k for k in values if k not in ("name", "description")), declared(type(scenario)))
    return with_values(scenario, complete(values, scenario))


def parse_assignments(items: Iterable[str]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` strings (``--set``): values are read as YAML (``true``, ``0.4``, ``random_share``).

    Args:
        items: Strings such as ``population.share_low=0.5`` or ``labs__enabled=true``.

    Returns:
        Dotted names and typed values, in order (a later assignment of a name wins).

    Raises:
        ScenarioError: For an item without ``=``, an unknown name or a value that is not a scalar.
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = dotted(key.strip())
        if not sep or not key:
            raise ScenarioError(f"--set {item!r}: expected KEY=VALUE, e.g. population.share_low=0.5")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            raise ScenarioError(f"--set {item!r}: cannot read the value") from None
        if isinstance(value, dict | list):
            raise ScenarioError(f"--set {item!r}: the value must be a single number, switch or word")
        out[key] = value
    check_names((k for k in out if k not in ("name", "description")), declared())
    return out
