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

from throughflow.arrays import rows_where
from throughflow.enums import Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section
from throughflow.population import NO
from throughflow.processes.transitions import end_contract, learn_language, move

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
        status = r.column("status")

        on_art60 = rows_where(status == Status.ART60)
        host = r.host[on_art60]
        fit = model.hosts.sector[host] == r.trade[on_art60]
        rate = model.hosts.coaching[host] * (1.0 + s.art60.fit_growth_bonus * fit)
        r.skill[on_art60] += rate * (1.0 - r.skill[on_art60])

        unemployed = rows_where(status == Status.UNEMPLOYED)
        in_courses = np.concatenate([rows_where(status == Status.WAITING), unemployed])
        hours = np.full(on_art60.size + in_courses.size, s.labour_market.course_hours_per_month)
        hours[: on_art60.size] += model.hosts.language_hours[host]
        learn_language(model, np.concatenate([on_art60, in_courses]), hours)
        r.skill[unemployed] *= 1.0 - s.labour_market.skill_decay_per_month
        r.search[unemployed] *= 1.0 - s.labour_market.search_decay_per_month

        excess_hours = np.maximum(0.0, r.commute[on_art60] - r.commute_tolerance[on_art60]) / 60.0
        shock = model.product("shock_factor", on_art60)
        p_drop = s.art60.p_shock_per_month * shock + s.art60.p_dropout_per_excess_hour * excess_hours
        dropped = on_art60[self.uniforms(month, on_art60) < p_drop]
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
