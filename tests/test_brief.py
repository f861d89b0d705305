"""The policy brief: every number traces back to the stored results, figures, missing inputs, formats.

Small stores are built once per module (scale 0.2, 48 months, R = 3, serial executor): a
comparison baseline vs mentoring, a three-level qualification-mix sweep and the ablation
sweep shipped for the brief (``tests/brief/ablation.yaml``). The sensitivity result is a
fixture (``tests/brief/sensitivity``) in the format ``throughflow sensitivity`` writes.
Numbers are recomputed here from ``runs.parquet`` and the time series with numpy and
scipy, independently of the package's summaries.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from scipy import stats

from throughflow.analysis.comparison import compare
from throughflow.brief import write_brief
from throughflow.briefing import tables
from throughflow.briefing.inputs import find_inputs
from throughflow.briefing.numbers import fmt, parse
from throughflow.briefing.pdf import page_count
from throughflow.briefing.story import condense
from throughflow.experiments.design import load_sweep, sweep_from_mapping
from throughflow.experiments.sweep import run_sweep
from throughflow.outcomes import BY_NAME
from throughflow.plots import brief_figures as figs
from throughflow.scenario import flatten, load_scenario, with_values

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "brief"
REPO = HERE.parent
SIZE = {"population.scale": 0.2}
MONTHS = 48
R = 3


def tiny(name: str) -> Any:
    return with_values(load_scenario(name), SIZE)


def tiny_sweep(path: Path, keep_levels: list[str] | None = None) -> Any:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if keep_levels is not None:
        levels = spec["factors"]["qualification_mix"]["levels"]
        spec["factors"]["qualification_mix"]["levels"] = {k: levels[k] for k in keep_levels}
    shipped = load_sweep(path) if path.parent.name == "sweeps" else None
    base = shipped.base if shipped else load_scenario("baseline")
    spec.update(replications=R, months=MONTHS, base=with_values(base, SIZE).model_dump())
    return sweep_from_mapping(spec, where=str(path))


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("brief_stores")
    out = {"compare": root / "compare", "mix": root / "mix", "ablation": root / "ablation"}
    compare(
        tiny("baseline"),
        tiny("mentoring"),
        replications=R,
        seed=3,
        out=out["compare"],
        executor="serial",
        months=MONTHS,
        progress=False,
    )
    mix = tiny_sweep(REPO / "scenarios" / "sweeps" / "qualification_mix.yaml", ["0", "2/3", "1"])
    run_sweep(mix, out=out["mix"], executor="serial", progress=False)
    run_sweep(tiny_sweep(FIXTURES / "ablation.yaml"), out=out["ablation"], executor="serial", progress=False)
    out["sensitivity"] = root / "sensitivity"
    shutil.copytree(FIXTURES / "sensitivity", out["sensitivity"])
    return out


@pytest.fixture(scope="module")
def full_brief(stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief_full")
    write_brief(list(stores.values()), out, "pdf")
    return out


# --------------------------------------------------------------------------- independent recomputation


def mean_ci(values: np.ndarray) -> tuple[float, float, float, int]:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(values.mean())
    if n < 2:
        return m, math.nan, math.nan, n
    half = float(stats.t.ppf(0.975, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    return m, m - half, m + half, n


def runs_of(store: str) -> pd.DataFrame:
    runs = pd.read_parquet(Path(store) / "runs.parquet")
    return runs[runs["status"] == "ok"]


def paired(runs: pd.DataFrame, factor: str, level: str, reference: str, others: dict[str, str], column: str) -> pd.DataFrame:
    sel = runs
    for f, v in others.items():
        sel = sel[sel[f].astype(str) == v]
    a = sel[sel[factor].astype(str) == level][["replicate", column]]
    b = sel[sel[factor].astype(str) == reference][["replicate", column]]
    return a.merge(b, on="replicate", suffixes=("", "_ref"))


def effect_stats(pairs: pd.DataFrame, column: str, level_values: pd.Series) -> dict[str, float]:
    d = (pairs[column] - pairs[f"{column}_ref"]).to_numpy(dtype=float)
    m, lo, hi, n = mean_ci(d)
    return {
        "mean": float(np.nanmean(level_values.to_numpy(dtype=float))),
        "reference_mean": float(np.nanmean(pairs[f"{column}_ref"].to_numpy(dtype=float))),
        "diff": m,
        "ci_low": lo,
        "ci_high": hi,
        "n": n,
    }


def recompute(source: dict[str, Any], key: str) -> float | None:
    """The value a number's source points to, recomputed from the stored files."""
    store, table, row, column = source.get("store"), source.get("table", ""), source.get("row", {}), source.get("column")
    if table == "comparison.parquet":
        runs = runs_of(store)
        design = pd.read_parquet(Path(store) / "design.parquet").sort_values("point")
        ref, new = design["factor:scenario"].astype(str).tolist()
        col = f"{row['indicator']}.{row['group']}"
        pairs = paired(runs, "factor:scenario", new, ref, {}, col)
        s = effect_stats(pairs, col, runs[runs["factor:scenario"] == new][col])
        names = {
            f"mean_{ref}": "reference_mean",
            f"mean_{new}": "mean",
            "diff": "diff",
            "ci_low_diff": "ci_low",
            "ci_high_diff": "ci_high",
            "R": "n",
        }
        return s[names[column]]
    if table.startswith("summarize_runs("):
        factor = re.search(r"factor='([^']+)'", table).group(1)
        reference = re.search(r"reference='([^']+)'", table).group(1)
        runs = runs_of(store)
        key_col = f"factor:{factor}"
        others = {k: v for k, v in row.items() if k.startswith("factor:") and k != key_col}
        col = f"{row['indicator']}.{row['group']}"
        pairs = paired(runs, key_col, row[key_col], reference, others, col)
        sel = runs[runs[key_col].astype(str) == row[key_col]]
        for f, v in others.items():
            sel = sel[sel[f].astype(str) == v]
        s = effect_stats(pairs, col, sel[col])
        names = {
            "reference_mean": "reference_mean",
            "mean": "mean",
            "diff": "diff",
            "diff_ci_low": "ci_low",
            "diff_ci_high": "ci_high",
            "n_pairs": "n",
        }
        return s[names[column]]
    if table.startswith("cost_effectiveness"):
        runs = runs_of(store)
        key_col = next(k for k in row if k.startswith("factor:"))
        g = row["group"]
        design = pd.read_parquet(Path(store) / "design.parquet").sort_values("point")
        reference = design[key_col].astype(str).iloc[0]
        pc = paired(runs, key_col, row[key_col], reference, {}, f"cost_eur.{g}")
        pt = paired(runs, key_col, row[key_col], reference, {}, f"sustainable_transitions.{g}")
        dc = (pc[f"cost_eur.{g}"] - pc[f"cost_eur.{g}_ref"]).mean()
        dt = (pt[f"sustainable_transitions.{g}"] - pt[f"sustainable_transitions.{g}_ref"]).mean()
        if column == "extra_cost_eur":
            return float(dc)
        if column == "extra_transitions":
            return float(dt)
        if column == "cost_per_transition":
            return float(dc / dt) if dt > 0 else None
        # the bootstrap interval is taken as stored
        stored = pd.read_csv(Path(store) / "cost_effectiveness.csv")
        stored = stored[(stored[key_col].astype(str) == row[key_col]) & (stored["group"] == g)]
        value = float(stored[column].iloc[0])
        return value if math.isfinite(value) else None
    if table.startswith("timeseries/"):
        points = pd.read_parquet(Path(store) / "design.parquet")
        factor = next(c for c in points.columns if c.startswith("factor:"))
        p_ref = int(points.loc[points[factor] == source["reference"], "point"].iloc[0])
        p_new = int(points.loc[points[factor] == source["treatment"], "point"].iloc[0])
        freed, held_ref, held_new = [], [], []
        for k in range(R):
            ts = [pd.read_parquet(Path(store) / "timeseries" / f"point={p:05d}" / f"rep={k:03d}.parquet") for p in (p_ref, p_new)]
            ts = [t[t["qualification"].astype(str) == "all"].sort_values("month") for t in ts]
            starts = ts[0]["flow_waiting_to_art60"].sum()
            a, b = ts[0]["stock_wise_job"].iloc[-1], ts[1]["stock_wise_job"].iloc[-1]
            freed.append(100 * (a - b) / starts)
            held_ref.append(100 * a / starts)
            held_new.append(100 * b / starts)
        m, lo, hi, _ = mean_ci(np.array(freed))
        return {
            "wise.freed": m,
            "wise.freed.ci_low": lo,
            "wise.freed.ci_high": hi,
            "wise.held_reference": float(np.mean(held_ref)),
            "wise.held_treatment": float(np.mean(held_new)),
        }[key]
    if table == "runs.parquet":  # pillar interaction
        runs = runs_of(store)
        col = column
        wide = runs.pivot_table(index="replicate", columns="factor:scenario", values=col, aggfunc="first")
        alone = sum(wide[f"pillar_{p}"] - wide["baseline"] for p in ("one_on_one", "organisation", "labs"))
        inter = (wide["mentoring"] - wide["baseline"]) - alone
        m, lo, hi, _ = mean_ci(inter.to_numpy())
        values = {"sum_alone": float(alone.mean()), "interaction": m, "interaction.ci_low": lo, "interaction.ci_high": hi}
        return values[key.split("throughflow_12m.", 1)[1]]
    if table == "indices.csv" and row == "all":
        idx = pd.read_csv(Path(store) / "indices.csv")
        return float(idx[column.split(" ")[0]].nunique())
    if table == "convergence.csv":
        conv = pd.read_csv(Path(store) / "convergence.csv")
        final = conv[conv["fraction"] == conv["fraction"].max()]
        return float(final[column.split(" ")[0]].astype(bool).sum())
    if table == "indices.csv":
        idx = pd.read_csv(Path(store) / "indices.csv")
        sel = idx[(idx["outcome"] == row["outcome"]) & (idx["name"] == row["name"])]
        return float(sel[column].iloc[0])
    raise AssertionError(f"{key}: unknown source table {table!r}")


# --------------------------------------------------------------------------- numbers


def test_format_round_trip() -> None:
    assert fmt(0.1479, "pp") == "+14.8"
    assert fmt(-0.0067, "pp") == "\u22120.7"
    assert fmt(0.00001, "pp") == "0.0"
    assert fmt(0.2913, "pct") == "29.1"
    assert fmt(-2978.51, "eur") == "\u2212€2,979"
    assert fmt(float("nan"), "eur") == "n/a"
    assert parse("\u2212€2,979") == -2979.0
    assert parse("+14.8") == 14.8


def test_every_number_equals_the_stored_results(full_brief: Path) -> None:
    md = (full_brief / "brief.md").read_text(encoding="utf-8")
    data = json.loads((full_brief / "brief_numbers.json").read_text(encoding="utf-8"))
    numbers = data["numbers"]
    assert len(numbers) > 60
    kinds = {n["source"]["table"].split("(")[0] for n in numbers}
    assert {"comparison.parquet", "summarize_runs", "cost_effectiveness.csv", "indices.csv", "runs.parquet"} <= kinds
    for n in numbers:
        assert n["text"] in md, f"{n['key']}: {n['text']!r} not printed in the brief"
        expected = recompute(n["source"], n["key"])
        if expected is None or not math.isfinite(expected):
            assert n["value"] is None and n["text"] == "n/a", n["key"]
            continue
        assert n["value"] == pytest.approx(expected, rel=1e-9, abs=1e-12), n["key"]
        assert n["text"] == fmt(expected, n["format"]), n["key"]


def test_headline_table_parsed_from_markdown(full_brief: Path, stores: dict[str, Path]) -> None:
    md = (full_brief / "brief.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (NEC within 12 months|Sustainable NEC job): (all refugees|LOW|MEDIUM|HIGH) \| (.+) \|$", md, re.M)
    assert len(rows) == 8
    runs = runs_of(str(stores["compare"]))
    labels = {BY_NAME["throughflow_12m"].label: "throughflow_12m", BY_NAME["sustainable_nec"].label: "sustainable_nec"}
    for label, group, cells in rows:
        without, with_, diff, interval = (c.strip() for c in cells.split("|"))
        col = f"{labels[label]}.{'all' if group == 'all refugees' else group.lower()}"
        pairs = paired(runs, "factor:scenario", "mentoring", "baseline", {}, col)
        s = effect_stats(pairs, col, runs[runs["factor:scenario"] == "mentoring"][col])
        lo_text, hi_text = interval.split(" to ")
        for text, value in (
            (without, s["reference_mean"]),
            (with_, s["mean"]),
            (diff, s["diff"]),
            (lo_text, s["ci_low"]),
            (hi_text, s["ci_high"]),
        ):
            assert parse(text) == pytest.approx(100 * value, abs=0.05 + 1e-9), (col, text, value)


def test_story_is_quoted_from_a_real_trace(full_brief: Path) -> None:
    from throughflow.model import ThroughflowModel
    from throughflow.trace import default_agent, narrate

    quotes = json.loads((full_brief / "brief_numbers.json").read_text(encoding="utf-8"))["quotes"]
    assert 3 <= len(quotes) <= 8
    model = ThroughflowModel("juul_kamin", seed=0).run()
    full = narrate(model, default_agent(model))
    md = (full_brief / "brief.md").read_text(encoding="utf-8")
    for q in quotes:
        assert q["text"] in full
        sentence = q["text"].split(":", 1)[1].strip()
        assert sentence in md
    assert any("offers an art. 60 place" in q["text"] for q in quotes)
    assert "End of the run" in quotes[-1]["text"]


def test_condense_keeps_key_lines_in_order() -> None:
    lines = [
        "Month   1: K becomes a client.",
        "Month   1: The OCMW offers an art. 60 place at X: 90 min by public transport, outside his trade.",
        "Month   1: J goes with K to the OCMW to contest the offer; the OCMW is reluctant and refuses.",
        "Month   2: The OCMW offers an art. 60 place at Y: 60 min by public transport, outside his trade.",
        "Month   2: J goes with K to the OCMW to contest the offer; the OCMW is reluctant and refuses.",
        "Month   3: J goes with K to the OCMW to contest the offer; the OCMW agrees to look for a better place.",
        "Month   3: K starts art. 60 work experience at Z: 20 min from home, in his trade.",
        "Month   9: K sends 3 cold application(s); 0 warm application(s).",
        "Month  15: The art. 60 contract ends (skill now 0.7); K moves to the NEC job.",
        "Month  14: K is hired by employer #1 through a mentor referral.",
        "Month  40: K loses the job at employer #1 after 25 months and goes on benefit.",
        "Month  48: End of the run: K is UNEMPLOYED.",
    ]
    picked = condense(lines)
    assert 5 <= len(picked) <= 8
    assert picked == [line for line in lines if line in picked]  # original order
    assert lines[1] in picked and lines[2] in picked and lines[5] in picked and lines[4] not in picked
    assert lines[-1] in picked and lines[7] not in picked


# --------------------------------------------------------------------------- figures


def test_figure_files_are_written_and_not_blank(full_brief: Path) -> None:
    pngs = sorted((full_brief / "figures").glob("*.png"))
    assert {p.stem for p in pngs} == {
        "effect_by_qualification",
        "nec_entry_curves",
        "throughflow_12m_across_mix",
        "pillar_contributions",
    }
    for png in pngs:
        pixels = mpimg.imread(png)
        assert float(np.var(pixels)) > 1e-4, f"{png.name} is blank"
        assert pixels.shape[1] == 2100  # 7 in at 300 dpi
        svg = png.with_suffix(".svg").read_text(encoding="utf-8")
        assert svg.count("<path") > 20 and "throughflow" in svg
    from PIL import Image

    assert "store=" in Image.open(pngs[0]).info.get("Comment", "")


def test_figure_objects_have_the_expected_marks(stores: dict[str, Path]) -> None:
    inputs = find_inputs([stores["compare"], stores["mix"], stores["ablation"]])
    source = inputs.headline()
    assert source is not None and source.runs is not None
    fig = figs.entry_curves_figure(source.runs, "scenario", ("baseline", "mentoring"))
    for ax in [a for a in fig.axes if a.get_visible()]:
        assert len(ax.get_lines()) == 2
        assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2
    eff = tables.effects(source, "baseline", "mentoring")
    fig = figs.group_effects_figure(eff)
    assert [sum(isinstance(c, ErrorbarContainer) for c in ax.containers) for ax in fig.axes] == [4, 4]
    pillars = tables.pillar_effects(inputs.ablation[0])
    assert len(pillars) == 14  # 3 pillars x (alone, added last) + all three, for 2 indicators
    fig = figs.pillar_figure(pillars)
    bars = [sum(len(c) for c in ax.containers if isinstance(c, BarContainer)) for ax in fig.axes]
    assert bars == [7, 7]
    summary = tables.mix_summary(inputs.mix[0])
    fig = figs.mix_figure(summary)
    left, right = fig.axes[:2]
    assert len([ln for ln in left.get_lines() if len(ln.get_xdata()) == 3]) == 2  # off and on across 3 mix levels
    assert sum(isinstance(c, ErrorbarContainer) for c in right.containers) == 4  # all, LOW, MEDIUM, HIGH


# --------------------------------------------------------------------------- missing inputs and formats


def test_missing_inputs_leave_sections_out_with_a_note(stores: dict[str, Path], tmp_path: Path) -> None:
    junk = tmp_path / "not_a_store"
    junk.mkdir()
    path = write_brief([stores["compare"], junk, tmp_path / "absent"], tmp_path / "b", story=False)
    md = path.read_text(encoding="utf-8")
    assert "**NEC within 12 months.**" in md
    assert "no qualification-mix sweep was given" in md
    assert "no ablation sweep was given" in md
    assert "no sensitivity result was given" in md
    assert "none of the stores kept the monthly time series" in md
    assert "not_a_store` was not used" in md and "absent` was not used: no such folder" in md
    assert "Figure 3" not in md and "Kamin" not in md
    assert sorted(p.name for p in (tmp_path / "b" / "figures").glob("*.png")) == [
        "effect_by_qualification.png",
        "nec_entry_curves.png",
    ]

    empty = write_brief([], tmp_path / "e", "html", story=False)
    text = empty.read_text(encoding="utf-8")
    assert "no comparison of the baseline with mentoring-to-NEC was given" in text
    assert json.loads((tmp_path / "e" / "brief_numbers.json").read_text())["numbers"] == []


def test_headline_falls_back_to_the_ablation_store(stores: dict[str, Path], tmp_path: Path) -> None:
    path = write_brief([stores["ablation"]], tmp_path / "b", story=False)
    md = path.read_text(encoding="utf-8")
    assert "store `ablation`" in md and "**NEC within 12 months.**" in md
    assert "places freed per 100 contracts" in md


def test_parent_folder_is_searched(stores: dict[str, Path], tmp_path: Path) -> None:
    inputs = find_inputs([stores["compare"].parent])
    assert [s.kind for s in inputs.all()] == ["comparison", "mix", "ablation", "sensitivity"]


def test_html_is_self_contained_and_pdf_has_two_to_four_pages(full_brief: Path, stores: dict[str, Path], tmp_path: Path) -> None:
    pages = page_count(full_brief / "brief.pdf")
    assert 2 <= pages <= 4, pages
    assert (full_brief / "brief.pdf").read_bytes().startswith(b"%PDF")
    html_path = write_brief([stores["compare"]], tmp_path / "h", "html", story=False)
    html = html_path.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 2 and 'src="figures/' not in html
    assert "<table>" in html and "Key findings" in html
    linked = write_brief([stores["compare"]], tmp_path / "l", "html", story=False, embed_images=False)
    assert 'src="figures/nec_entry_curves.png"' in linked.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="unknown brief format"):
        write_brief([], tmp_path / "x", "docx")


def test_ablation_sweep_levels_are_the_shipped_scenarios() -> None:
    # the file's base (../baseline.yaml) is relative to scenarios/sweeps/, where it is meant to be shipped
    spec = yaml.safe_load((FIXTURES / "ablation.yaml").read_text(encoding="utf-8"))
    sweep = sweep_from_mapping(spec, where="ablation.yaml", base_dir=REPO / "scenarios" / "sweeps")
    assert sweep.keep_timeseries
    for labels, values in sweep.points():
        name = labels["scenario"]
        built, shipped = flatten(sweep.scenario(values)), flatten(load_scenario(name))
        differs = {k for k in built if built[k] != shipped.get(k) and k not in ("name", "description")}
        assert not differs, f"level {name} differs from scenarios/{name}.yaml in {sorted(differs)}"
