"""Tell one refugee's trajectory in words, month by month, from the event log.

Everything in the narrative comes from the run's event log: each event is told by the
mechanism that declared it (:meth:`~throughflow.mechanism.Mechanism.describe`), with the
names of the story's people and the institutions' places (:class:`~throughflow.words.Words`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import Status
from throughflow.words import Words

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


def default_agent(model: ThroughflowModel) -> int:
    """The story's refugee, or else the first refugee whose art. 60 contract ended."""
    if model.story_agent is not None:
        return model.story_agent
    ended = np.flatnonzero(model.refugees.column("ended") >= 0)
    if ended.size == 0:
        raise ValueError("no refugee finished an art. 60 contract in this run; pass --agent")
    return int(ended[0])


def narrate(model: ThroughflowModel, agent: int) -> list[str]:
    """The trajectory of refugee ``agent`` as lines of text, one or more per month.

    Args:
        model: A finished model.
        agent: Refugee row.

    Returns:
        Lines of narrative, each starting with the month.

    Raises:
        ValueError: If ``agent`` is not a refugee of this run.
    """
    r = model.refugees
    if not 0 <= agent < r.n:
        raise ValueError(f"agent {agent} is not a refugee of this run (0..{r.n - 1})")
    is_story = agent == model.story_agent
    story = model.mechanisms.get("story")
    pars = story.pars if story is not None else None
    words = Words(
        model,
        agent,
        name=pars.name if is_story and pars is not None else f"Refugee #{agent}",
        mentor_name=pars.mentor_name if is_story and pars is not None else "the mentor",
        their="his" if is_story else "their",
    )
    ev = model.events
    rows = np.flatnonzero(ev.column("agent") == agent)
    lines: list[str] = []
    for i in rows:
        event = model.event_names[int(ev.kind[i])]
        owner = model.mechanisms[model.event_owner[event].name]
        text = owner.describe(event, words, int(ev.ref[i]), float(ev.value[i]))
        if text:
            lines.append(f"Month {int(ev.month[i]):3d}: {text}")
    lines.append(f"Month {model.steps:3d}: End of the run: {words.name} is {Status(int(r.status[agent])).name}.")
    return lines
