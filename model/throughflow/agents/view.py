"""Descriptors that make a Mesa agent a view on one row of a columnar table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Column:
    """Attribute that reads and writes ``model.<table>.<name>[agent.row]``.

    Args:
        table: Attribute name of the table on the model (``"refugees"``).
        cast: Converts the stored value when read (e.g. to an ``Enum``).

    """

    def __init__(self, table: str, cast: Callable[[Any], Any] = lambda v: v.item()) -> None:
        self.table = table
        self.cast = cast
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: Any, owner: type | None = None) -> Any:
        if agent is None:
            return self
        return self.cast(getattr(getattr(agent.model, self.table), self.name)[agent.row])

    def __set__(self, agent: Any, value: Any) -> None:
        getattr(getattr(agent.model, self.table), self.name)[agent.row] = value
