"""ThroughflowModel: builds the world and runs the monthly schedule (ODD: Process overview).

Each month, in this order (MODEL.md §3): arrivals; the mentoring organisation (recruit,
end pairs, enrol and match); OCMW placement; work experience; mentoring and learning labs;
vacancies; job search and hiring; contract ends; employment dynamics; observation.

All randomness comes from one seed: ``numpy.random.SeedSequence(seed)`` is spawned into one
child stream per process (fixed order, whatever the scenario switches on), so that turning a
process on or off does not shift the random numbers of the others.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from throughflow.agents import (
    Employer,
    EmployerTable,
    HostTable,
    MentoringOrganisation,
    Ocmw,
    OcmwTable,
    OtherHost,
    VacancyPool,
    Wise,
)
from throughflow.agents.mentor import Mentor
from throughflow.agents.refugee import Refugee
from throughflow.geography import build_region
from throughflow.parameters import Scenario
from throughflow.population import EventLog, MentorTable, PairTable, RefugeeTable
from throughflow.processes.arrivals import arrive, trait_beta
from throughflow.processes.contracts import end_contracts
from throughflow.processes.employment import employment_dynamics
from throughflow.processes.hiring import search_and_hire
from throughflow.processes.learning_labs import run_labs
from throughflow.processes.mentoring import mentor, organise, recruit
from throughflow.processes.placement import place
from throughflow.processes.story import begin_story
from throughflow.processes.vacancies import open_vacancies
from throughflow.processes.work_experience import work
from throughflow.randomness import Categorical, stream_key, uniforms
from throughflow.recorder import Recorder
from throughflow.scenario import load_scenario

STREAMS = (
    "init",
    "arrivals",
    "mentoring_draws",
    "mentoring",
    "mentoring_effects",
    "placement",
    "work",
    "labs",
    "vacancies",
    "hiring",
    "contracts",
    "employment",
    "story",
    "ties",
)
"""One independent random stream per process, spawned in this fixed order."""


class ThroughflowModel(mesa.Model):
    """Refugees moving from art. 60 work experience into sustainable NEC employment.

    Args:
        scenario: A :class:`~throughflow.parameters.Scenario`, a scenario file or shipped
            name, a nested mapping, or ``None`` for the default (baseline) scenario.
        seed: Root seed of the run.
        months: Horizon; defaults to the scenario's ``months``.
        record_events: Keep the per-agent event log (traces need it; sweeps switch it off).

    Attributes:
        refugees: Columnar state of all refugees (:class:`RefugeeTable`).
        mentors: Columnar state of all mentors.
        pairs: Mentoring pairs (or enrolments without a volunteer).
        hosts: Art. 60 hosts (WISEs and others).
        employers: NEC employers.
        vacancies: Open vacancies.
        ocmw_table: State of the OCMWs (budgets, openness), one row per municipality.
        ocmws: One OCMW agent per municipality (index = municipality).
        org: The mentoring organisation.
        events: Per-agent event log.
        recorder: Monthly records.
        story_agent: Row of the story's refugee (``juul_kamin``), else ``None``.

    """

    def __init__(
        self,
        scenario: Scenario | str | dict[str, Any] | None = None,
        *,
        seed: int = 0,
        months: int | None = None,
        record_events: bool = True,
    ) -> None:
        """Build the world at month 0."""
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS) + 1)
        super().__init__(rng=np.random.default_rng(children[0]))
        self._spec = spec
        self.seed = int(seed)
        self.months = int(months if months is not None else spec.months)
        self.streams = {name: np.random.default_rng(child) for name, child in zip(STREAMS, children[1:], strict=True)}
        self._keys = {name: stream_key(rng) for name, rng in self.streams.items()}
        init = self.streams["init"]
        scale = spec.population.scale

        self.region = build_region(spec.geography, init)
        self.hosts = HostTable(spec, self.region, init)
        self.employers = EmployerTable(spec, self.region, init)
        self.vacancies = VacancyPool()
        lm = spec.labour_market
        self.hours_per_level = np.array([lm.hours_per_level_low, lm.hours_per_level_medium, lm.hours_per_level_high])
        self.ocmw_table = OcmwTable(spec.art60.starts_per_month * scale * self.region.weight, spec.art60.ocmw_openness)
        self.ocmws = [Ocmw(self, m) for m in range(self.region.n)]
        self.host_agents = [(Wise if self.hosts.is_wise[h] else OtherHost)(self, h) for h in range(self.hosts.n)]
        self.employer_agents = [Employer(self, e) for e in range(self.employers.n)]
        expected = int(spec.population.arrivals_per_month * scale * min(self.months, spec.population.arrival_months) * 1.1) + 64
        pop, a = spec.population, spec.art60
        self.qualification_mix = Categorical([pop.share_low, pop.share_medium, pop.share_high])
        self.home_mix = Categorical(self.region.weight)
        self.contract_mix = Categorical([a.share_12m, a.share_18m, a.share_24m])
        self.refugees = RefugeeTable(expected)
        self.trait_beta = trait_beta(spec.population)
        self.mentors = MentorTable()
        self.pairs = PairTable()
        self.events = EventLog(expected * 16 if record_events else 16)
        self.events.enabled = record_events
        self.recorder = Recorder(self.months, spec.costs)
        self.refugee_agents: list[Refugee] = []
        self.mentor_agents: list[Mentor] = []
        m = spec.mentoring
        self.org = MentoringOrganisation(self, capacity=round(m.capacity_pairs * scale))
        if m.one_on_one:
            recruit(self, round(m.mentors_initial * scale), 0)
        self.story_agent: int | None = None
        self.story_mentor: int | None = None

    @property
    def scenario(self) -> Scenario:
        """The validated throughflow scenario of this run."""
        return self._spec

    @scenario.setter
    def scenario(self, value: Any) -> None:
        # Mesa assigns its own (empty) Scenario object here during Model.__init__.
        self._mesa_scenario = value
        value.model = self

    def uniforms(self, process: str, month: int, rows: np.ndarray, draw: int = 0) -> np.ndarray:
        """Per-agent uniform numbers of a process (see :mod:`throughflow.randomness`)."""
        return uniforms(self._keys[process], month, rows, draw)

    def step(self) -> None:
        """Advance one month through the ten steps of the schedule."""
        month = self.steps
        if month == 1 and self._spec.story.enabled:
            begin_story(self, month)
        arrive(self, month)
        organise(self, month)
        place(self, month)
        work(self, month)
        mentor(self, month)
        run_labs(self, month)
        open_vacancies(self, month)
        search_and_hire(self, month)
        end_contracts(self, month)
        employment_dynamics(self, month)
        self.recorder.observe(self, month)
        if month >= self.months:
            self.running = False

    def run(self) -> ThroughflowModel:
        """Run the remaining months of the horizon and return the model."""
        while self.running and self.steps < self.months:
            self.step()
        return self
