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
from throughflow.processes.transitions import end_contract, move, start_job

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
    host = r.host[ending]
    end_contract(model, ending, month)
    hired = r.offer[ending] != NO
    p_retain = np.where(model.hosts.is_wise[host], a.retention_max * (1.0 - model.hosts.orientation[host]) * r.skill[ending], 0.0)
    retained = ~hired & (mechanism.uniforms(month, ending) < p_retain)
    benefit = ~hired & ~retained
    outcome = np.where(hired, int(Status.NEC), np.where(retained, int(Status.WISE_JOB), int(Status.UNEMPLOYED)))
    r.contract_outcome[ending] = outcome
    mechanism.log(month, "contract_end", ending, outcome, r.skill[ending])
    start_job(model, ending[hired], r.offer[ending[hired]], month)
    move(model, ending[retained], Status.WISE_JOB, month)
    r.wise[ending[retained]] = host[retained]
    to_benefit = ending[benefit]
    move(model, to_benefit, Status.UNEMPLOYED, month)
    r.benefit_entry[to_benefit] = month


_ART60 = int(Status.ART60)


@njit(cache=True, nogil=True)
def _ending(contract_end: np.ndarray, status: np.ndarray, month: int) -> np.ndarray:  # pragma: no cover - compiled
    """Rows whose art. 60 contract ends in ``month`` (not those who dropped out), compiled."""
    return np.flatnonzero((contract_end == month) & (status == _ART60))
