"""Descriptors that make a Mesa agent a view on one row of a columnar table, and their creation in batches."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import mesa
from mesa.agentset import _HardKeyAgentSet
from mesa.model import ModelSignals, _mesa_logger


class Column:
    """Attribute that reads and writes ``model.<table>.<name>[agent.row]``.

    Args:
        table: Attribute name of the table on the model (``"refugees"``).
        cast: Converts the stored value when read (e.g. to an ``Enum``).

    """

    def __init__(self, table: str, cast: Callable[[Any], Any] = lambda v: v.item()) -> None:
        self.table = table
        self.cast = cast
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: Any, owner: type | None = None) -> Any:
        if agent is None:
            return self
        return self.cast(getattr(getattr(agent.model, self.table), self.name)[agent.row])

    def __set__(self, agent: Any, value: Any) -> None:
        getattr(getattr(agent.model, self.table), self.name)[agent.row] = value


def add_views[A: mesa.Agent](model: mesa.Model, cls: type[A], rows: Sequence[int]) -> list[A]:
    """Create one ``cls`` agent for each table row and register them with the model.

    The result is what ``[cls(model, row) for row in rows]`` gives (Mesa's
    ``Agent.__init__`` and ``Model.register_agent``): each agent in the model's agent set
    and in its type's set, consecutive unique ids, one "agent added" signal per agent and
    Mesa's debug line when that level is on (the signals are skipped, as ``notify`` would
    skip them, when no one observes them). It is done for the whole batch at once, at half
    the cost a refugee cohort of the 100,000-refugee run would take one agent at a time.
    ``cls`` must be a view whose ``__init__`` only stores ``row`` (as :class:`Refugee` and
    :class:`Mentor`); a class that Mesa tracks in a data registry is created one by one.

    Args:
        model: The Mesa model.
        cls: The agent class.
        rows: Table rows, one agent each.

    Returns:
        The new agents, in the order of ``rows``.
    """
    if cls._datasets:  # Mesa's data registry tracks this class: let Agent.__init__ register each agent
        return [cls(model, row) for row in rows]
    first = model.agent_id_counter
    agents: list[A] = []
    new = object.__new__
    for unique_id, row in enumerate(rows, start=first):
        agent = new(cls)
        agent.model, agent.unique_id, agent.pos, agent.row = model, unique_id, None, row
        agents.append(agent)
    model.agent_id_counter = first + len(agents)
    added = dict.fromkeys(agents)
    model._all_agents._agents.update(added)
    by_type = model._agents_by_type.get(cls)
    if by_type is None:
        model._agents_by_type[cls] = _HardKeyAgentSet(agents, random=model.random)
    else:
        by_type._agents.update(added)
    debug = _mesa_logger.isEnabledFor(logging.DEBUG)
    signalled = _signalled(model, ("agents", ModelSignals.AGENT_ADDED))
    if debug or signalled:
        for agent in agents:
            if debug:
                _mesa_logger.debug(f"registered {cls.__name__} with agent_id {agent.unique_id}")
            if signalled:
                model.notify("agents", ModelSignals.AGENT_ADDED, args=(agent,))
    return agents


def _signalled(model: mesa.Model, key: tuple[str, Any]) -> bool:
    """Whether ``model.notify`` would do anything for the signal ``key`` now.

    ``notify`` returns at once when signals are suppressed, or when no batch of signals is
    open and no one observes the signal: then the per-agent calls can be skipped.
    """
    if model._suppress:
        return False
    return model._batch_context is not None or key in model.subscribers
