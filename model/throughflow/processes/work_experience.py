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
from throughflow.processes.transitions import end_contract, language_after, move

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
        excess_hours = np.maximum(0.0, r.commute[on_art60] - r.commute_tolerance[on_art60]) / 60.0
        shock = model.product("shock_factor", on_art60)
        p_drop = s.art60.p_shock_per_month * shock + s.art60.p_dropout_per_excess_hour * excess_hours
        dropped = self.chance(month, on_art60, p_drop)
        if dropped.size:
            move(model, dropped, Status.INACTIVE, month)
            end_contract(model, dropped, month)
            r.contract_outcome[dropped] = int(Status.INACTIVE)
            offers = r.offer[dropped]
            model.employers.let_go(offers[offers != NO])
            r.offer[dropped] = NO
            self.log(month, "dropout", dropped, 0, r.commute[dropped])

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A placement dropout in words."""
        return f"{words.name} drops out of the placement ({value:.0f} min commute) and leaves the labour market."


_ART60, _WAITING, _UNEMPLOYED = int(Status.ART60), int(Status.WAITING), int(Status.UNEMPLOYED)


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
