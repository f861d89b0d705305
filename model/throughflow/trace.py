"""Tell one refugee's trajectory in words, month by month, from the event log.

Everything in the narrative comes from the run's event log and the institutions' tables:
placement offers, advocacy, the host, commute and trade fit, mentor actions, applications,
hires, contract end, separations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import SECTORS, Event, Lab, PairEnd, Qualification, Status
from throughflow.processes.hiring import APPRENTICESHIP, COACH_REFERRAL, COLD, MENTOR_REFERRAL, OWN_TIE

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

CHANNELS = {
    COLD: "a cold application",
    OWN_TIE: "an own contact",
    MENTOR_REFERRAL: "a mentor referral",
    COACH_REFERRAL: "a WISE job coach's referral",
    APPRENTICESHIP: "an apprenticeship",
}


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
    story = model.scenario.story
    is_story = agent == model.story_agent
    name = story.name if is_story else f"Refugee #{agent}"
    mentor_name = story.mentor_name if is_story else "the mentor"
    ev = model.events
    rows = np.flatnonzero(ev.column("agent") == agent)
    lines: list[str] = []
    for i in rows:
        month, kind, ref, value = int(ev.month[i]), Event(int(ev.kind[i])), int(ev.ref[i]), float(ev.value[i])
        text = _sentence(model, agent, name, mentor_name, kind, ref, value)
        if text:
            lines.append(f"Month {month:3d}: {text}")
    lines.append(f"Month {model.steps:3d}: End of the run: {name} is {Status(int(r.status[agent])).name}.")
    return lines


def _place(model: ThroughflowModel, municipality: int) -> str:
    return model.region.names[municipality]


def _host(model: ThroughflowModel, host: int) -> str:
    h = model.hosts
    kind = "WISE" if h.is_wise[host] else "host"
    return f"{kind} #{host} ({SECTORS[int(h.sector[host])]}, {_place(model, int(h.municipality[host]))})"


def _employer(model: ThroughflowModel, employer: int) -> str:
    e = model.employers
    return f"employer #{employer} ({SECTORS[int(e.sector[employer])]}, {_place(model, int(e.municipality[employer]))})"


def _sentence(model: ThroughflowModel, agent: int, name: str, mentor_name: str, kind: Event, ref: int, value: float) -> str:
    r = model.refugees
    trade = SECTORS[int(r.trade[agent])]
    their = "his" if agent == model.story_agent else "their"
    if kind is Event.ARRIVE:
        return (
            f"{name} ({Qualification(ref).name} qualified, trade {trade}) becomes a client of the OCMW of "
            f"{_place(model, int(r.home[agent]))}."
        )
    if kind is Event.MATCH:
        if ref < 0:
            return f"{name} enrols with the mentoring organisation."
        return f"{name} is matched with {mentor_name} (mentor #{ref}, advocacy {model.mentors.advocacy[ref]:.2f})."
    if kind is Event.OFFER:
        fit = f"in {their} trade" if model.hosts.sector[ref] == r.trade[agent] else f"outside {their} trade"
        return f"The OCMW offers an art. 60 place at {_host(model, ref)}: {value:.0f} min by public transport, {fit}."
    if kind is Event.ADVOCACY:
        verdict = "the OCMW agrees to look for a better place" if ref else "the OCMW is reluctant and refuses"
        return f"{mentor_name} goes with {name} to the OCMW to contest the offer; {verdict} (openness now {value:.2f})."
    if kind is Event.PLACE:
        fit = f"in {their} trade" if model.hosts.sector[ref] == r.trade[agent] else f"outside {their} trade"
        return f"{name} starts art. 60 work experience at {_host(model, ref)}: {value:.0f} min from home, {fit}."
    if kind is Event.APPLY:
        return f"{name} sends {ref} cold application(s); {value:.0f} warm application(s)."
    if kind is Event.REFER:
        return f"{mentor_name} refers {name} to an open vacancy at {_employer(model, ref)}."
    if kind is Event.HIRE:
        channel = CHANNELS.get(int(value), "an application")
        return f"{name} is hired by {_employer(model, ref)} through {channel}."
    if kind is Event.START_JOB:
        return f"{name} starts an NEC job at {_employer(model, ref)} ({value:.0f} min commute)."
    if kind is Event.CONTRACT_END:
        outcome = {
            Status.NEC: "moves to the NEC job",
            Status.WISE_JOB: "is retained by the WISE",
            Status.UNEMPLOYED: "goes on benefit",
        }
        return f"The art. 60 contract ends (skill now {value:.2f}); {name} {outcome.get(Status(ref), 'leaves')}."
    if kind is Event.DROPOUT:
        return f"{name} drops out of the placement ({value:.0f} min commute) and leaves the labour market."
    if kind is Event.SEPARATION:
        return f"{name} loses the job at {_employer(model, ref)} after {value:.0f} months and goes on benefit."
    if kind is Event.INACTIVE:
        return f"{name} leaves the labour market."
    if kind is Event.TIE:
        return f"{mentor_name} introduces {name} to {_employer(model, ref)}."
    if kind is Event.RECOGNITION:
        return f"With {mentor_name}'s help a diploma is recognised (recognition now {value:.2f})."
    if kind is Event.LAB:
        return f"{name} takes part in a learning lab: {Lab(ref).name.replace('_', ' ').lower()}."
    if kind is Event.PAIR_END:
        return f"The mentoring pair ends ({PairEnd(ref).name.replace('_', ' ').lower()})."
    return ""
