"""Columnar state of the many agents (refugees, mentors) and the per-agent event log.

The state of each refugee and mentor is one row of a set of numpy arrays owned by the
model (the Starsim/Covasim pattern); every monthly process is a vectorised function over
these arrays. Thin Mesa agents (:mod:`throughflow.agents`) read and write their row.
Tables grow by doubling, so adding arrivals each month is amortised O(1) per agent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numba import njit

from throughflow.mechanism import Column

NO = -1
"""Sentinel for a missing link or month in integer columns."""

MAX_TIES = 4
"""Employer ties a refugee can hold (the oldest is replaced when full)."""

MAX_MENTOR_TIES = 6
"""Employer ties a mentor can hold."""


class Table:
    """A growable set of equally long numpy columns.

    Subclasses declare ``COLUMNS``: name -> :class:`~throughflow.mechanism.Column`.
    """

    COLUMNS: ClassVar[dict[str, Column]] = {}

    def __init__(self, capacity: int = 256, extra: Mapping[str, Column] | None = None) -> None:
        """Allocate empty columns.

        Args:
            capacity: Initial number of rows allocated.
            extra: Columns declared by mechanisms, added to the class's own.

        """
        self.n = 0
        self._capacity = max(int(capacity), 16)
        self._columns = dict(self.COLUMNS)
        for name, column in (extra or {}).items():
            if name in self._columns:
                raise ValueError(f"column {name!r} of {type(self).__name__} is declared twice")
            self._columns[name] = column
        for name, c in self._columns.items():
            setattr(self, name, np.full((self._capacity, *c.shape), c.fill, dtype=c.dtype))

    def __getattr__(self, name: str) -> np.ndarray:
        """Columns declared by mechanisms (set in ``__init__``; this is only reached for a missing one)."""
        raise AttributeError(f"{type(self).__name__} has no column {name!r}")

    def add(self, count: int) -> np.ndarray:
        """Append ``count`` rows filled with defaults.

        Args:
            count: Rows to add.

        Returns:
            The indices of the new rows.

        """
        needed = self.n + count
        if needed > self._capacity:
            new_capacity = max(needed, 2 * self._capacity)
            for name, c in self._columns.items():
                old = getattr(self, name)
                grown = np.full((new_capacity, *c.shape), c.fill, dtype=c.dtype)
                grown[: self.n] = old[: self.n]
                setattr(self, name, grown)
            self._capacity = new_capacity
        rows = np.arange(self.n, needed)
        self.n = needed
        return rows

    def column(self, name: str) -> np.ndarray:
        """The live part (first ``n`` rows) of a column."""
        column: np.ndarray = getattr(self, name)
        return column[: self.n]


class RefugeeTable(Table):
    """State of every refugee, one row each (ODD: Entities, state variables)."""

    COLUMNS: ClassVar[dict[str, Column]] = {
        "qualification": Column(np.int8, 0, "LOW (ISCED 0-2), MEDIUM (3-4), HIGH (5+); fixed"),
        "status": Column(np.int8, 0, "WAITING, ART60, NEC, WISE_JOB, UNEMPLOYED or INACTIVE: exactly one each month"),
        "arrival": Column(np.int32, NO, "month of arrival as an OCMW client"),
        "status_since": Column(np.int32, NO, "month the current status began"),
        "skill": Column(np.float64, 0.0, "job-relevant competence, 0-1"),
        "recognition": Column(np.float64, 1.0, "share of skill employers can see (foreign diplomas and experience), 0-1"),
        "language": Column(np.float64, 0.0, "Dutch proficiency, 0-1 (one level = 0.2; 0.4 = A2)"),
        "search": Column(np.float64, 0.0, "search effectiveness (scales the number of cold applications), 0-1"),
        "commute_tolerance": Column(np.float64, 60.0, "maximum acceptable one-way public-transport commute (minutes)"),
        "trade": Column(np.int8, 0, "prior occupation, one of the sectors; fixed"),
        "home": Column(np.int32, 0, "municipality"),
        "ties": Column(
            np.int32, NO, "employers the refugee has a weak tie to (slots; a faded tie leaves an empty slot)", shape=(MAX_TIES,)
        ),
        "tie_fades": Column(np.int32, NO, "month in which the tie in each slot fades", shape=(MAX_TIES,)),
        "ties_until": Column(np.int32, NO, "latest fading month of any tie given (finds the refugees with ties quickly)"),
        "host": Column(np.int32, NO, "current art. 60 host"),
        "host_sector": Column(np.int8, NO, "sector of the last art. 60 host (kept after the contract: sector experience)"),
        "commute": Column(np.float64, 0.0, "commute of the current placement or job (minutes)"),
        "contract_start": Column(np.int32, NO, "first month of the art. 60 contract"),
        "contract_end": Column(np.int32, NO, "planned last month of the art. 60 contract"),
        "ended": Column(np.int32, NO, "actual end month of the art. 60 contract"),
        "contract_outcome": Column(np.int8, NO, "status after the contract (NEC, WISE_JOB, UNEMPLOYED, INACTIVE)"),
        "wise": Column(np.int32, NO, "the WISE that kept the refugee on a regular contract (WISE_JOB)"),
        "reached": Column(
            np.bool_,
            False,
            "took part in the programme (enrolled, a lab seat or apprenticeship, a community moment, a co-design partner WISE)",
        ),
        "offer": Column(np.int32, NO, "employer whose job offer an ART60 worker holds until the contract ends"),
        "employer": Column(np.int32, NO, "current NEC employer"),
        "job_sector": Column(np.int8, NO, "sector of the last NEC job (kept: sector experience)"),
        "job_start": Column(np.int32, NO, "first month of the current NEC job"),
        "first_nec": Column(np.int32, NO, "first NEC month"),
        "nec_jobs": Column(np.int16, 0, "number of NEC jobs held"),
        "spell12": Column(np.int32, NO, "month an NEC spell first reached 12 months"),
        "benefit_entry": Column(np.int32, NO, "first entry on benefit after art. 60"),
        "benefit_exit": Column(np.int32, NO, "first exit from benefit after that entry (job or inactivity)"),
        "on_benefit_60m": Column(np.int8, NO, "whether on benefit 60 months after benefit entry (calibration)"),
    }

    qualification: np.ndarray
    status: np.ndarray
    arrival: np.ndarray
    status_since: np.ndarray
    skill: np.ndarray
    recognition: np.ndarray
    language: np.ndarray
    search: np.ndarray
    commute_tolerance: np.ndarray
    trade: np.ndarray
    home: np.ndarray
    ties: np.ndarray
    tie_fades: np.ndarray
    ties_until: np.ndarray
    host: np.ndarray
    host_sector: np.ndarray
    commute: np.ndarray
    contract_start: np.ndarray
    contract_end: np.ndarray
    ended: np.ndarray
    contract_outcome: np.ndarray
    wise: np.ndarray
    reached: np.ndarray
    offer: np.ndarray
    employer: np.ndarray
    job_sector: np.ndarray
    job_start: np.ndarray
    first_nec: np.ndarray
    nec_jobs: np.ndarray
    spell12: np.ndarray
    benefit_entry: np.ndarray
    benefit_exit: np.ndarray
    on_benefit_60m: np.ndarray

    def held_ties(self, rows: np.ndarray, month: int) -> np.ndarray:
        """Employer ties of ``rows`` held in ``month`` (``NO`` where a slot is empty or its tie has faded).

        A tie fades at the end of its fading month (step 9), so it can still bring a warm
        application in that month.
        """
        return _held_ties(self.ties, self.tie_fades, np.asarray(rows, dtype=np.int64), month)

    def add_tie(self, rows: np.ndarray, employers: np.ndarray, fades: np.ndarray, month: int) -> None:
        """Give each refugee in ``rows`` a tie to the matching employer (vectorised).

        A tie already held is not duplicated (it keeps its fading month); a new tie takes
        an empty or faded slot, and when all slots hold ties the tie in the first slot gives
        way. Rows may repeat: repeated rows are handled in successive passes.

        Args:
            rows: Refugee indices (may repeat).
            employers: Employer indices, same length.
            fades: Month in which each new tie fades, same length.
            month: The current month (ties that faded before it are gone).
        """
        rows = np.asarray(rows, dtype=np.int64)
        employers = np.asarray(employers, dtype=np.int32)
        fades = np.asarray(fades, dtype=np.int32)
        if rows.size == 0:
            return
        order = np.argsort(rows, kind="stable")
        rows, employers, fades = rows[order], employers[order], fades[order]
        repeated = rows[1:] == rows[:-1]
        if not repeated.any():  # the usual case: one new tie per refugee, one pass
            self._add_ties_once(rows, employers, fades, month)
            return
        rank = np.arange(rows.size) - np.searchsorted(rows, rows, side="left")
        for k in range(int(rank.max()) + 1):
            pick = rank == k
            self._add_ties_once(rows[pick], employers[pick], fades[pick], month)

    def _add_ties_once(self, r: np.ndarray, e: np.ndarray, f: np.ndarray, month: int) -> None:
        """Add one tie each to distinct refugees ``r`` (see :meth:`add_tie`)."""
        _add_ties_once(self.ties, self.tie_fades, self.ties_until, r, e, f, month)


@njit(cache=True, nogil=True)
def tie_held(ties: np.ndarray, fades: np.ndarray, row: int, slot: int, month: int) -> bool:  # pragma: no cover - compiled
    """Whether the refugee in ``row`` holds a tie in ``slot`` in ``month`` (compiled; for other compiled steps).

    A slot holds a tie until the end of the tie's fading month (step 9), so a tie can still
    bring a warm application in that month.
    """
    if ties[row, slot] == NO:  # (not ``return a and b``: numba compiles that into a slow call)
        return False
    return fades[row, slot] >= month


@njit(cache=True, nogil=True)
def _held_ties(ties: np.ndarray, fades: np.ndarray, rows: np.ndarray, month: int) -> np.ndarray:  # pragma: no cover - compiled
    """``ties[rows]`` with ``NO`` in the slots whose tie faded before ``month`` (compiled)."""
    out = np.empty((rows.size, ties.shape[1]), dtype=ties.dtype)
    for i in range(rows.size):
        for k in range(ties.shape[1]):
            out[i, k] = ties[rows[i], k] if tie_held(ties, fades, rows[i], k, month) else NO
    return out


@njit(cache=True, nogil=True)
def _add_ties_once(
    ties: np.ndarray,
    fades: np.ndarray,
    until: np.ndarray,
    rows: np.ndarray,
    employers: np.ndarray,
    new_fades: np.ndarray,
    month: int,
) -> None:  # pragma: no cover - compiled
    """One new tie for each of the distinct ``rows`` (compiled; see :meth:`RefugeeTable.add_tie`).

    A tie already held is kept as it is; otherwise the tie takes the first empty or faded
    slot, and when every slot holds a tie the first gives way (the others shift left).
    """
    slots = ties.shape[1]
    for i in range(rows.size):
        row, employer, fade = rows[i], employers[i], new_fades[i]
        free = -1
        held = False
        for k in range(slots):
            alive = tie_held(ties, fades, row, k, month)
            if alive and ties[row, k] == employer:
                held = True
            if not alive and free < 0:
                free = k
        if held:
            continue
        until[row] = max(until[row], fade)
        if free < 0:  # every slot holds a tie: drop the first, shift, and append
            for k in range(slots - 1):
                ties[row, k] = ties[row, k + 1]
                fades[row, k] = fades[row, k + 1]
            free = slots - 1
        ties[row, free] = employer
        fades[row, free] = fade


add_ties_compiled = _add_ties_once
"""The compiled slot rules of :meth:`RefugeeTable.add_tie` for distinct ``rows``, to call from other modules' kernels."""


class MentorTable(Table):
    """State of every volunteer mentor, one row each."""

    COLUMNS: ClassVar[dict[str, Column]] = {
        "status": Column(np.int8, 0, "AVAILABLE, PAIRED or LEFT (permanent)"),
        "home": Column(np.int32, 0, "municipality"),
        "advocacy": Column(np.float64, 0.5, "knows how institutions work, 0-1"),
        "ties": Column(np.int32, NO, "employers the mentor has a tie to (they do not fade)", shape=(MAX_MENTOR_TIES,)),
        "mentees": Column(np.int16, 0, "current number of mentees"),
        "joined": Column(np.int32, NO, "month the volunteer joined"),
        "leaves": Column(np.int32, NO, "month the volunteer leaves"),
        "pairs_done": Column(np.int16, 0, "pairs ended"),
        "retiring": Column(np.bool_, False, "decided not to take another mentee; leaves when the last pair ends"),
    }

    status: np.ndarray
    home: np.ndarray
    advocacy: np.ndarray
    ties: np.ndarray
    mentees: np.ndarray
    joined: np.ndarray
    leaves: np.ndarray
    pairs_done: np.ndarray
    retiring: np.ndarray


class PairTable(Table):
    """Mentoring pairs (or programme enrolments without a volunteer), one row each."""

    COLUMNS: ClassVar[dict[str, Column]] = {
        "mentee": Column(np.int32, NO, "the enrolled refugee"),
        "mentor": Column(np.int32, NO, "the mentor (none when enrolled without a volunteer)"),
        "start": Column(np.int32, NO, "first month"),
        "planned_end": Column(np.int32, NO, "planned last month"),
        "end": Column(np.int32, NO, "actual end month"),
        "reason": Column(np.int8, NO, "COMPLETED, BREAKDOWN, MENTOR_LEFT or MENTEE_LEFT"),
        "reenrolled": Column(
            np.int8, NO, "whether the mentor took another mentee (pairs with a mentor not ended by the mentor leaving)"
        ),
    }

    mentee: np.ndarray
    mentor: np.ndarray
    start: np.ndarray
    planned_end: np.ndarray
    end: np.ndarray
    reason: np.ndarray
    reenrolled: np.ndarray


class EventLog(Table):
    """Per-agent event log: month, refugee, kind, an integer and a real detail."""

    COLUMNS: ClassVar[dict[str, Column]] = {
        "month": Column(np.int32, 0, "month of the event"),
        "agent": Column(np.int32, NO, "refugee"),
        "kind": Column(np.int8, 0, "event kind (code)"),
        "ref": Column(np.int32, NO, "integer detail (host, employer, mentor, outcome ...)"),
        "value": Column(np.float64, 0.0, "real detail (commute minutes, score ...)"),
    }

    month: np.ndarray
    agent: np.ndarray
    kind: np.ndarray
    ref: np.ndarray
    value: np.ndarray

    enabled: bool = True
    """Whether events are recorded (sweeps and sensitivity runs switch it off for speed)."""

    def __init__(self, names: Sequence[str], capacity: int = 256) -> None:
        """Allocate empty columns and an empty batch of pending events.

        Args:
            names: The event kinds, by code (the mechanisms' declared events, in registration order).
            capacity: Initial number of rows allocated.
        """
        super().__init__(capacity)
        self.names = tuple(names)
        self._pending: list[tuple[int, int, Any, Any, Any]] = []

    def log(self, month: int, kind: int, agents: np.ndarray, ref: Any = NO, value: Any = 0.0) -> None:
        """Append one event per agent.

        Events are kept as given and written to the columns in one batch by :meth:`flush`,
        which runs whenever the log is read; the arrays passed must not be changed afterwards.

        Args:
            month: Simulation month.
            kind: Event kind (its code: the index in ``names``).
            agents: Refugee indices.
            ref: Integer detail (host, employer, mentor, outcome…), scalar or per agent.
            value: Real detail (commute minutes, score…), scalar or per agent.

        """
        if not self.enabled or len(agents) == 0:
            return
        self._pending.append((month, int(kind), agents, ref, value))

    def flush(self) -> None:
        """Write the pending events to the columns."""
        pending = self._pending
        if not pending:
            return
        self._pending = []
        counts = [len(e[2]) for e in pending]
        start = self.n
        self.add(sum(counts))
        end = self.n
        self.month[start:end] = np.repeat([e[0] for e in pending], counts)
        self.kind[start:end] = np.repeat([e[1] for e in pending], counts)
        self.agent[start:end] = np.concatenate([e[2] for e in pending])
        at = start
        for (_, _, _, ref, value), count in zip(pending, counts, strict=True):
            self.ref[at : at + count] = ref
            self.value[at : at + count] = value
            at += count

    def column(self, name: str) -> np.ndarray:
        """The live part of a column, pending events included."""
        self.flush()
        return super().column(name)

    def frame(self) -> pd.DataFrame:
        """The log as a DataFrame with the event kind as a categorical name."""
        kinds = pd.Categorical.from_codes(self.column("kind").astype(np.int64), categories=pd.Index(self.names))
        return pd.DataFrame(
            {
                "month": self.column("month").copy(),
                "agent": self.column("agent").copy(),
                "event": kinds,
                "ref": self.column("ref").copy(),
                "value": self.column("value").copy(),
            }
        )
