"""Names and descriptions used when a mechanism tells one of its events in words (the trace)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughflow.enums import SECTORS

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


@dataclass(frozen=True)
class Words:
    """The refugee whose trajectory is told, and how to name what the events refer to.

    Attributes:
        model: The finished model.
        agent: Row of the refugee.
        name: The refugee's name ("Kamin", or "Refugee #12").
        mentor_name: The mentor's name ("Juul", or "the mentor").
        their: Possessive pronoun ("his" in the story, else "their").
    """

    model: ThroughflowModel
    agent: int
    name: str
    mentor_name: str
    their: str

    @property
    def trade(self) -> str:
        """The refugee's trade (sector name)."""
        return SECTORS[int(self.model.refugees.trade[self.agent])]

    def place(self, municipality: int) -> str:
        """A municipality's name."""
        return self.model.region.names[municipality]

    def host(self, host: int) -> str:
        """An art. 60 host with its sector and place."""
        h = self.model.hosts
        kind = "WISE" if h.is_wise[host] else "host"
        return f"{kind} #{host} ({SECTORS[int(h.sector[host])]}, {self.place(int(h.municipality[host]))})"

    def employer(self, employer: int) -> str:
        """An NEC employer with its sector and place."""
        e = self.model.employers
        return f"employer #{employer} ({SECTORS[int(e.sector[employer])]}, {self.place(int(e.municipality[employer]))})"

    def fit(self, host: int) -> str:
        """Whether a host works in the refugee's trade."""
        inside = self.model.hosts.sector[host] == self.model.refugees.trade[self.agent]
        return f"in {self.their} trade" if inside else f"outside {self.their} trade"
