"""ThroughflowModel: builds the world and runs the monthly schedule of the active mechanisms.

The schedule (docs/MODEL.md §3, ODD: Process overview) is the list of registered mechanisms
(:data:`throughflow.processes.MECHANISMS`), each stepping in its phases: arrivals; the
mentoring organisation (recruit, end pairs, enrol and match); OCMW placement; work
experience; mentoring and learning labs; vacancies; job search and hiring; contract ends;
employment dynamics; observation. Mechanisms that the scenario switches off are not built.

All randomness comes from one seed: each named stream (one or more per mechanism) is seeded
from the seed and the stream's name, so that turning a mechanism on or off does not shift
the random numbers of the others (common random numbers across scenarios).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import mesa
import numpy as np

from throughflow.agents import Employer, EmployerTable, HostTable, Ocmw, OcmwTable, OtherHost, VacancyPool, Wise
from throughflow.agents.mentor import Mentor
from throughflow.agents.mentoring_org import MentoringOrganisation
from throughflow.agents.refugee import Refugee
from throughflow.agents.view import add_views
from throughflow.geography import build_region
from throughflow.keywords import apply as apply_params
from throughflow.mechanism import HOOKS, Column, Mechanism, Phase
from throughflow.parameters import ScenarioBase
from throughflow.population import EventLog, MentorTable, PairTable, RefugeeTable
from throughflow.processes.arrivals import trait_beta
from throughflow.randomness import Categorical, uniforms
from throughflow.recorder import Recorder
from throughflow.reporters import datacollector, root_seed
from throughflow.scenario import load_scenario
from throughflow.schema import mechanisms_of
from throughflow.switches import active_mechanisms


def _spawn_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class ThroughflowModel(mesa.Model):
    """Refugees moving from art. 60 work experience into sustainable NEC employment.

    Args:
        scenario: A validated scenario, a scenario file or shipped name, a nested mapping,
            or ``None`` for the default (baseline) scenario.
        rng: As in Mesa 3.5: an integer seed, a ``numpy.random.Generator`` or
            ``SeedSequence``, or ``None`` for fresh entropy (:func:`~throughflow.reporters.root_seed`).
        seed: Root seed of the run (an integer; the same as ``rng=`` with an integer).
        months: Horizon; defaults to the scenario's ``months``.
        record_events: Keep the per-agent event log (traces need it; sweeps switch it off).
        collect: Collect the ``DataCollector``'s monthly reporters (experiments that keep only
            the run's indicators switch it off; their figures come from the recorder).
        **params: Parameters of the scenario by name, a double underscore for each dot
            (``population__share_low=0.5``; see :mod:`throughflow.keywords`).

    Raises:
        ScenarioError: For an unknown parameter or an invalid value.

    Attributes:
        refugees: Columnar state of all refugees (:class:`RefugeeTable`).
        mentors: Columnar state of all mentors.
        pairs: Mentoring pairs (or enrolments without a volunteer).
        hosts: Art. 60 hosts (WISEs and others).
        employers: NEC employers.
        vacancies: Open vacancies.
        ocmw_table: State of the OCMWs (budgets, openness), one row per municipality.
        ocmws: One OCMW agent per municipality (index = municipality).
        org: The mentoring organisation (a Mesa agent; its mechanism runs only with pillar 2).
        mechanisms: The active mechanisms by name, in schedule order.
        hooks: For each hook name (:data:`~throughflow.mechanism.HOOKS`), the active
            mechanisms' bound methods.
        events: Per-agent event log.
        recorder: Monthly records (the fast recorder of experiments).
        datacollector: Mesa's ``DataCollector`` with the monthly reporters of
            :data:`~throughflow.reporters.REPORTERS`, collected at month 0 and after every month
            (empty with ``collect=False``).
        seed: The root seed every random stream derives from.
        story_agent: Row of the story's refugee (``juul_kamin``), else ``None``.
        story_advocacy: Whether the mentor's advocacy for the story's refugee succeeded
            (``None``: no advocacy).
    """

    def __init__(
        self,
        scenario: ScenarioBase | str | dict[str, Any] | None = None,
        *,
        rng: Any = None,
        seed: int | None = None,
        months: int | None = None,
        record_events: bool = True,
        collect: bool = True,
        **params: Any,
    ) -> None:
        """Build the world at month 0."""
        spec = scenario if isinstance(scenario, ScenarioBase) else load_scenario(scenario)
        spec = apply_params(spec, params)
        self.seed = root_seed(rng, seed)
        super().__init__(rng=np.random.default_rng(self._seed_sequence("mesa")))
        self._spec = spec
        self.months = int(months if months is not None else spec.months)
        self._streams: dict[str, np.random.Generator] = {}
        self._keys: dict[str, int] = {}
        registered = mechanisms_of(spec)
        active = active_mechanisms(registered, spec)

        scale = spec.population.scale
        self.region = build_region(spec.geography, self.stream("region"))
        self.hosts = HostTable(spec, self.region, self.stream("hosts"))
        self.employers = EmployerTable(spec, self.region, self.stream("employers"))
        self.vacancies = VacancyPool()
        lm = spec.labour_market
        self.hours_per_level = np.array([lm.hours_per_level_low, lm.hours_per_level_medium, lm.hours_per_level_high])
        self.ocmw_table = OcmwTable(spec.art60.starts_per_month * scale * self.region.weight, spec.art60.ocmw_openness)
        self.ocmws = [Ocmw(self, m) for m in range(self.region.n)]
        self.host_agents = [(Wise if self.hosts.is_wise[h] else OtherHost)(self, h) for h in range(self.hosts.n)]
        self.employer_agents = add_views(self, Employer, range(self.employers.n))
        pop, a = spec.population, spec.art60
        expected = int(pop.arrivals_per_month * scale * min(self.months, pop.arrival_months) * 1.1) + 64
        self.qualification_mix = Categorical([pop.share_low, pop.share_medium, pop.share_high])
        self.home_mix = Categorical(self.region.weight)
        self.contract_mix = Categorical([a.share_12m, a.share_18m, a.share_24m])
        self.refugees = RefugeeTable(expected, _columns(registered, "refugee_columns"))
        self.trait_beta = trait_beta(pop)
        self.mentors = MentorTable(extra=_columns(registered, "mentor_columns"))
        self.pairs = PairTable()
        self.event_names = tuple(event for m in registered for event in m.events)
        self.event_code = {name: code for code, name in enumerate(self.event_names)}
        self.event_owner = {event: m for m in registered for event in m.events}
        self.events = EventLog(self.event_names, expected * 16 if record_events else 16)
        self.events.enabled = record_events
        self.recorder = Recorder(
            self.months,
            (c for m in registered for c in m.counters),
            (c for m in registered for c in m.costs),
            (c.name for m in active for c in m.costs),
            spec,
        )
        self.refugee_agents: list[Refugee] = []
        self.mentor_agents: list[Mentor] = []
        self.org = MentoringOrganisation(self)
        self.story_agent: int | None = None
        self.story_mentor: int | None = None
        self.story_advocacy: bool | None = None

        self.mechanisms: dict[str, Mechanism[Any]] = {m.name: m(self) for m in active}
        self.hooks: dict[str, list[Callable[..., Any]]] = {
            hook: [getattr(m, hook) for m in self.mechanisms.values() if callable(getattr(m, hook, None))] for hook in HOOKS
        }
        self._schedule: list[Callable[[int], None]] = [
            getattr(m, method)
            for phase in Phase
            for m in self.mechanisms.values()
            for step_phase, method in m.steps.items()
            if step_phase is phase
        ]
        self._observers = [m.observe for m in self.mechanisms.values() if type(m).observe is not Mechanism.observe]
        for m in self.mechanisms.values():
            m.init()
        self.datacollector = datacollector()
        self._collect = collect
        if collect:
            self.datacollector.collect(self)

    @property
    def scenario(self) -> ScenarioBase:
        """The validated throughflow scenario of this run."""
        return self._spec

    @scenario.setter
    def scenario(self, value: Any) -> None:
        # Mesa assigns its own (empty) Scenario object here during Model.__init__.
        self._mesa_scenario = value
        value.model = self

    def _seed_sequence(self, name: str) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(_spawn_key(name),))

    def stream(self, name: str) -> np.random.Generator:
        """The random stream called ``name`` (created on first use from the seed and the name)."""
        rng = self._streams.get(name)
        if rng is None:
            rng = self._streams[name] = np.random.default_rng(self._seed_sequence(name))
        return rng

    def stream_key(self, name: str) -> int:
        """The 63-bit key of the counter-based numbers of the stream ``name`` (from the seed and the name)."""
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = int(self._seed_sequence(f"{name}#counter").generate_state(1, np.uint64)[0] >> 1)
        return key

    def uniforms(self, name: str, month: int, rows: np.ndarray, draw: int = 0) -> np.ndarray:
        """Per-agent uniform numbers of the stream ``name`` (see :mod:`throughflow.randomness`)."""
        return uniforms(self.stream_key(name), month, rows, draw)

    def active(self, name: str) -> bool:
        """Whether the mechanism called ``name`` runs in this scenario."""
        return name in self.mechanisms

    def product(self, hook: str, *args: Any) -> Any:
        """The product of a multiplier hook over the active mechanisms (1.0 when none defines it)."""
        calls = self.hooks[hook]
        if not calls:
            return 1.0
        out = calls[0](*args)
        for call in calls[1:]:
            out = out * call(*args)
        return out

    def step(self) -> None:
        """Advance one month through the schedule of the active mechanisms."""
        month = self.steps
        for step in self._schedule:
            step(month)
        for observe in self._observers:
            observe(month)
        self.recorder.observe(self, month)
        if self._collect:
            self.datacollector.collect(self)
        if month >= self.months:
            self.running = False

    def run(self) -> ThroughflowModel:
        """Run the remaining months of the horizon and return the model."""
        while self.running and self.steps < self.months:
            self.step()
        return self


def _columns(mechanisms: tuple[type[Mechanism[Any]], ...], table: str) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for m in mechanisms:
        for name, column in getattr(m, table).items():
            if name in out:
                raise ValueError(f"column {name!r} is declared by two mechanisms")
            out[name] = column
    return out
