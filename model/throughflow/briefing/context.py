"""Shared state and wording helpers of the brief's sections.

Every number goes through :meth:`Context.n`, which registers it in
:class:`~throughflow.briefing.numbers.Numbers` (text and source); every sentence through
:meth:`Context.t` (the language's catalogue); figures go through :meth:`Context.figure`.
Sections leave what the bottom line needs in :attr:`Context.facts`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from throughflow.briefing import quality
from throughflow.briefing.document import Document, Figure, Note, Warn
from throughflow.briefing.estimate import Estimate
from throughflow.briefing.i18n import ENGLISH, Lang
from throughflow.briefing.inputs import FULL, REFERENCE, Inputs, Source
from throughflow.briefing.numbers import Numbers
from throughflow.experiments.outputs import environment
from throughflow.plots import brief_figures as figs


@dataclass
class Context:
    """State shared by the sections while the brief is built."""

    inputs: Inputs
    out: Path
    lang: Lang = ENGLISH
    numbers: Numbers = field(default_factory=Numbers)
    doc: Document = field(default_factory=Document)
    figures: list[Path] = field(default_factory=list)
    figure_no: int = 0
    table_no: int = 0
    env: dict[str, Any] = field(default_factory=environment)
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d"))
    headline_source: tuple[Source, str, str, pd.DataFrame] | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    used: list[Source] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.numbers.lang = self.lang.code

    def t(self, key: str, **values: Any) -> str:
        """A sentence of the catalogue (see :class:`~throughflow.briefing.i18n.Lang`)."""
        return self.lang.t(key, **values)

    def n(self, key: str, value: Any, kind: str, source: dict[str, Any], column: str | None = None) -> str:
        """Register a number (with the column it comes from) and return its text."""
        src = {k: v for k, v in source.items() if k != "columns"}
        cols = source.get("columns")
        if isinstance(cols, dict):
            src["column"] = cols.get(column, column) if column is not None else cols
        elif cols is not None:  # one description for all the values of the source
            src["column"] = cols
        elif column is not None and "column" not in src:
            src["column"] = column
        return self.numbers.add(key, None if value is None else float(value), kind, src)

    def est(self, key: str, e: Estimate, kind: str) -> tuple[str, str]:
        """Register an estimate and its ``seeds`` interval; return ``(mean, "lo to hi")`` as printed."""
        mean = self.n(key, e.mean, kind, e.source, "mean")
        lo = self.n(f"{key}.ci_low", e.low, kind, e.source, "ci_low")
        hi = self.n(f"{key}.ci_high", e.high, kind, e.source, "ci_high")
        na = self.lang.num(None, kind)
        return mean, (self.t("word.no_interval") if na in (lo, hi) else self.t("word.range", low=lo, high=hi))

    def figure(self, fig: Any, stem: str, caption: str, source: Source) -> None:
        """Save a figure under ``figures/`` and add it with a numbered caption."""
        self.figure_no += 1
        m = source.manifest
        provenance = {
            "Title": f"Figure {self.figure_no}: {stem}",
            "Comment": f"store={source.path}; sweep={source.name}; hash={m.get('sweep_hash')}; R={m.get('replications')}; "
            f"seed={m.get('seed')}; throughflow {m.get('throughflow')} commit {m.get('git_commit')}; language={self.lang.code}",
        }
        self.figures += figs.save_figure(fig, self.out / "figures" / stem, provenance)
        self.doc.add(Figure(f"figures/{stem}.png", self.t("doc.figure", n=self.figure_no, text=caption)))

    def caption(self, text: str) -> str:
        """A numbered table caption."""
        self.table_no += 1
        return self.t("doc.table", n=self.table_no, text=text)

    def note(self, key: str, **values: Any) -> None:
        """Add a note (a left-out section, an input not used)."""
        self.doc.add(Note(self.t("doc.note", text=self.t(key, **values))))

    def use(self, source: Source) -> bool:
        """Record that a section uses ``source``; warn loudly if it is below its declared minimum size.

        Returns:
            Whether the source meets its minimum size.
        """
        first = not any(u.path == source.path for u in self.used)
        if source not in self.used:
            self.used.append(source)
        size = quality.size(source)
        if not size.adequate:
            text = preliminary_text(self, source) if first else self.t("quality.again", name=source.name)
            self.doc.add(Warn(self.t("quality.preliminary"), text))
        return size.adequate


def preliminary_text(c: Context, source: Source) -> str:
    """Why a result is preliminary and what to run for the full version."""
    size = quality.size(source)
    value = c.lang.num(size.value, "int") if size.value is not None else c.t("quality.unknown")
    unit = f"{size.unit}_grouped" if source.meta.get("grouped") and size.unit == "trajectories" else size.unit
    if source.meta.get("cost") and size.unit == "trajectories":  # read for its parameter sets, not a ranking
        unit = "trajectories_cost"
    reason = c.t(f"quality.below.{unit}", value=value, minimum=c.lang.num(size.minimum, "int"), name=source.name)
    if size.converged is False and size.value is not None and size.value >= size.minimum:
        reason = c.t("quality.unconverged", name=source.name)
    elif size.converged is False:
        reason += " " + c.t("quality.also_unconverged")
    return reason + " " + c.t("quality.full_version", command=size.command)


def level_label(c: Context, level: str) -> str:
    """How a scenario level is named in running text."""
    if level == REFERENCE:
        return c.t("level.without")
    if level == FULL:
        return c.t("level.with")
    return c.t("level.other", level=level)


def interval(c: Context, key: str, row: dict[str, Any] | pd.Series, kind: str = "pp") -> str:
    """Register the 95 % interval of a row (``ci_low``, ``ci_high``, ``source``) and return ``"lo to hi"``."""
    lo = c.n(f"{key}.ci_low", row["ci_low"], kind, row["source"], "ci_low")
    hi = c.n(f"{key}.ci_high", row["ci_high"], kind, row["source"], "ci_high")
    return c.t("word.range", low=lo, high=hi)


def has_band(row: dict[str, Any] | pd.Series) -> bool:
    """Whether a row carries a parameter-plus-seed band (a comparison with a posterior version)."""
    return isinstance(row.get("band_source"), dict)


def band(c: Context, key: str, row: dict[str, Any] | pd.Series, kind: str = "pp") -> str | None:
    """Register the parameter-plus-seed band of a row and return ``"lo to hi"`` (``None`` without one)."""
    if not has_band(row):
        return None
    lo = c.n(f"{key}.band_low", row["band_low"], kind, row["band_source"], "band_low")
    hi = c.n(f"{key}.band_high", row["band_high"], kind, row["band_source"], "band_high")
    return c.t("word.range", low=lo, high=hi)


def widest(c: Context, key: str, row: dict[str, Any] | pd.Series, kind: str = "pp") -> str:
    """The interval for running text: the band including parameter uncertainty when present, with the seed interval."""
    seeds = interval(c, key, row, kind)
    wide = band(c, key, row, kind)
    return seeds if wide is None else c.t("interval.both", band=wide, seeds=seeds)


def labelled(c: Context, key: str, row: dict[str, Any] | pd.Series, kind: str = "pp") -> str:
    """Like :func:`widest`, with the seed interval named as such when it is the only one."""
    return widest(c, key, row, kind) if has_band(row) else c.t("interval.labelled", seeds=interval(c, key, row, kind))


def estimate_of(row: dict[str, Any] | pd.Series) -> Estimate:
    """A row's estimate with its intervals by kind (``seeds``; ``parameters`` when it has a band)."""
    intervals = {"seeds": (float(row["ci_low"]), float(row["ci_high"]))}
    if has_band(row):
        intervals["parameters"] = (float(row["band_low"]), float(row["band_high"]))
    return Estimate(float(row.get("diff", row.get("mean", math.nan))), intervals)


def clear(c: Context, row: dict[str, Any] | pd.Series) -> str:
    """Whether a row is clearly above or below zero, in words: every interval it carries must agree."""
    e = estimate_of(row)
    lo, hi = e.intervals["seeds"]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return c.t("clear.none")
    sign = e.sign()
    if sign > 0:
        return c.t("clear.above")
    if sign < 0:
        return c.t("clear.below")
    if lo > 0 or hi < 0:  # clear over seeds, not once the parameters are uncertain
        return c.t("clear.neither_parameters")
    return c.t("clear.neither")


def upper_first(text: str) -> str:
    """The text with its first letter in upper case (the rest unchanged)."""
    return text[:1].upper() + text[1:]
