"""The mentor passes on employer ties to the mentee (pillar 1).

Each month a paired mentee may get one of the mentor's employer ties: a weak tie of the
mentee's, which fades like any other (``population.p_tie_fades_per_month``) while the pair
lasts. When the pair ends, the introductions lose the mentor behind them: a tie to an employer
the mentor knows fades within a few months (geometric, mean ``months_after_pair``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import MAX_TIES, NO, add_ties_compiled, tie_held
from throughflow.processes.enrolment import programme
from throughflow.processes.transitions import tie_fades
from throughflow.randomness import months_from_logs, months_until, uniforms_compiled

if TYPE_CHECKING:
    from throughflow.words import Words

PASS, PICK, FADE = 0, 1, 2
"""Draw indices: whether a tie is passed on this month, which one, and when it fades after the pair."""


class PassTiesPars(Section):
    """Employer ties passed on by the mentor."""

    enabled: bool = par(True, unit="switch", doc="mentor passes on employer ties", kind=LEVER)
    p_per_month: float = share(0.10, "monthly probability the mentor passes on an employer tie", 0.05, 0.2, unit="per month")
    months_after_pair: float = par(
        4.0,
        unit="months",
        doc="mean months a tie to one of the mentor's employers lasts after the pair ends",
        low=1.0,
        high=12.0,
        ge=1.0,
        le=240,
    )


class PassTies(Mechanism[PassTiesPars]):
    """Mentors introduce their mentees to employers they know."""

    name = "pass_ties"
    pillar = "one_on_one"
    section = "one_on_one.pass_ties"
    Pars = PassTiesPars
    reads = ("population.p_tie_fades_per_month",)
    events = ("tie",)
    steps = {Phase.SUPPORT: "introduce"}

    def init(self) -> None:
        """The monthly chance that a tie to an ended pair's mentor's employer fades, and its logarithm (numpy's)."""
        self._p_fade = 1.0 / self.pars.months_after_pair
        self._log_keep = float(np.log1p(-self._p_fade)) if 0.0 < self._p_fade < 1.0 else 0.0

    def introduce(self, month: int) -> None:
        """This month's introductions."""
        model = self.model
        r = model.refugees
        passing, pick = _introductions(
            self.key, month, programme(model).paired_rows, self.pars.p_per_month, r.mentor, model.mentors.ties
        )
        fades = tie_fades(model, month, self.stream(), passing.size)
        if passing.size:
            # the mentees are distinct (one pair each): RefugeeTable.add_tie's single pass, without its checks
            add_ties_compiled(r.ties, r.tie_fades, r.ties_until, passing, pick, fades, month)
            self.log(month, "tie", passing, pick, 1.0)

    def pairs_end(
        self, rows: np.ndarray, mentee: np.ndarray, mentor: np.ndarray, reason: np.ndarray, leaving: np.ndarray, month: int
    ) -> None:
        """Ties to the mentor's employers fade soon after the pair ends."""
        r = self.model.refugees
        rows_, slots, u = _ties_to_fade(
            self.key, month, mentee, mentor, r.ties_until, r.ties, r.tie_fades, self.model.mentors.ties
        )
        if not rows_.size:
            return
        if self._log_keep < 0.0:  # months_until, its logarithms in numpy and the rest compiled with the fading
            _fade_sooner_geometric(r.tie_fades, rows_, slots, month - 1, np.log1p(-u), self._log_keep)
        else:
            _fade_sooner(r.tie_fades, rows_, slots, month - 1, months_until(u, self._p_fade))

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """An introduction in words."""
        return f"{words.mentor_name} introduces {words.name} to {words.employer(ref)}."


@njit(cache=True, nogil=True)
def _mentors_ties_held(
    mentee: np.ndarray,
    mentor: np.ndarray,
    month: int,
    ties_until: np.ndarray,
    ties: np.ndarray,
    fades: np.ndarray,
    mentor_ties: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The (mentee, slot) of every tie a mentee holds to one of their mentor's employers (compiled), in order."""
    slots = ties.shape[1]
    rows = np.empty(mentee.size * slots, dtype=np.int64)
    where = np.empty(mentee.size * slots, dtype=np.int64)
    n = 0
    for i in range(mentee.size):
        row, m = mentee[i], mentor[i]
        if m == NO or ties_until[row] < month:  # no mentor, or no tie that may still be held
            continue
        for k in range(slots):
            if not tie_held(ties, fades, row, k, month):
                continue
            for j in range(mentor_ties.shape[1]):
                if mentor_ties[m, j] == ties[row, k]:
                    rows[n], where[n] = row, k
                    n += 1
                    break
    return rows[:n], where[:n]


@njit(cache=True, nogil=True)
def _introductions(
    key: int, month: int, paired: np.ndarray, p: float, mentor: np.ndarray, mentor_ties: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """This month's introductions (compiled): the mentees who get a tie, in order, and the employer of each.

    A paired mentee gets one of the mentor's ties with probability ``p`` (draw ``PASS``) when the
    mentor has any: the tie in slot ``floor(u x n)`` of the mentor's row, ``n`` the mentor's
    ties and ``u`` the mentee's uniform of draw ``PICK``.
    """
    u = uniforms_compiled(key, month, paired, PASS)
    passing = np.empty(paired.size, dtype=np.int64)
    n_ties = np.empty(paired.size, dtype=np.int64)
    n = 0
    for i in range(paired.size):
        if not u[i] < p:
            continue
        held = 0
        for tie in mentor_ties[mentor[paired[i]]]:
            held += tie != NO
        passing[n], n_ties[n] = paired[i], held
        n += held > 0
    passing = passing[:n]
    u = uniforms_compiled(key, month, passing, PICK)
    pick = np.empty(n, dtype=mentor_ties.dtype)
    for i in range(n):
        pick[i] = mentor_ties[mentor[passing[i]], int(u[i] * n_ties[i])]
    return passing, pick


@njit(cache=True, nogil=True)
def _ties_to_fade(
    key: int,
    month: int,
    mentee: np.ndarray,
    mentor: np.ndarray,
    ties_until: np.ndarray,
    ties: np.ndarray,
    fades: np.ndarray,
    mentor_ties: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The ties of ended pairs' mentees to their mentors' employers (compiled): rows, slots and uniforms.

    The (mentee, slot) of :func:`_mentors_ties_held`, and the uniform of draw ``FADE`` of each
    tie (counted as ``row x MAX_TIES + slot``) that sets how long it lasts.
    """
    rows, slots = _mentors_ties_held(mentee, mentor, month, ties_until, ties, fades, mentor_ties)
    return rows, slots, uniforms_compiled(key, month, rows * MAX_TIES + slots, FADE)


@njit(cache=True, nogil=True)
def _fade_sooner(
    fades: np.ndarray, rows: np.ndarray, slots: np.ndarray, last_month: int, months: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Ties in ``(rows, slots)`` fade by ``last_month + months`` at the latest (compiled)."""
    for i in range(rows.size):
        last = last_month + months[i]
        if last < fades[rows[i], slots[i]]:
            fades[rows[i], slots[i]] = last


@njit(cache=True, nogil=True)
def _fade_sooner_geometric(
    fades: np.ndarray, rows: np.ndarray, slots: np.ndarray, last_month: int, log_u: np.ndarray, log_keep: float
) -> None:  # pragma: no cover - compiled
    """:func:`_fade_sooner` by the geometric months of :func:`~throughflow.randomness.months_until` (compiled).

    The months of each tie are :func:`~throughflow.randomness.months_from_logs`, ``log_u``
    the logarithms of one less its uniform and ``log_keep`` of one less the monthly chance.
    """
    for i in range(rows.size):
        last = last_month + months_from_logs(log_u[i], log_keep)
        if last < fades[rows[i], slots[i]]:
            fades[rows[i], slots[i]] = last
