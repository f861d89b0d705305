"""Shared state and wording helpers of the brief's sections.

Every number goes through :meth:`Context.n`, which registers it in
:class:`~throughflow.briefing.numbers.Numbers` (text and source); figures go through
:meth:`Context.figure`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from throughflow.briefing.document import Document, Figure
from throughflow.briefing.inputs import FULL, REFERENCE, Inputs, Source
from throughflow.briefing.numbers import Numbers
from throughflow.experiments.outputs import environment
from throughflow.plots import brief_figures as figs

TITLE = "Mentoring-to-NEC: from art. 60 work experience to sustainable jobs"

GROUP_NAMES = {"all": "all refugees", "low": "LOW", "medium": "MEDIUM", "high": "HIGH"}

MEANING = {
    "throughflow_12m": "were in an NEC job at some time within 12 months after their art. 60 contract ended",
    "sustainable_nec": "held an NEC job for 12 or more consecutive months within 36 months after their contract started",
}


@dataclass
class Context:
    """State shared by the sections while the brief is built."""

    inputs: Inputs
    out: Path
    numbers: Numbers = field(default_factory=Numbers)
    doc: Document = field(default_factory=Document)
    figures: list[Path] = field(default_factory=list)
    figure_no: int = 0
    table_no: int = 0
    env: dict[str, Any] = field(default_factory=environment)
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d"))
    headline_source: tuple[Source, str, str, pd.DataFrame] | None = None

    def n(self, key: str, value: Any, kind: str, source: dict[str, Any], column: str | None = None) -> str:
        """Register a number (with the column it comes from) and return its text."""
        src = {k: v for k, v in source.items() if k != "columns"}
        cols = source.get("columns")
        if isinstance(cols, dict):
            src["column"] = cols.get(column, column) if column is not None else cols
        elif cols is not None:  # one description for all the values of the source
            src["column"] = cols
        elif column is not None:
            src["column"] = column
        return self.numbers.add(key, None if value is None else float(value), kind, src)

    def figure(self, fig: Any, stem: str, caption: str, source: Source) -> None:
        """Save a figure under ``figures/`` and add it with a numbered caption."""
        self.figure_no += 1
        m = source.manifest
        provenance = {
            "Title": f"Figure {self.figure_no}: {stem}",
            "Comment": f"store={source.path}; sweep={source.name}; hash={m.get('sweep_hash')}; R={m.get('replications')}; "
            f"seed={m.get('seed')}; throughflow {m.get('throughflow')} commit {m.get('git_commit')}",
        }
        self.figures += figs.save_figure(fig, self.out / "figures" / stem, provenance)
        self.doc.add(Figure(f"figures/{stem}.png", f"Figure {self.figure_no}. {caption}"))

    def caption(self, text: str) -> str:
        """A numbered table caption."""
        self.table_no += 1
        return f"Table {self.table_no}. {text}"


def upper_first(text: str) -> str:
    """The text with its first letter in upper case (the rest unchanged)."""
    return text[:1].upper() + text[1:]


def level_label(level: str) -> str:
    """How a scenario level is named in running text."""
    if level == REFERENCE:
        return "without mentoring-to-NEC"
    if level == FULL:
        return "with mentoring-to-NEC"
    return f"in scenario `{level}`"


def interval(c: Context, key: str, row: dict[str, Any] | pd.Series, kind: str = "pp") -> str:
    """Register the 95 % interval of a row (``ci_low``, ``ci_high``, ``source``) and return ``"lo to hi"``."""
    lo = c.n(f"{key}.ci_low", row["ci_low"], kind, row["source"], "ci_low")
    hi = c.n(f"{key}.ci_high", row["ci_high"], kind, row["source"], "ci_high")
    return f"{lo} to {hi}"


def clear(row: dict[str, Any] | pd.Series) -> str:
    """Whether an interval is clearly above or below zero, in words."""
    lo, hi = row["ci_low"], row["ci_high"]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "no interval (a single replication)"
    if lo > 0:
        return "clearly above zero"
    if hi < 0:
        return "clearly below zero"
    return "not distinguishable from zero at this number of replications"
