"""Every number the brief prints, with its formatting and its source (``brief_numbers.json``).

A number enters the brief only through :meth:`Numbers.add`, which formats it and records the
value, the text as printed and where it comes from: the results store, the table in it (or
the computation on its run table) and the row and column. A reader can therefore trace each
figure in the brief back to the stored results, and a test can recompute it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MINUS = "\u2212"
"""Typographic minus sign used in the brief."""


def _signed(text: str, value: float, sign: bool) -> str:
    if value < 0 or text.startswith("-"):
        return MINUS + text.lstrip("-")
    return ("+" if sign and value > 0 else "") + text


def fmt(value: float | None, kind: str) -> str:
    """Format a number as printed in the brief.

    Args:
        value: The number (``None`` or NaN print as ``n/a``).
        kind: ``pct`` (share as percent, 1 decimal), ``pp`` (difference of shares in
            percentage points, signed, 1 decimal), ``eur`` (euro, signed, no decimals), ``num1``
            (1 decimal), ``snum1`` (signed, 1 decimal), ``int``, ``idx`` (an index, 3 decimals),
            ``ppidx`` (an index of a share in percentage points, 2 decimals).

    Returns:
        The text.
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    v = float(value)
    if kind == "pct":
        return _signed(f"{abs(v) * 100:.1f}", v, False)
    if kind == "pp":
        text = f"{abs(v) * 100:.1f}"
        return _signed(text, v if text.strip("0.") else 0.0, True)
    if kind == "eur":
        text = f"€{abs(v):,.0f}"
        return (MINUS + text) if v < 0 and text != "€0" else text
    if kind == "num1":
        return _signed(f"{abs(v):.1f}", v, False)
    if kind == "snum1":
        text = f"{abs(v):.1f}"
        return _signed(text, v if text.strip("0.") else 0.0, True)
    if kind == "int":
        return _signed(f"{abs(round(v)):d}", v, False)
    if kind == "idx":
        return _signed(f"{abs(v):.3f}", v, False)
    if kind == "ppidx":
        return _signed(f"{abs(v) * 100:.2f}", v, False)
    raise ValueError(f"unknown number format {kind!r}")


def parse(text: str) -> float:
    """The value a formatted number stands for, in the printed unit (``−€2,979`` -> -2979.0)."""
    clean = text.replace(MINUS, "-").replace("€", "").replace(",", "").replace("+", "").replace("%", "").strip()
    return float(clean)


@dataclass
class Number:
    """One printed number."""

    key: str
    value: float | None
    kind: str
    text: str
    source: dict[str, Any]


@dataclass
class Numbers:
    """The registry of printed numbers."""

    items: dict[str, Number] = field(default_factory=dict)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    """Verbatim lines quoted in the brief (the trace), with their source."""

    def add(self, key: str, value: float | None, kind: str, source: dict[str, Any]) -> str:
        """Register a number and return its text as printed.

        Args:
            key: Unique name (``headline.throughflow_12m.all.diff``).
            value: The value in its stored unit (a share, not a percent).
            kind: Format (see :func:`fmt`).
            source: Where it comes from: ``store``, ``table``, ``row``, ``column``.

        Returns:
            The formatted number.
        """
        v = None if value is None or not math.isfinite(float(value)) else float(value)
        text = fmt(v, kind)
        self.items[key] = Number(key, v, kind, text, source)
        return text

    def write(self, path: Path) -> Path:
        """Write ``brief_numbers.json``."""
        data = {
            "numbers": [
                {"key": n.key, "value": n.value, "format": n.kind, "text": n.text, "source": n.source}
                for n in self.items.values()
            ],
            "quotes": self.quotes,
        }
        path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
        return path
