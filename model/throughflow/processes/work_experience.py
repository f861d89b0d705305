"""Work experience, courses and dropout (ODD: Process overview step 4).

ART60 workers gain skill toward 1 at the host's coaching rate, faster when the host works
in their trade (fit), and language from courses plus WISE language support. Everyone
waiting or on benefit follows Dutch courses. Long commutes (above the worker's tolerance)
and life shocks cause dropout to INACTIVE; holistic support lowers the shocks (hook
``shock_factor``). Those on benefit slowly lose skill and search effectiveness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.enums import Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section
from throughflow.population import NO
from throughflow.processes.transitions import end_contract_rows, language_after, move_rows
from throughflow.randomness import uniforms_compiled

if TYPE_CHECKING:
    from throughflow.words import Words


class WorkExperience(Mechanism[Section]):
    """Skill and language growth on art. 60, courses, decay on benefit, placement dropout."""

    name = "work_experience"
    reads = ("art60", "labour_market")
    events = ("dropout",)
    steps = {Phase.WORK: "work"}

    def work(self, month: int) -> None:
        """Skill and language growth, decay on benefit, and dropout of this month."""
        model = self.model
        r = model.refugees
        s = model.scenario

        on_art60 = _grow(
            r.column("status"),
            r.host,
            r.trade,
            r.qualification,
            r.skill,
            r.language,
            r.search,
            model.hosts.sector,
            model.hosts.coaching,
            model.hosts.language_hours,
            model.hours_per_level,
            s.art60.fit_growth_bonus,
            s.labour_market.course_hours_per_month,
            s.labour_market.skill_decay_per_month,
            s.labour_market.search_decay_per_month,
        )
        shock = model.product("shock_factor", on_art60)
        dropped = _dropping(
            self.key, month, on_art60, shock if isinstance(shock, np.ndarray) else np.full(1, shock), r.commute,
            r.commute_tolerance, s.art60.p_shock_per_month, s.art60.p_dropout_per_excess_hour,
        )  # fmt: skip
        if dropped.size:
            origin, qualification, commute = _drop_out(
                dropped, month, r.status, r.status_since, r.qualification, model.hosts.used, r.ended, r.host,
                r.contract_outcome, r.offer, model.employers.staff, r.commute,
            )  # fmt: skip
            model.recorder.count_moves(_INACTIVE, origin, qualification)
            self.log(month, "dropout", dropped, 0, commute)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A placement dropout in words."""
        return f"{words.name} drops out of the placement ({value:.0f} min commute) and leaves the labour market."


_ART60, _WAITING, _UNEMPLOYED = int(Status.ART60), int(Status.WAITING), int(Status.UNEMPLOYED)
_INACTIVE = int(Status.INACTIVE)


@njit(cache=True, nogil=True)
def _dropping(
    key: int,
    month: int,
    on_art60: np.ndarray,
    shock: np.ndarray,
    commute: np.ndarray,
    tolerance: np.ndarray,
    p_shock: float,
    p_excess_hour: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """The art. 60 workers who drop out this month, in order (compiled; :meth:`WorkExperience.work`).

    A worker drops out when the mechanism's uniform number is below the shock probability
    times the hooks' ``shock`` factor (one per worker or one for all) plus the dropout per
    hour of commute above the worker's tolerance.
    """
    u = uniforms_compiled(key, month, on_art60, 0)
    out = np.empty(on_art60.size, dtype=np.int64)
    n = 0
    for i in range(on_art60.size):
        row = on_art60[i]
        excess_hours = max(0.0, commute[row] - tolerance[row]) / 60.0
        p_drop = p_shock * (shock[i] if shock.size == on_art60.size else shock[0]) + p_excess_hour * excess_hours
        out[n] = row
        n += u[i] < p_drop
    return out[:n]


@njit(cache=True, nogil=True)
def _drop_out(
    rows: np.ndarray,
    month: int,
    status: np.ndarray,
    since: np.ndarray,
    qualification: np.ndarray,
    used: np.ndarray,
    ended: np.ndarray,
    host: np.ndarray,
    outcome: np.ndarray,
    offer: np.ndarray,
    staff: np.ndarray,
    commute: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Art. 60 workers ``rows`` drop out to INACTIVE (compiled; :meth:`WorkExperience.work`).

    Their contracts end (the places are given back), and a job offer they held is lost to
    its employer.

    Returns:
        The status each leaves and their qualification (the flows), and their commutes.
    """
    origin, qual = move_rows(rows, _INACTIVE, month, status, since, qualification)
    end_contract_rows(rows, month, used, ended, host)
    out = np.empty(rows.size)
    for i in range(rows.size):
        row = rows[i]
        outcome[row] = _INACTIVE
        if offer[row] != NO:
            staff[offer[row]] -= 1
        offer[row] = NO
        out[i] = commute[row]
    return origin, qual, out


@njit(cache=True, nogil=True)
def _grow(
    status: np.ndarray,
    host: np.ndarray,
    trade: np.ndarray,
    qualification: np.ndarray,
    skill: np.ndarray,
    language: np.ndarray,
    search: np.ndarray,
    host_sector: np.ndarray,
    coaching: np.ndarray,
    language_hours: np.ndarray,
    hours_per_level: np.ndarray,
    fit_bonus: float,
    course_hours: float,
    skill_decay: float,
    search_decay: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """A month of growth and decay (compiled); returns the refugees on art. 60, in order.

    On art. 60, skill grows toward 1 at the host's coaching rate (faster in the refugee's
    trade) and Dutch by the course hours plus the host's language support; waiting and
    unemployed refugees follow courses (Dutch), and on benefit skill and search
    effectiveness decay (language: :func:`~throughflow.processes.transitions.language_after`).
    """
    on_art60 = np.empty(status.size, dtype=np.int64)
    n = 0
    for i in range(status.size):
        s = status[i]
        if s == _ART60:
            h = host[i]
            rate = coaching[h] * (1.0 + fit_bonus * (host_sector[h] == trade[i]))
            skill[i] += rate * (1.0 - skill[i])
            hours = course_hours + language_hours[h]
        elif s in (_WAITING, _UNEMPLOYED):
            hours = course_hours
        else:
            continue
        language[i] = language_after(language[i], hours, hours_per_level[qualification[i]])
        if s == _UNEMPLOYED:
            skill[i] *= 1.0 - skill_decay
            search[i] *= 1.0 - search_decay
        elif s == _ART60:
            on_art60[n] = i
            n += 1
    return on_art60[:n]
