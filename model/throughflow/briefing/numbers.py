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


NOT_AVAILABLE = {"en": "n/a", "nl": "n.b."}
"""How a missing number is printed, per language."""


def _signed(text: str, value: float, sign: bool) -> str:
    if value < 0 or text.startswith("-"):
        return MINUS + text.lstrip("-")
    return ("+" if sign and value > 0 else "") + text


def _local(text: str, lang: str) -> str:
    """English digits (``1,234.5``) in the language's style: Dutch ``1.234,5``."""
    if lang == "nl":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt(value: float | None, kind: str, lang: str = "en") -> str:
    """Format a number as printed in the brief.

    Args:
        value: The number (``None`` or NaN print as ``n/a``, in Dutch ``n.b.``).
        kind: ``pct`` (share as percent, 1 decimal), ``pp`` (difference of shares in
            percentage points, signed, 1 decimal), ``eur`` (euro, signed, no decimals), ``num1``
            (1 decimal), ``snum1`` (signed, 1 decimal), ``int``, ``idx`` (an index, 3 decimals),
            ``ppidx`` (an index of a share in percentage points, 2 decimals).
        lang: ``en`` (``1,234.5``, ``€2,979``) or ``nl`` (decimal comma: ``1.234,5``, ``€ 2.979``).

    Returns:
        The text.
    """
    if value is None or not math.isfinite(float(value)):
        return NOT_AVAILABLE.get(lang, "n/a")
    v = float(value)
    if kind == "eur":
        digits = _local(f"{abs(v):,.0f}", lang)
        text = ("€ " if lang == "nl" else "€") + digits
        return (MINUS + text) if v < 0 and digits != "0" else text
    formats = {
        "pct": (100.0, 1, False),
        "pp": (100.0, 1, True),
        "num1": (1.0, 1, False),
        "snum1": (1.0, 1, True),
        "int": (1.0, 0, False),
        "idx": (1.0, 3, False),
        "ppidx": (100.0, 2, False),
    }
    if kind not in formats:
        raise ValueError(f"unknown number format {kind!r}")
    scale, decimals, sign = formats[kind]
    text = f"{abs(round(v)):,d}" if kind == "int" else f"{abs(v) * scale:.{decimals}f}"  # counts: thousands grouped
    if sign and not text.strip("0."):
        v = 0.0  # rounds to zero: no sign
    return _signed(_local(text, lang), v, sign)


def parse(text: str, lang: str = "en") -> float:
    """The value a formatted number stands for, in the printed unit (``−€2,979`` -> -2979.0; Dutch ``−€ 2.979``)."""
    clean = text.replace(MINUS, "-").replace("€", "").replace("+", "").replace("%", "").replace(" ", "").strip()
    if lang == "nl":
        clean = clean.replace(".", "").replace(",", ".")
    return float(clean.replace(",", ""))


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
    lang: str = "en"
    """Language the numbers are printed in (see :func:`fmt`)."""

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
        text = fmt(v, kind, self.lang)
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
            "language": self.lang,
        }
        path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
        return path
