"""Mechanisms: each one declares its parameters, state, events, counters and streams, and owns its step.

A mechanism (arrivals, placement, a mentor's referrals, a conversation club …) is one class
in one module under :mod:`throughflow.processes`, registered once in
:data:`throughflow.processes.MECHANISMS`. It declares, as class attributes:

* ``section`` and ``Pars``: the dotted path of its parameter section and the section's
  pydantic class (every parameter with unit, range and source, see
  :mod:`throughflow.parameters`); the scenario schema is composed from them
  (:mod:`throughflow.schema`), so the section appears in scenario files, the ODD tables and
  the sensitivity analysis without further work;
* ``pillar``: the pillar of the mentoring-to-NEC model it belongs to (``None`` for the world
  without the programme) and, through :meth:`Mechanism.active`, when it runs: a mechanism of
  a pillar runs when the pillar and its own ``enabled`` switch are on, and ``requires`` names
  mechanisms that must run too;
* ``refugee_columns`` and ``mentor_columns``: its state (columns added to the people's tables);
* ``events``: the kinds of per-agent events it logs, with :meth:`Mechanism.describe` telling
  them in words for the trace;
* ``counters`` and ``costs``: what it counts each month (the recorder's named channels) and
  which of its prices turn a count into public cost;
* ``streams``: its random streams: its own (named after it) and any others it declares here
  (named ``<mechanism>.<suffix>``), so turning one mechanism on or off never shifts another's
  numbers;
* ``steps``: which of its methods run in which phase of the monthly schedule;
* for lab activities, ``employer_facing`` (the month's employer support is paid when one
  runs) and ``draws_seekers`` (it draws from the month's job seekers, which the ecosystem
  lists only in months such an activity meets).

Mechanisms act on one another only through the shared state (the people's tables, the
institutions) and through *hooks*: named methods that the core mechanisms call on every
active mechanism that defines them (:data:`HOOKS`): warm-application channels, hazard
multipliers, search effort and the like. A switched-off mechanism has no step and no hook,
so nothing tests switches outside :meth:`Mechanism.active`, and the parameters a run can
read follow from its active mechanisms (:mod:`throughflow.inertness`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from throughflow.limits import Entity
from throughflow.parameters import ScenarioBase, Section
from throughflow.randomness import chosen, uniforms

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.words import Words


class Phase(IntEnum):
    """The steps of the monthly schedule, in order (ODD: Process overview and scheduling)."""

    START = 0
    ARRIVE = 1
    ORGANISE = 2
    PLACE = 3
    WORK = 4
    SUPPORT = 5
    VACANCIES = 6
    HIRE = 7
    CONTRACT_END = 8
    DYNAMICS = 9


@dataclass(frozen=True)
class Column:
    """A state column of a table of people.

    Attributes:
        dtype: numpy dtype.
        fill: Value of a new row.
        shape: Extra shape of each row (``()`` for a scalar column).
        doc: What the column holds.
    """

    dtype: Any
    fill: Any
    doc: str
    shape: tuple[int, ...] = ()


@dataclass(frozen=True)
class Counter:
    """A named monthly counter of the recorder.

    Attributes:
        name: Column name in the time series.
        doc: What is counted.
        by_qualification: Counts refugees, per qualification group (and, when priced, per
            arrival cohort for the cost by horizon; :meth:`Mechanism.count_people`); else a
            number once per month, on the ``all`` rows of the time series.
    """

    name: str
    doc: str
    by_qualification: bool = True


@dataclass(frozen=True)
class CostItem:
    """A public cost: a counter priced by a parameter.

    Attributes:
        name: Cost component (time-series column ``cost_<name>_eur``).
        counter: The counter it prices (a recorder channel).
        price: Dotted name of the price parameter.
    """

    name: str
    counter: str
    price: str


class Mechanism[P: Section]:
    """Base of every mechanism (see the module docstring for the declarations).

    Args:
        model: The model the mechanism acts in.

    Attributes:
        model: The model.
        pars: The mechanism's own parameter section (``None`` without one).
    """

    name: ClassVar[str] = ""
    pillar: ClassVar[str | None] = None
    section: ClassVar[str] = ""
    Pars: ClassVar[type[Section] | None] = None
    reads: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[tuple[str, ...]] = ()
    refugee_columns: ClassVar[dict[str, Column]] = {}
    mentor_columns: ClassVar[dict[str, Column]] = {}
    events: ClassVar[tuple[str, ...]] = ()
    counters: ClassVar[tuple[Counter, ...]] = ()
    costs: ClassVar[tuple[CostItem, ...]] = ()
    streams: ClassVar[tuple[str, ...]] = ()
    steps: ClassVar[dict[Phase, str]] = {}
    employer_facing: ClassVar[bool] = False
    draws_seekers: ClassVar[bool] = False

    def __init__(self, model: ThroughflowModel) -> None:
        self.model = model
        self._key: int | None = None
        self._rngs: dict[str, np.random.Generator] = {}
        self.pars: P = model.scenario.section(self.section) if self.Pars is not None else None  # type: ignore[assignment]

    @classmethod
    def switched_on(cls, scenario: ScenarioBase) -> bool:
        """Whether the mechanism's own switches are on (its pillar's and its ``enabled``).

        Mechanisms with a finer condition override this; it must read switches only.
        """
        if cls.pillar is not None and not scenario.section(cls.pillar).enabled:
            return False
        if cls.Pars is not None and "enabled" in cls.Pars.model_fields and cls.section != cls.pillar:
            return bool(scenario.section(cls.section).enabled)
        return True

    @classmethod
    def sizes(cls, scenario: ScenarioBase, months: int) -> list[Entity]:
        """The entities the mechanism creates in a run of ``months`` months (for the world-size guard)."""
        return []

    @classmethod
    def check(cls, scenario: ScenarioBase) -> None:
        """Validate what the mechanism needs of the whole scenario when it runs (raise ``ValueError`` with one line)."""

    @classmethod
    def doc(cls) -> str:
        """First line of the mechanism's docstring."""
        return (cls.__doc__ or cls.name).strip().splitlines()[0]

    def init(self) -> None:
        """Build the mechanism's initial state (after the world and every mechanism exist)."""

    def observe(self, month: int) -> None:
        """Record the mechanism's month-level figures at the end of the month (its counters)."""

    def stream(self, suffix: str = "") -> np.random.Generator:
        """The mechanism's own random stream, or (``suffix``) one of its other declared streams."""
        rng = self._rngs.get(suffix)
        if rng is None:
            if suffix and suffix not in self.streams:
                raise KeyError(f"{self.name} declares no stream {suffix!r}")
            rng = self._rngs[suffix] = self.model.stream(f"{self.name}.{suffix}" if suffix else self.name)
        return rng

    @property
    def key(self) -> int:
        """The key of the mechanism's counter-based uniforms (:func:`~throughflow.randomness.uniforms`)."""
        key = self._key
        if key is None:
            key = self._key = self.model.stream_key(self.name)
        return key

    def uniforms(self, month: int, rows: np.ndarray, draw: int = 0) -> np.ndarray:
        """Counter-based per-agent uniforms of this mechanism (see :mod:`throughflow.randomness`)."""
        return uniforms(self.key, month, rows, draw)

    def chance(self, month: int, rows: np.ndarray, p: float | np.ndarray, draw: int = 0) -> np.ndarray:
        """The ``rows`` for whom an event of probability ``p`` happens: ``rows[self.uniforms(month, rows, draw) < p]``."""
        return chosen(self.key, month, rows, p, draw)

    def log(self, month: int, event: str, agents: np.ndarray, ref: Any = -1, value: Any = 0.0) -> None:
        """Log one of the mechanism's declared events for each of ``agents``."""
        self.model.events.log(month, self.model.event_code[event], agents, ref, value)

    def count(self, counter: str, value: Any) -> None:
        """Add to one of the recorder's month-level counters for this month."""
        self.model.recorder.add(counter, value)

    def count_people(self, counter: str, rows: np.ndarray) -> None:
        """Count refugees ``rows`` in one of the recorder's counters by qualification (and cohort) this month."""
        self.model.recorder.add_people(counter, rows, self.model.refugees)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """One of the mechanism's events in words, for the trace ("" to leave it out).

        Args:
            event: The event name (one of ``events``).
            words: Names and descriptions of the story's people and places.
            ref: The event's integer detail.
            value: The event's real detail.
        """
        return ""


HOOKS: dict[str, str] = {
    # the world's mechanisms ask
    "shock_factor": "product: (rows) -> multiplier of life-shock dropout and inactivity hazards, per refugee",
    "reentry_factor": "product: (rows) -> multiplier of the monthly return from inactivity, per inactive refugee",
    "separation_factor": "product: (rows, month) -> multiplier of the NEC separation hazard, per worker",
    "search_effort": "sum: (seekers) -> extra search effectiveness this month, per job seeker",
    "warm_applications": "each: (seekers, month) -> (holders, employer ties per holder, channel); optional applied()",
    "busy": "each: (rows, month) -> mask of refugees who do not search this month",
    "bias": "chain: (month, bias) -> employers' effective bias (per employer)",
    "visible_skill": "chain: (seekers, employers, visible) -> skill each employer sees in each applicant",
    "requirement_factor": "product: (employers) -> factor on the skill and language requirements, per employer",
    "contest_placement": "chain: (clients, offers, commute, month) -> host each client gets, who starts now",
    # the programme asks
    "enrolment_capacity": "min: () -> places free in the programme (none: unlimited)",
    "enrolment_filter": "and: (rows, month) -> mask of eligible refugees the programme may enrol (a trial's offer)",
    "assign_mentors": "each: (mentees, month) -> mentor of each mentee (-1: none free; not enrolled)",
    "match_mentors": "first: (mentees, places) -> index in places each mentee takes (-1: none)",
    "leaving_mentors": "concat: (month) -> mentors who leave this month",
    "pairs_end": "each: (pairs, mentees, mentors, reasons, leaving mentors, month) -> None",
    "mentors_leave": "each: (leaving mentors) -> None",
    "mentor_stop_factor": "product: (mentors) -> factor on the chance that each mentor stops taking mentees after a pair",
    "breakdown_factor": "product: () -> factor on the monthly pair breakdown probability",
    "stay_on_months": "max: () -> months a pair goes on after the mentee's hire",
    "recruitment_factor": "product: () -> factor on mentor recruitment",
    "advocacy_gain": "sum: () -> advocacy added to newly recruited mentors",
}
"""Every hook a mechanism may define: how the results of several mechanisms combine, and its signature."""
