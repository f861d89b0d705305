"""Employment dynamics and benefit (ODD: step 9; submodels "Separation", "Benefit dynamics").

Weak ties to employers fade with a small monthly probability: each tie's fading month is
drawn when it forms (:func:`~throughflow.processes.transitions.tie_fades`), and a tie is
held up to and including that month (:meth:`~throughflow.population.RefugeeTable.held_ties`).

NEC jobs end with a monthly hazard, higher in the first six months and when the job is
outside the worker's trade: refugees lose first jobs more often (Lens, Marx & Vujic 2019).
A mentor who stays on after the hire, and employer team support, lower it. People on
benefit leave the labour market with a small hazard (holistic support lowers it) and
keep searching (see :mod:`hiring`); about 1 in 7 leaves benefit in the first year after
art. 60 and half are still on benefit after five years (RVA, summarised by Febio 2024).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import Event, Status
from throughflow.population import NO
from throughflow.processes.mentoring import shock_factor
from throughflow.processes.transitions import move

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

SUSTAINED_MONTHS = 12
"""Length of an NEC spell that counts as sustainable (MODEL.md §5)."""

BENEFIT_FOLLOW_UP = 60
"""Months after benefit entry at which the 'still on benefit' calibration figure is taken."""


def separation_hazard(model: ThroughflowModel, rows: np.ndarray, month: int) -> np.ndarray:
    """Monthly probability that each NEC worker in ``rows`` loses the job."""
    r, s = model.refugees, model.scenario
    lm = s.labour_market
    hazard = np.full(rows.size, lm.separation_per_month)
    hazard *= np.where(month - r.job_start[rows] < 6, lm.early_separation_factor, 1.0)
    hazard *= np.where(r.job_sector[rows] != r.trade[rows], lm.poor_fit_separation_factor, 1.0)
    if s.mentoring.one_on_one and s.mentoring.activities.stay_on:
        staying = r.enrolled[rows] & (r.mentor[rows] != NO)
        hazard *= np.where(staying, 1.0 - s.mentoring.stay_on_separation_reduction, 1.0)
    if s.labs.enabled and s.labs.team_support:
        supported = model.employers.participates[r.employer[rows]]
        hazard *= np.where(supported, 1.0 - s.labs.team_separation_reduction, 1.0)
    return hazard


def employment_dynamics(model: ThroughflowModel, month: int) -> None:
    """Separations, inactivity from benefit, sustained-spell and benefit bookkeeping.

    Args:
        model: The model.
        month: The current month.

    """
    r = model.refugees
    status = r.column("status")

    employed = np.flatnonzero(status == Status.NEC)
    separating = model.uniforms("employment", month, employed, 0) < separation_hazard(model, employed, month)
    separated = employed[separating]
    if separated.size:
        model.events.log(month, Event.SEPARATION, separated, r.employer[separated], month - r.job_start[separated])
        move(model, separated, Status.UNEMPLOYED, month)
        model.employers.let_go(r.employer[separated])
        r.employer[separated] = NO

    unemployed = np.flatnonzero(status == Status.UNEMPLOYED)
    unemployed = unemployed[r.status_since[unemployed] < month]
    p_inactive = model.scenario.labour_market.p_inactive_per_month * shock_factor(model, unemployed)
    leaving = unemployed[model.uniforms("employment", month, unemployed, 1) < p_inactive]
    if leaving.size:
        move(model, leaving, Status.INACTIVE, month)
        first_exit = (r.benefit_entry[leaving] != NO) & (r.benefit_exit[leaving] == NO)
        r.benefit_exit[leaving[first_exit]] = month
        model.events.log(month, Event.INACTIVE, leaving)

    still = employed[~separating]
    reached = still[(month - r.job_start[still] + 1 >= SUSTAINED_MONTHS) & (r.spell12[still] == NO)]
    r.spell12[reached] = month

    if month <= BENEFIT_FOLLOW_UP:
        return
    follow_up = np.flatnonzero(r.column("benefit_entry") == month - BENEFIT_FOLLOW_UP)
    r.on_benefit_60m[follow_up] = r.status[follow_up] == Status.UNEMPLOYED
