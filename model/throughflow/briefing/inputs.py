"""Finding and reading the results a brief is written from.

A brief reads results folders, never live models. Each folder given (or, for a folder that
is not itself a result, each folder directly inside it) is recognised by its content:

* **comparison** — a store written by ``throughflow compare`` (``comparison.parquet``):
  factor ``scenario`` with a reference and a compared level;
* **qualification mix** — a sweep store with factors ``qualification_mix`` and
  ``mentoring`` (levels ``off``/``on``), e.g. ``scenarios/sweeps/qualification_mix.yaml``;
* **ablation** — a sweep store with a factor whose levels are named after the shipped
  scenarios: ``baseline`` and some of ``pillar_*``, ``without_*``, ``mentoring``
  (``ablation.yaml``);
* **targeting** — a sweep store with a factor ``targeting`` whose levels are ``nobody`` and
  targeting rules (``everyone``, ``low``, ``medium_high``), possibly crossed with
  ``qualification_mix`` (``targeting.yaml``, ``targeting_mix.yaml``); crossed with the mix,
  its levels ``nobody`` and ``everyone`` also serve as a qualification-mix sweep;
* **story** — a sweep store of the ``juul_kamin`` scenario over many seeds: its rows hold
  ``story_reached_nec`` (``juul_kamin_seeds.yaml``);
* **sensitivity** — a folder with ``indices.csv`` written by ``throughflow sensitivity``.

Anything else is listed in the brief as not used, with the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from throughflow.experiments.store import StoreError, load_runs

PILLARS = ("one_on_one", "organisation", "labs")
"""Pillars of mentoring-to-NEC, as named in the shipped scenarios ``pillar_*`` / ``without_*``."""

FULL = "mentoring"
REFERENCE = "baseline"
NOBODY = "nobody"
"""Reference level of a targeting sweep (no mentoring-to-NEC)."""
EVERYONE = "everyone"
"""Targeting level with everyone eligible (mentoring-to-NEC on)."""


@dataclass(eq=False)
class Source:
    """One results folder used by the brief.

    Attributes:
        path: The folder.
        kind: ``comparison``, ``mix``, ``ablation``, ``targeting``, ``story`` or ``sensitivity``.
        manifest: Its ``manifest.json`` (empty if none).
        sweep_text: Its ``sweep.yaml`` (empty if none).
        runs: The run table (successful runs only), or ``None`` for a sensitivity result.
        factor: The compared factor (``scenario`` for comparisons and ablations).
        reference: The reference level of ``factor``.
        levels: Levels of ``factor`` in design order.
        failed: Runs that failed (left out).
        tables: Extra tables read from the folder (``comparison``, ``cost``, ``indices``, ...).
        treatment: The compared level (mix: mentoring on; story: with the mentor).
        meta: Further facts of a sensitivity result: ``method``, ``n``, ``grouped``, and
            whether its outcomes include the mentoring effect (``effect``) or the paired
            5-year cost (``cost``: a cost screening).
    """

    path: Path
    kind: str
    manifest: dict[str, Any] = field(default_factory=dict)
    sweep_text: str = ""
    runs: pd.DataFrame | None = None
    factor: str = ""
    reference: str = ""
    levels: list[str] = field(default_factory=list)
    failed: int = 0
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    treatment: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The sweep or analysis name (folder name if unknown)."""
        return str(self.manifest.get("sweep") or self.path.name)

    @property
    def replications(self) -> int:
        """Replications per design point (paired seeds)."""
        if self.manifest.get("replications"):
            return int(self.manifest["replications"])
        return int(self.runs["replicate"].nunique()) if self.runs is not None and len(self.runs) else 0

    def factors(self) -> list[str]:
        """The factors of the store's design."""
        return [
            c.removeprefix("factor:") for c in (self.runs.columns if self.runs is not None else []) if c.startswith("factor:")
        ]

    def has_timeseries(self) -> bool:
        """Whether the store kept the monthly time series."""
        return (self.path / "timeseries").is_dir()

    def point_of(self, level: str, **others: str) -> int:
        """The design point whose ``factor`` level is ``level`` (and other factors as given)."""
        assert self.runs is not None
        sel = self.runs[self.runs[f"factor:{self.factor}"].astype(str) == level]
        for f, v in others.items():
            sel = sel[sel[f"factor:{f}"].astype(str) == v]
        return int(sel["point"].iloc[0])


@dataclass
class Inputs:
    """Everything found in the folders given to the brief."""

    comparisons: list[Source] = field(default_factory=list)
    mix: list[Source] = field(default_factory=list)
    ablation: list[Source] = field(default_factory=list)
    targeting: list[Source] = field(default_factory=list)
    story: list[Source] = field(default_factory=list)
    sensitivity: list[Source] = field(default_factory=list)
    ignored: list[tuple[Path, str]] = field(default_factory=list)

    def all(self) -> list[Source]:
        """Every recognised store once, in the order comparison, mix, ablation, targeting, story, sensitivity."""
        found = [*self.comparisons, *self.mix, *self.ablation, *self.targeting, *self.story, *self.sensitivity]
        return [s for s in found if not s.meta.get("derived")]

    def headline(self) -> Source | None:
        """The source of the headline effect: a comparison with the full model, else an ablation store.

        Preference: the comparison with the most replications whose compared level is not a
        single pillar or an all-but-one variant; then the ablation store with the most
        replications holding ``baseline`` and ``mentoring``.
        """
        full = [s for s in self.comparisons if not s.levels[-1].startswith(("pillar_", "without_"))]
        full = full or [s for s in self.ablation if REFERENCE in s.levels and FULL in s.levels]
        return max(full, key=lambda s: s.replications) if full else None

    def headline_levels(self) -> tuple[str, str] | None:
        """Reference and compared level of the headline source."""
        source = self.headline()
        if source is None:
            return None
        if source.kind == "comparison":
            return source.levels[0], source.levels[-1]
        return REFERENCE, FULL


def _json(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _levels(path: Path, runs: pd.DataFrame, factor: str) -> list[str]:
    design = path / "design.parquet"
    column = f"factor:{factor}"
    if design.is_file():
        table = pd.read_parquet(design)
        if column in table.columns:
            return list(dict.fromkeys(table.sort_values("point")[column].astype(str)))
    return list(dict.fromkeys(runs.sort_values("point")[column].astype(str)))


def _read(path: Path) -> Source | str:
    """Recognise one folder; a string is the reason it is not used."""
    if (path / "indices.csv").is_file():
        tables = {"indices": pd.read_csv(path / "indices.csv")}
        if (path / "convergence.csv").is_file():
            tables["convergence"] = pd.read_csv(path / "convergence.csv")
        if "outcome" not in tables["indices"].columns or "name" not in tables["indices"].columns:
            return "indices.csv lacks the columns outcome and name"
        manifest = _json(path / "manifest.json")
        text = (path / "sweep.yaml").read_text(encoding="utf-8") if (path / "sweep.yaml").is_file() else ""
        meta = _sensitivity_meta(manifest, text, tables["indices"])
        if meta["cost"]:  # the brief also reads a cost screening's parameter sets
            sample = _sample_outcomes(path)
            if isinstance(sample, tuple):
                meta["sample_problem"] = sample
            else:
                tables["sample"] = sample
        return Source(path, "sensitivity", manifest=manifest, sweep_text=text, tables=tables, meta=meta)
    if not (path / "manifest.json").is_file():
        return "not a results store (no manifest.json) and no sensitivity result (no indices.csv)"
    runs = load_runs(path)
    if runs.empty or "status" not in runs.columns:
        return "the store holds no finished runs"
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    failed = len(runs) - len(ok)
    if ok.empty:
        return "every run in the store failed"
    manifest = _json(path / "manifest.json")
    text = (path / "sweep.yaml").read_text(encoding="utf-8") if (path / "sweep.yaml").is_file() else ""
    factors = [c.removeprefix("factor:") for c in ok.columns if c.startswith("factor:")]
    common: dict[str, Any] = {"manifest": manifest, "sweep_text": text, "runs": ok, "failed": failed}
    if (path / "comparison.parquet").is_file() and "scenario" in factors:
        levels = _levels(path, ok, "scenario")
        if len(levels) != 2:
            return f"a comparison needs two scenarios, found {len(levels)}"
        tables = {"comparison": pd.read_parquet(path / "comparison.parquet")}
        if (path / "cost_effectiveness.csv").is_file():
            tables["cost"] = pd.read_csv(path / "cost_effectiveness.csv")
        if (path / "cost_by_horizon.csv").is_file():
            tables["horizons"] = pd.read_csv(path / "cost_by_horizon.csv")
        return Source(path, "comparison", factor="scenario", reference=levels[0], levels=levels, tables=tables, **common)
    if "targeting" in factors:
        levels = _levels(path, ok, "targeting")
        if NOBODY not in levels or len(levels) < 2:
            return "a targeting sweep needs the level 'nobody' and at least one targeting rule"
        return Source(path, "targeting", factor="targeting", reference=NOBODY, levels=levels, **common)
    if "story_reached_nec.all" in ok.columns and ok["story_reached_nec.all"].notna().any() and len(factors) == 1:
        levels = _levels(path, ok, factors[0])
        without = [lv for lv in levels if _design_values(path, factors[0], lv).get("one_on_one.enabled") is False]
        if len(levels) != 2 or len(without) != 1:
            return "a story sweep needs two levels, one of them without the mentor (one_on_one.enabled: false)"
        treatment = next(lv for lv in levels if lv != without[0])
        return Source(path, "story", factor=factors[0], reference=without[0], levels=levels, treatment=treatment, **common)
    if "qualification_mix" in factors and "mentoring" in factors:
        levels = _levels(path, ok, "mentoring")
        if "off" not in levels or len(levels) < 2:
            return "a qualification-mix sweep needs mentoring levels 'off' and at least one other"
        treatment = next(lv for lv in levels if lv != "off")
        return Source(path, "mix", factor="mentoring", reference="off", levels=levels, treatment=treatment, **common)
    for factor in factors:
        levels = _levels(path, ok, factor)
        named = [lv for lv in levels if lv == FULL or lv.startswith(("pillar_", "without_"))]
        if REFERENCE in levels and named:
            return Source(path, "ablation", factor=factor, reference=REFERENCE, levels=levels, **common)
    return (
        f"a sweep with factors {', '.join(factors) or '(none)'}: not a comparison, a qualification-mix, targeting or "
        "story sweep, or an ablation sweep (levels baseline, pillar_*, without_*, mentoring)"
    )


def find_inputs(results_dirs: list[Path]) -> Inputs:
    """Recognise every results folder given (and the results folders directly inside a plain folder).

    Args:
        results_dirs: Folders of comparisons, sweeps, sensitivity results, or folders holding them.

    Returns:
        The recognised sources by kind, and the folders not used with the reason.
    """
    inputs = Inputs()
    queue: list[tuple[Path, bool]] = [(Path(p), True) for p in results_dirs]
    seen: set[Path] = set()
    while queue:
        path, top = queue.pop(0)
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        if not path.is_dir():
            inputs.ignored.append((path, "no such folder"))
            continue
        is_result = (path / "manifest.json").is_file() or (path / "indices.csv").is_file()
        if not is_result and top:
            children = sorted(p for p in path.iterdir() if p.is_dir())
            found = [p for p in children if (p / "manifest.json").is_file() or (p / "indices.csv").is_file()]
            if found:
                queue[0:0] = [(p, False) for p in found]
                continue
        result = _read(path)
        if isinstance(result, str):
            inputs.ignored.append((path, result))
            continue
        kinds = {
            "comparison": inputs.comparisons,
            "mix": inputs.mix,
            "ablation": inputs.ablation,
            "targeting": inputs.targeting,
            "story": inputs.story,
            "sensitivity": inputs.sensitivity,
        }
        kinds[result.kind].append(result)
        if result.kind == "targeting" and "qualification_mix" in result.factors() and EVERYONE in result.levels:
            inputs.mix.append(replace(result, kind="mix", levels=[NOBODY, EVERYONE], treatment=EVERYONE, meta={"derived": True}))
    return inputs


def _design_values(path: Path, factor: str, level: str) -> dict[str, Any]:
    """The parameter values of the first design point at ``level`` of ``factor`` (``design.parquet``)."""
    design = path / "design.parquet"
    if not design.is_file():
        return {}
    table = pd.read_parquet(design)
    rows = table[table[f"factor:{factor}"].astype(str) == level]
    return dict(json.loads(rows["values"].iloc[0])) if len(rows) and "values" in rows else {}


SAMPLE_OUTPUTS = ("extra_cost_5y.all", "extra_sustainable_5y.all")
"""Paired outputs of a sensitivity result's runs that the brief reads per parameter set (the cost screening's)."""


def _sample_outcomes(path: Path) -> pd.DataFrame | tuple[str, str]:
    """Per sampled parameter set (design point), the mean over its successful runs of :data:`SAMPLE_OUTPUTS`.

    Without them, why: ``("unreadable", error)`` (runs not stored or damaged) or
    ``("no_cost", "")`` (the runs hold none of those outputs).
    """
    try:
        runs = load_runs(path)
    except (OSError, ValueError, StoreError) as exc:  # a damaged part: pyarrow's errors are ValueErrors
        return "unreadable", (str(exc).splitlines() or [type(exc).__name__])[0]
    columns = [c for c in SAMPLE_OUTPUTS if c in runs.columns]
    if runs.empty or not columns or "point" not in runs.columns:
        return "no_cost", ""
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    return ok.groupby("point", sort=True)[columns].mean().reset_index()


def _sensitivity_meta(manifest: dict[str, Any], text: str, indices: pd.DataFrame) -> dict[str, Any]:
    """Method, sample size and convergence of a sensitivity result (``n`` is ``None`` if unknown).

    The method and ``n`` come from the stored definition (``sensitivity <digest> morris n=20``),
    else from the analysis name (``sensitivity-<name>-<method>-<n>``), else from the index
    columns (``ST``: Sobol). ``grouped``: the indices are for sections, not parameters;
    ``effect`` and ``cost``: an outcome is the mentoring effect, or the paired 5-year cost.
    """
    found = re.search(r"^sensitivity \S+ (morris|sobol) n=(\d+)", text) or re.search(
        r"-(morris|sobol)-(\d+)$", str(manifest.get("sweep", ""))
    )
    method = found.group(1) if found else ("sobol" if "ST" in indices.columns else "morris")
    names = indices["name"].astype(str)
    outcomes = indices["outcome"].astype(str)
    return {
        "method": method,
        "n": int(found.group(2)) if found else None,
        "grouped": not names.str.contains(".", regex=False).any(),
        "effect": bool(outcomes.str.startswith("effect").any()),
        "cost": bool(outcomes.str.startswith("extra_cost_5y").any()),
        "declaration": re.sub(r"^sensitivity-|-(morris|sobol)-\d+$", "", str(manifest.get("sweep", ""))),
    }


def scenario_hashes(source: Source) -> dict[str, str]:
    """Scenario hashes recorded in a comparison's definition (``compare A <hash> vs B <hash>``)."""
    match = re.search(r"compare (\S+) ([0-9a-f]+) vs (\S+) ([0-9a-f]+)", source.sweep_text)
    return {match.group(1): match.group(2), match.group(3): match.group(4)} if match else {}


def horizon(source: Source) -> int | None:
    """The horizon override recorded in the store's definition (``None``: the scenario's own)."""
    found = re.search(r"months[=:]\s*(\d+)", source.sweep_text)
    return int(found.group(1)) if found else None
