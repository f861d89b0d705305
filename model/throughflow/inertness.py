"""Which parameters a run can read, derived from its active mechanisms; the canonical form of a scenario.

A mechanism that does not run reads none of its parameters: a run of a scenario can read
only the world's parameters (population, geography, art. 60, labour market, costs) and the
sections of its active mechanisms (:func:`throughflow.switches.active_mechanisms`), plus what
those mechanisms declare they read elsewhere (``reads``). Every other parameter is *inert*:
two scenarios that differ only in inert parameters run identically with the same seed and
horizon. A switch (``enabled``) is inert when flipping it would not change which mechanisms
run (a lab activity's switch while the labs pillar is off). :func:`effective_scenario` resets
inert parameters to their defaults and :func:`scenario_key` gives one key to all scenarios
that run identically; sweeps use it to run each distinct (scenario, seed, horizon) once.

Nothing here is kept by hand: a new mechanism's parameters are inert exactly when it does
not run. :func:`reading` records which parameters a run actually reads, and the tests check,
for every shipped scenario, that no parameter read is one this module calls inert.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from throughflow.mechanism import Mechanism
from throughflow.parameters import ScenarioBase, Section
from throughflow.scenario import flatten, parameters, with_values
from throughflow.schema import mechanisms_of
from throughflow.switches import active_mechanisms

LABELS = ("name", "description")
"""Scenario labels: the model never reads them, so they are not part of :func:`scenario_key`."""


@lru_cache(maxsize=16)
def _declarations(schema: type[ScenarioBase]) -> tuple[dict[str, Any], dict[str, str | None], frozenset[str]]:
    """Defaults, owning mechanism (``None``: the world) and prices of every parameter of a schema."""
    mechanisms = mechanisms_of_schema(schema)
    sections = sorted(((m.section, m.name) for m in mechanisms if m.Pars is not None), key=lambda s: -len(s[0]))
    defaults: dict[str, Any] = {}
    owner: dict[str, str | None] = {}
    prices = set()
    for p in parameters(schema):
        defaults[p.name] = p.default
        owner[p.name] = next((name for section, name in sections if p.name.startswith(f"{section}.")), None)
        if p.price:
            prices.add(p.name)
    return defaults, owner, frozenset(prices)


def mechanisms_of_schema(schema: type[ScenarioBase]) -> tuple[type[Mechanism[Any]], ...]:
    """The mechanisms a scenario class was composed from."""
    return tuple(getattr(schema, "MECHANISMS", ()))


def price_parameters(schema: type[ScenarioBase]) -> frozenset[str]:
    """The price parameters of a scenario class: they turn counts into costs and change no decision."""
    return _declarations(schema)[2]


class _Flipped:
    """A view of a scenario (or one of its sections) with one boolean parameter flipped."""

    def __init__(self, node: Any, path: str, flip: str) -> None:
        self._node, self._path, self._flip = node, path, flip

    def section(self, path: str) -> _Flipped:
        node: Any = self._node
        for part in path.split(".") if path else ():
            node = getattr(node, part)
        return _Flipped(node, f"{self._path}{path}.", self._flip)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._node, name)
        if f"{self._path}{name}" == self._flip:
            return not value
        if isinstance(value, Section):
            return _Flipped(value, f"{self._path}{name}.", self._flip)
        return value


def _switches(scenario: ScenarioBase, mechanisms: tuple[type[Mechanism[Any]], ...]) -> set[str]:
    """The switches the mechanisms' activity depends on (read while deciding what runs)."""
    with reading(scenario) as reads:
        for m in mechanisms:
            m.switched_on(scenario)
    return reads


def readable(scenario: ScenarioBase) -> frozenset[str]:
    """The parameters a run of ``scenario`` can read (every other parameter is inert).

    Args:
        scenario: A validated scenario.

    Returns:
        Dotted parameter names.
    """
    schema = type(scenario)
    mechanisms = mechanisms_of(scenario)
    defaults, owner, _ = _declarations(schema)
    active = active_mechanisms(mechanisms, scenario)
    running = {m.name for m in active}
    out = {name for name, who in owner.items() if who is None or who in running}
    for m in active:
        for read in m.reads:
            out.update(name for name in defaults if name == read or name.startswith(f"{read}."))
    for switch in _switches(scenario, mechanisms):
        if switch in out:
            continue
        flipped = active_mechanisms(mechanisms, _Flipped(scenario, "", switch))  # type: ignore[arg-type]
        if {m.name for m in flipped} != running:
            out.add(switch)
    return frozenset(out)


def inert_parameters(scenario: ScenarioBase) -> frozenset[str]:
    """The declared parameters that cannot change any output of a run of ``scenario``.

    Args:
        scenario: A validated scenario.

    Returns:
        Dotted parameter names (as in :func:`throughflow.scenario.flatten`) that no active
        mechanism reads.
    """
    defaults = _declarations(type(scenario))[0]
    return frozenset(defaults) - readable(scenario) - set(LABELS)


def effective_scenario(scenario: ScenarioBase) -> ScenarioBase:
    """The scenario with every inert parameter reset to its declared default.

    A run of the effective scenario equals a run of ``scenario`` with the same seed and
    horizon.
    """
    defaults = _declarations(type(scenario))[0]
    flat = flatten(scenario)
    reset = {name: defaults[name] for name in sorted(inert_parameters(scenario)) if flat[name] != defaults[name]}
    return with_values(scenario, reset) if reset else scenario


def scenario_key(scenario: ScenarioBase, months: int | None = None, prices: bool = True) -> str:
    """A key shared by exactly the scenarios that run identically (same seed given).

    Args:
        scenario: A validated scenario.
        months: The run's horizon override (``None``: the scenario's ``months``).
        prices: Whether the outputs kept include costs. Without them the prices are
            left out of the key too: they change no decision, only the cost outputs.

    Returns:
        A hexadecimal digest.
    """
    defaults, _, price = _declarations(type(scenario))
    inert = inert_parameters(scenario) | (frozenset() if prices else price)
    values = {name: defaults[name] if name in inert else value for name, value in flatten(scenario).items() if name not in LABELS}
    values["months"] = int(months if months is not None else scenario.months)
    # repr keeps every value exact and typed (1 != 1.0 != True); the order is the declaration order
    return hashlib.sha256(repr(list(values.items())).encode()).hexdigest()


@contextmanager
def reading(scenario: ScenarioBase) -> Iterator[set[str]]:
    """Record the dotted names of the parameters of ``scenario`` read inside the block.

    Example::

        with reading(scenario) as reads:
            ThroughflowModel(scenario, seed=1).run()

    Every attribute read of a parameter section of this scenario is recorded (reads of
    other scenarios' sections are not), so the set holds exactly the parameters the model
    looked at.
    """
    paths: dict[int, str] = {}

    def walk(node: Section, prefix: str) -> None:
        paths[id(node)] = prefix
        for name in type(node).model_fields:
            value = object.__getattribute__(node, "__dict__")[name]
            if isinstance(value, Section):
                walk(value, f"{prefix}{name}.")

    walk(scenario, "")
    reads: set[str] = set()
    original = Section.__getattribute__

    def tracked(self: Section, name: str) -> Any:
        value = original(self, name)
        prefix = paths.get(id(self))
        if prefix is not None and name in type(self).model_fields and not isinstance(value, Section):
            reads.add(f"{prefix}{name}")
        return value

    Section.__getattribute__ = tracked  # type: ignore[method-assign,assignment]
    try:
        yield reads
    finally:
        Section.__getattribute__ = original  # type: ignore[method-assign]
