"""Columnar state of the many agents (refugees, mentors) and the per-agent event log.

The state of each refugee and mentor is one row of a set of numpy arrays owned by the
model (the Starsim/Covasim pattern); every monthly process is a vectorised function over
these arrays. Thin Mesa agents (:mod:`throughflow.agents`) read and write their row.
Tables grow by doubling, so adding arrivals each month is amortised O(1) per agent.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from throughflow.enums import Event

NO = -1
"""Sentinel for a missing link or month in integer columns."""

MAX_TIES = 4
"""Employer ties a refugee can hold (the oldest is replaced when full)."""

MAX_MENTOR_TIES = 6
"""Employer ties a mentor can hold."""


class Table:
    """A growable set of equally long numpy columns.

    Subclasses declare ``COLUMNS``: name -> (dtype, fill value, extra shape).
    """

    COLUMNS: ClassVar[dict[str, tuple[Any, Any, tuple[int, ...]]]] = {}

    def __init__(self, capacity: int = 256) -> None:
        """Allocate empty columns.

        Args:
            capacity: Initial number of rows allocated.

        """
        self.n = 0
        self._capacity = max(int(capacity), 16)
        for name, (dtype, fill, shape) in self.COLUMNS.items():
            setattr(self, name, np.full((self._capacity, *shape), fill, dtype=dtype))

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
            for name, (dtype, fill, shape) in self.COLUMNS.items():
                old = getattr(self, name)
                grown = np.full((new_capacity, *shape), fill, dtype=dtype)
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

    COLUMNS: ClassVar[dict[str, tuple[Any, Any, tuple[int, ...]]]] = {
        "qualification": (np.int8, 0, ()),
        "status": (np.int8, 0, ()),
        "arrival": (np.int32, NO, ()),
        "status_since": (np.int32, NO, ()),
        "skill": (np.float64, 0.0, ()),
        "recognition": (np.float64, 1.0, ()),
        "language": (np.float64, 0.0, ()),
        "search": (np.float64, 0.0, ()),
        "commute_tolerance": (np.float64, 60.0, ()),
        "trade": (np.int8, 0, ()),
        "home": (np.int32, 0, ()),
        "ties": (np.int32, NO, (MAX_TIES,)),
        "tie_fades": (np.int32, NO, (MAX_TIES,)),
        "ties_until": (np.int32, NO, ()),
        "host": (np.int32, NO, ()),
        "host_sector": (np.int8, NO, ()),
        "commute": (np.float64, 0.0, ()),
        "contract_start": (np.int32, NO, ()),
        "contract_end": (np.int32, NO, ()),
        "ended": (np.int32, NO, ()),
        "contract_outcome": (np.int8, NO, ()),
        "offer": (np.int32, NO, ()),
        "employer": (np.int32, NO, ()),
        "job_sector": (np.int8, NO, ()),
        "job_start": (np.int32, NO, ()),
        "first_nec": (np.int32, NO, ()),
        "nec_jobs": (np.int16, 0, ()),
        "spell12": (np.int32, NO, ()),
        "benefit_entry": (np.int32, NO, ()),
        "benefit_exit": (np.int32, NO, ()),
        "on_benefit_60m": (np.int8, NO, ()),
        "coverage_draw": (np.float64, 1.0, ()),
        "enrolled": (np.bool_, False, ()),
        "ever_enrolled": (np.bool_, False, ()),
        "enrol_month": (np.int32, NO, ()),
        "mentor": (np.int32, NO, ()),
        "advocacy_attempts": (np.int8, 0, ()),
        "seen_by": (np.int32, NO, ()),
        "apprentice_at": (np.int32, NO, ()),
        "apprentice_until": (np.int32, NO, ()),
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
    coverage_draw: np.ndarray
    enrolled: np.ndarray
    ever_enrolled: np.ndarray
    enrol_month: np.ndarray
    mentor: np.ndarray
    advocacy_attempts: np.ndarray
    seen_by: np.ndarray
    apprentice_at: np.ndarray
    apprentice_until: np.ndarray

    def tied(self, rows: np.ndarray, month: int) -> np.ndarray:
        """The refugees among ``rows`` who may still hold a tie in ``month`` (a superset of those who do).

        ``ties_until`` is the latest fading month of any tie a refugee has been given, so it
        finds the few refugees with ties without reading every tie slot.
        """
        return rows[self.ties_until[rows] >= month]

    def held_ties(self, rows: np.ndarray, month: int) -> np.ndarray:
        """Employer ties of ``rows`` held in ``month`` (``NO`` where a slot is empty or its tie has faded).

        A tie fades at the end of its fading month (step 9), so it can still bring a warm
        application in that month.
        """
        return np.where(self.tie_fades[rows] >= month, self.ties[rows], NO)

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
        held = self.held_ties(r, month)
        new = ~(held == e[:, None]).any(axis=1)
        if not new.all():
            r, e, f, held = r[new], e[new], f[new], held[new]
        self.ties_until[r] = np.maximum(self.ties_until[r], f)
        empty = held == NO
        slot = np.argmax(empty, axis=1)
        full = ~empty[np.arange(r.size), slot]  # no empty slot: argmax found none
        if full.any():  # drop the tie in the first slot, shift, and append
            rf, ef, ff = r[full], e[full], f[full]
            self.ties[rf] = np.concatenate([held[full, 1:], ef[:, None]], axis=1)
            self.tie_fades[rf] = np.concatenate([self.tie_fades[rf, 1:], ff[:, None]], axis=1)
            keep = ~full
            r, e, f, slot = r[keep], e[keep], f[keep], slot[keep]
        self.ties[r, slot] = e
        self.tie_fades[r, slot] = f


class MentorTable(Table):
    """State of every volunteer mentor, one row each."""

    COLUMNS: ClassVar[dict[str, tuple[Any, Any, tuple[int, ...]]]] = {
        "status": (np.int8, 0, ()),
        "home": (np.int32, 0, ()),
        "advocacy": (np.float64, 0.5, ()),
        "ties": (np.int32, NO, (MAX_MENTOR_TIES,)),
        "mentees": (np.int16, 0, ()),
        "joined": (np.int32, NO, ()),
        "leaves": (np.int32, NO, ()),
        "pairs_done": (np.int16, 0, ()),
        "retiring": (np.bool_, False, ()),
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

    COLUMNS: ClassVar[dict[str, tuple[Any, Any, tuple[int, ...]]]] = {
        "mentee": (np.int32, NO, ()),
        "mentor": (np.int32, NO, ()),
        "start": (np.int32, NO, ()),
        "planned_end": (np.int32, NO, ()),
        "end": (np.int32, NO, ()),
        "reason": (np.int8, NO, ()),
        "reenrolled": (np.int8, NO, ()),
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

    COLUMNS: ClassVar[dict[str, tuple[Any, Any, tuple[int, ...]]]] = {
        "month": (np.int32, 0, ()),
        "agent": (np.int32, NO, ()),
        "kind": (np.int8, 0, ()),
        "ref": (np.int32, NO, ()),
        "value": (np.float64, 0.0, ()),
    }

    month: np.ndarray
    agent: np.ndarray
    kind: np.ndarray
    ref: np.ndarray
    value: np.ndarray

    enabled: bool = True
    """Whether events are recorded (sweeps and sensitivity runs switch it off for speed)."""

    def __init__(self, capacity: int = 256) -> None:
        """Allocate empty columns and an empty batch of pending events."""
        super().__init__(capacity)
        self._pending: list[tuple[int, int, Any, Any, Any]] = []

    def log(self, month: int, kind: Event, agents: np.ndarray, ref: Any = NO, value: Any = 0.0) -> None:
        """Append one event per agent.

        Events are kept as given and written to the columns in one batch by :meth:`flush`,
        which runs whenever the log is read; the arrays passed must not be changed afterwards.

        Args:
            month: Simulation month.
            kind: Event kind.
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
        kinds = pd.Categorical.from_codes(
            self.column("kind").astype(np.int64), categories=pd.Index([e.name.lower() for e in Event])
        )
        return pd.DataFrame(
            {
                "month": self.column("month").copy(),
                "agent": self.column("agent").copy(),
                "event": kinds,
                "ref": self.column("ref").copy(),
                "value": self.column("value").copy(),
            }
        )
