"""Which mechanisms run in a scenario: their own switches, their pillar's and the mechanisms they require."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from throughflow.mechanism import Mechanism
from throughflow.parameters import ScenarioBase


def active_mechanisms(mechanisms: Sequence[type[Mechanism[Any]]], scenario: ScenarioBase) -> tuple[type[Mechanism[Any]], ...]:
    """The mechanisms that run in ``scenario``, in registration order.

    A mechanism runs when every mechanism it ``requires`` runs and
    :meth:`~throughflow.mechanism.Mechanism.switched_on` holds (in that order: the switches of a
    mechanism that cannot run are not even read).

    Args:
        mechanisms: The registered mechanisms.
        scenario: A validated scenario.

    Returns:
        The active mechanism classes.

    Raises:
        ValueError: If a mechanism requires one that is not registered before it.
    """
    on: set[str] = set()
    for m in mechanisms:  # a required mechanism is registered earlier: one pass decides
        missing = [r for r in m.requires if r not in {x.name for x in mechanisms[: mechanisms.index(m)]}]
        if missing:
            raise ValueError(f"mechanism {m.name} requires {', '.join(missing)}, which must be registered before it")
        if all(r in on for r in m.requires) and m.switched_on(scenario):
            on.add(m.name)
    return tuple(m for m in mechanisms if m.name in on)
