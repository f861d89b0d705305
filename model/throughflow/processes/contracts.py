"""Contract ends (ODD: step 8): to NEC if hired, WISE_JOB if retained, else UNEMPLOYED.

A WISE retains some art. 60 workers on a regular contract, the better workers more often;
a strong throughflow orientation (the new Flemish decree) means less retention. The art. 60
contract opens unemployment rights, so those without a job go on benefit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.enums import Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section
from throughflow.population import NO
from throughflow.processes.transitions import end_contract_rows, move_rows, start_job
from throughflow.randomness import uniforms_compiled

if TYPE_CHECKING:
    from throughflow.words import Words


class Contracts(Mechanism[Section]):
    """Contract ends: to NEC if hired, WISE_JOB if retained, else UNEMPLOYED."""

    name = "contracts"
    reads = ("art60",)
    events = ("contract_end",)
    steps = {Phase.CONTRACT_END: "end"}

    def end(self, month: int) -> None:
        """Move every ART60 worker whose contract ends this month to their next status."""
        end_contracts(self, month)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A contract end in words."""
        outcome = {
            Status.NEC: "moves to the NEC job",
            Status.WISE_JOB: "is retained by the WISE",
            Status.UNEMPLOYED: "goes on benefit",
        }
        return f"The art. 60 contract ends (skill now {value:.2f}); {words.name} {outcome.get(Status(ref), 'leaves')}."


def end_contracts(mechanism: Contracts, month: int) -> None:
    """Move every ART60 worker whose contract ends this month to their next status."""
    model = mechanism.model
    r = model.refugees
    a = model.scenario.art60
    ending = _ending(r.column("contract_end"), r.column("status"), month)
    if ending.size == 0:
        return
    outcome, skill, hired, retained, retained_by, to_benefit = _contract_outcomes(
        mechanism.key, month, ending, a.retention_max, model.hosts.is_wise, model.hosts.orientation, model.hosts.used,
        r.host, r.ended, r.offer, r.skill, r.contract_outcome,
    )  # fmt: skip
    mechanism.log(month, "contract_end", ending, outcome, skill)
    if hired.size:
        start_job(model, hired, r.offer[hired], month)
    if retained.size:
        origin, qualification = _retain(retained, retained_by, month, r.status, r.status_since, r.qualification, r.wise)
        model.recorder.count_moves(_WISE_JOB, origin, qualification)
    if to_benefit.size:
        origin, qualification = _enter_benefit(to_benefit, month, r.status, r.status_since, r.qualification, r.benefit_entry)
        model.recorder.count_moves(_UNEMPLOYED, origin, qualification)


_ART60, _NEC, _WISE_JOB, _UNEMPLOYED = int(Status.ART60), int(Status.NEC), int(Status.WISE_JOB), int(Status.UNEMPLOYED)


@njit(cache=True, nogil=True)
def _contract_outcomes(
    key: int,
    month: int,
    ending: np.ndarray,
    retention_max: float,
    is_wise: np.ndarray,
    orientation: np.ndarray,
    used: np.ndarray,
    host: np.ndarray,
    ended: np.ndarray,
    offer: np.ndarray,
    skill: np.ndarray,
    contract_outcome: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """End the contracts of ``ending`` and decide where each worker goes (compiled; :func:`end_contracts`).

    A worker holding a job offer is hired; else a WISE host retains the worker when the
    mechanism's uniform number is below ``retention_max x (1 - orientation) x skill``;
    else the worker goes on benefit. The places are given back and the outcome recorded.

    Returns:
        The outcome and the skill of each worker (the events), the hired, the retained and
        the WISE retaining each, and those going on benefit.
    """
    hosts = np.empty(ending.size, dtype=host.dtype)
    for i in range(ending.size):
        hosts[i] = host[ending[i]]
    end_contract_rows(ending, month, used, ended, host)
    u = uniforms_compiled(key, month, ending, 0)
    outcome = np.empty(ending.size, dtype=np.int64)
    skills = np.empty(ending.size)
    groups = np.empty((3, ending.size), dtype=np.int64)
    counts = np.zeros(3, dtype=np.int64)
    retained_by = np.empty(ending.size, dtype=host.dtype)
    for i in range(ending.size):
        row, h = ending[i], hosts[i]
        p_retain = retention_max * (1.0 - orientation[h]) * skill[row] if is_wise[h] else 0.0
        if offer[row] != NO:
            g, outcome[i] = 0, _NEC
        elif u[i] < p_retain:
            g, outcome[i] = 1, _WISE_JOB
            retained_by[counts[1]] = h
        else:
            g, outcome[i] = 2, _UNEMPLOYED
        groups[g, counts[g]] = row
        counts[g] += 1
        contract_outcome[row] = outcome[i]
        skills[i] = skill[row]
    return (
        outcome,
        skills,
        groups[0, : counts[0]],
        groups[1, : counts[1]],
        retained_by[: counts[1]],
        groups[2, : counts[2]],
    )


@njit(cache=True, nogil=True)
def _ending(contract_end: np.ndarray, status: np.ndarray, month: int) -> np.ndarray:  # pragma: no cover - compiled
    """Rows whose art. 60 contract ends in ``month`` (not those who dropped out), compiled."""
    return np.flatnonzero((contract_end == month) & (status == _ART60))


@njit(cache=True, nogil=True)
def _retain(
    rows: np.ndarray,
    by: np.ndarray,
    month: int,
    status: np.ndarray,
    since: np.ndarray,
    qualification: np.ndarray,
    wise: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Workers ``rows`` stay on a regular job at the WISE ``by`` each: to WISE_JOB (compiled).

    Returns:
        The status each leaves and their qualification (the flows).
    """
    origin, qual = move_rows(rows, _WISE_JOB, month, status, since, qualification)
    for i in range(rows.size):
        wise[rows[i]] = by[i]
    return origin, qual


@njit(cache=True, nogil=True)
def _enter_benefit(
    rows: np.ndarray, month: int, status: np.ndarray, since: np.ndarray, qualification: np.ndarray, benefit_entry: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Workers ``rows`` go on benefit: to UNEMPLOYED, entering benefit this month (compiled).

    Returns:
        The status each leaves and their qualification (the flows).
    """
    origin, qual = move_rows(rows, _UNEMPLOYED, month, status, since, qualification)
    for i in range(rows.size):
        benefit_entry[rows[i]] = month
    return origin, qual
