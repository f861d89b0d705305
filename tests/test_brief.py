"""The policy brief: every number traces back to the stored results, figures, missing inputs, formats.

The small stores (see ``brief_support``) are built once per module; numbers are recomputed
from ``runs.parquet`` and the time series with numpy and scipy (``brief_recompute``),
independently of the package's summaries.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer

from brief_recompute import recompute
from brief_support import FIXTURES, REPO, effect_stats, paired, runs_of, section
from throughflow.brief import write_brief
from throughflow.briefing import tables
from throughflow.briefing.inputs import find_inputs
from throughflow.briefing.numbers import fmt, parse
from throughflow.briefing.pdf import page_count
from throughflow.briefing.story import condense
from throughflow.experiments.design import sweep_from_mapping
from throughflow.outcomes import BY_NAME
from throughflow.plots import brief_figures as figs
from throughflow.scenario import flatten, load_scenario


@pytest.fixture(scope="module")
def stores(brief_stores: dict[str, Path]) -> dict[str, Path]:
    return brief_stores


@pytest.fixture(scope="module")
def full_brief(stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief_full")
    write_brief(list(stores.values()), out, "pdf")
    return out


# --------------------------------------------------------------------------- numbers


def test_format_round_trip() -> None:
    assert fmt(0.1479, "pp") == "+14.8"
    assert fmt(-0.0067, "pp") == "\u22120.7"
    assert fmt(0.00001, "pp") == "0.0"
    assert fmt(0.2913, "pct") == "29.1"
    assert fmt(-2978.51, "eur") == "\u2212€2,979"
    assert fmt(2840, "int") == "2,840" and fmt(2840, "int", "nl") == "2.840" and fmt(20, "int") == "20"
    assert fmt(float("nan"), "eur") == "n/a"
    assert parse("\u2212€2,979") == -2979.0
    assert parse("+14.8") == 14.8


def test_every_number_equals_the_stored_results(full_brief: Path) -> None:
    md = (full_brief / "brief.md").read_text(encoding="utf-8")
    data = json.loads((full_brief / "brief_numbers.json").read_text(encoding="utf-8"))
    numbers = data["numbers"]
    assert len(numbers) > 150
    kinds = {n["source"]["table"].split("(")[0] for n in numbers}
    expected_kinds = {"comparison.parquet", "summarize_runs", "cost_effectiveness.csv", "indices.csv", "runs.parquet"}
    assert expected_kinds | {"targeting", "cost_effectiveness", "manifest.json"} <= kinds
    rows = [line for line in section(md, "How solid are these results?").splitlines() if line.startswith("| ") and "`" in line]
    counts = {"bottom.results": len(rows), "bottom.preliminary": sum("| Preliminary |" in line for line in rows)}
    for n in numbers:
        assert n["text"] in md, f"{n['key']}: {n['text']!r} not printed in the brief"
        if n["key"] in counts:
            assert n["value"] == counts[n["key"]], n["key"]
            continue
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
    runs = runs_of(stores["compare"])
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
    assert all(q["printed"] in q["text"] for q in quotes)
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
        "targeting_per_pair_months",
        "break_even",
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
    for note in (
        "no targeting sweep was given",
        "no qualification-mix sweep was given",
        "no ablation sweep was given",
        "no sensitivity result was given",
        "none of the stores kept the monthly time series",
    ):
        assert note in md, note
    assert "not_a_store` was not used" in md and "absent` was not used: no such folder" in md
    assert "Figure 4" not in md and "Kamin" not in md
    assert "The results given do not answer this" in md  # the bottom line says what is missing
    assert sorted(p.name for p in (tmp_path / "b" / "figures").glob("*.png")) == [
        "break_even.png",
        "effect_by_qualification.png",
        "nec_entry_curves.png",
    ]

    empty = write_brief([], tmp_path / "e", "html", story=False)
    text = empty.read_text(encoding="utf-8")
    assert "no comparison of the baseline with mentoring-to-NEC was given" in text
    assert json.loads((tmp_path / "e" / "brief_numbers.json").read_text())["numbers"] == []
    assert "No results were given" in text


def test_story_without_the_sweep_says_how_often_is_unknown(stores: dict[str, Path], tmp_path: Path) -> None:
    md = write_brief([stores["compare"]], tmp_path / "b").read_text(encoding="utf-8")
    assert "How often the story ends in a job is not shown" in md


def test_earlier_files_that_were_not_rewritten_are_removed(stores: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "b"
    write_brief([stores["compare"], stores["ablation"]], out, "html", story=False)
    assert (out / "brief.html").is_file() and (out / "figures" / "pillar_contributions.svg").is_file()
    keep = out / "figures" / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    write_brief([stores["compare"]], out, "md", story=False)
    assert not (out / "brief.html").exists(), "an older brief.html stays beside the new brief.md"
    assert not (out / "figures" / "pillar_contributions.png").exists()
    assert (out / "brief.md").is_file() and (out / "figures" / "nec_entry_curves.png").is_file()
    assert keep.read_text(encoding="utf-8") == "mine"  # files the brief did not write are left alone
    assert "brief.md" in json.loads((out / "brief_files.json").read_text(encoding="utf-8"))


def test_results_below_the_minimum_sizes_are_marked_loudly(full_brief: Path) -> None:
    md = (full_brief / "brief.md").read_text(encoding="utf-8")
    for heading in ("Key findings", "Who should get a mentor?", "Contribution of each pillar", "Assumptions and caveats"):
        assert "**\u26a0 Preliminary**" in section(md, heading), heading
    solid = section(md, "How solid are these results?")
    assert "`throughflow sweep scenarios/sweeps/targeting_mix.yaml`" in solid
    assert "`throughflow sensitivity scenarios/sensitivity/mentoring_effect.yaml`" in solid
    assert "6 trajectories" in solid and "R = 3" in solid
    assert "are below their declared minimum size" in md.split("## ")[0]  # the bottom line, before every section


def _sensitivity_copy(stores: dict[str, Path], root: Path, name: str, method: str = "morris") -> Path:
    folder = root / name
    shutil.copytree(stores["sensitivity"], folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["sweep"] = name
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if method == "sobol":
        indices = [
            "outcome,name,S1,S1_conf,ST,ST_conf",
            "effect_throughflow_12m_all,labour_market,0.3,0.02,0.45,0.02",
            "effect_throughflow_12m_all,population,0.2,0.02,0.40,0.02",
            "effect_throughflow_12m_all,costs,0.0,0.0,0.0,0.0",
        ]
        (folder / "indices.csv").write_text("\n".join(indices) + "\n", encoding="utf-8")
        conv = ["outcome,fraction,rows,name,ST,ST_conf,important,flag"]
        conv += [
            f"effect_throughflow_12m_all,1.0,9216,{n},{st},0.02,{st >= 0.05},False"
            for n, st in (("labour_market", 0.45), ("population", 0.4))
        ]
        (folder / "convergence.csv").write_text("\n".join(conv) + "\n", encoding="utf-8")
    return folder


def test_a_tiny_morris_run_is_not_ranked_and_the_best_result_is_used(stores: dict[str, Path], tmp_path: Path) -> None:
    tiny = _sensitivity_copy(stores, tmp_path, "sensitivity-mentoring_effect-morris-2")
    md = write_brief([stores["compare"], tiny], tmp_path / "b", story=False).read_text(encoding="utf-8")
    caveats = section(md, "Assumptions and caveats")
    assert "too small to rank" in caveats and "Most influential" not in caveats
    sobol = _sensitivity_copy(stores, tmp_path, "sensitivity-mentoring_effect_sobol-sobol-1024", "sobol")
    md = write_brief([stores["compare"], tiny, stores["sensitivity"], sobol], tmp_path / "c", story=False).read_text(
        encoding="utf-8"
    )
    caveats = section(md, "Assumptions and caveats")
    assert "Sobol analysis `sensitivity-mentoring_effect_sobol-sobol-1024`" in caveats and "Preliminary" not in caveats
    assert "labour market" in caveats
    assert "`sensitivity-mentoring_effect-morris-2` was not used: the brief uses the better result" in md
    assert "`sensitivity-mentoring_effect-morris-6` was not used: the brief uses the better result" in md


def test_headline_falls_back_to_the_ablation_store(stores: dict[str, Path], tmp_path: Path) -> None:
    path = write_brief([stores["ablation"]], tmp_path / "b", story=False)
    md = path.read_text(encoding="utf-8")
    assert "store `ablation`" in md and "**NEC within 12 months.**" in md
    assert "places freed per 100 contracts" in md


def test_parent_folder_is_searched(stores: dict[str, Path], tmp_path: Path) -> None:
    inputs = find_inputs([stores["compare"].parent])
    assert [s.kind for s in inputs.all()] == ["comparison", "mix", "ablation", "targeting", "story", "sensitivity"]
    assert [s.name for s in inputs.mix] == ["qualification_mix", "targeting_mix"]  # the targeting store also serves as one


def test_html_is_self_contained_and_pdf_is_short(full_brief: Path, stores: dict[str, Path], tmp_path: Path) -> None:
    pages = page_count(full_brief / "brief.pdf")
    assert 4 <= pages <= 9, pages
    assert (full_brief / "brief.pdf").read_bytes().startswith(b"%PDF")
    html_path = write_brief([stores["compare"]], tmp_path / "h", "html", story=False)
    html = html_path.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 3 and 'src="figures/' not in html
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


def _cost_screening(stores: dict[str, Path], root: Path, values: np.ndarray) -> Path:
    """A cost screening in the format ``throughflow sensitivity`` writes, its paired 5-year outputs written by hand."""
    folder = _sensitivity_copy(stores, root, "sensitivity-mentoring_cost-morris-20")
    indices = ["outcome,name,mu_star,mu_star_conf,mu,sigma", "extra_cost_5y_all,costs.benefit_month_eur,900.0,90.0,-900.0,300.0"]
    (folder / "indices.csv").write_text("\n".join(indices) + "\n", encoding="utf-8")
    (folder / "convergence.csv").unlink()
    rows = []
    for point, cost in enumerate(values):
        for replicate in (0, 1):  # two runs per parameter set: the brief takes their mean
            row = {"run_id": f"{point:05d}-{replicate:03d}", "point": point, "replicate": replicate, "status": "ok"}
            row |= {"extra_cost_5y.all": cost + (50.0 if replicate else -50.0), "extra_sustainable_5y.all": 0.1 - cost / 1e4}
            rows.append(row)
    rows.append({"run_id": "99999-000", "point": 99999, "replicate": 0, "status": "failed"})
    (folder / "runs").mkdir()
    pd.DataFrame(rows).to_parquet(folder / "runs" / "part-00000.parquet", index=False)
    pd.DataFrame(rows).to_parquet(folder / "runs.parquet", index=False)
    return folder


def test_the_cost_across_the_declared_uncertainty_comes_from_the_cost_screening(stores: dict[str, Path], tmp_path: Path) -> None:
    values = np.linspace(-3000.0, 2000.0, 41)  # 24 of the 41 parameter sets save money (-3000 ... -125)
    cost = _cost_screening(stores, tmp_path, values)
    out = tmp_path / "b"
    md = write_brief([stores["compare"], stores["sensitivity"], cost], out, story=False).read_text(encoding="utf-8")
    text = section(md, "Costs by years after arrival")
    assert "The cost screening `sensitivity-mentoring_cost-morris-20`" in text
    assert "over its 41 parameter sets" in text and "in **58.5 %** of them" in text
    assert f"runs from {fmt(np.quantile(values, 0.05), 'eur')} to {fmt(np.quantile(values, 0.95), 'eur')}" in text
    assert "It adds sustainable NEC transitions in 78.0 % of the sets." in text  # 32 of 41: cost below 1000
    assert "saves public money over 5 years in 58.5 % of the parameter sets of the cost screening" in md.split("## ")[0]
    caveats = section(md, "Assumptions and caveats")
    assert "`sensitivity-mentoring_effect-morris-6`" in caveats  # the effect screening ranks the parameters
    assert "was not used" not in md
    assert "| Cost across the uncertainty | `sensitivity-mentoring_cost-morris-20` | 20 trajectories | 20 | full size |" in md
    numbers = [n for n in json.loads((out / "brief_numbers.json").read_text())["numbers"] if n["key"].startswith("cost.context")]
    assert len(numbers) == 5
    for n in numbers:
        assert n["value"] == pytest.approx(recompute(n["source"], n["key"]), rel=1e-12), n["key"]


def test_a_cost_screening_whose_runs_cannot_be_read_is_named_with_the_reason(stores: dict[str, Path], tmp_path: Path) -> None:
    cost = _cost_screening(stores, tmp_path, np.linspace(-3000.0, 2000.0, 41))
    (cost / "runs" / "part-00000.parquet").write_bytes(b"PAR1 not a parquet file")  # damaged after it was written
    md = write_brief([stores["compare"], stores["sensitivity"], cost], tmp_path / "b", story=False).read_text(encoding="utf-8")
    text = section(md, "Costs by years after arrival")
    assert "the cost screening `sensitivity-mentoring_cost-morris-20` is not used: its runs cannot be read (" in text
    assert "Across the declared uncertainty" not in md and "parameter sets of the cost screening" not in md
    assert "`sensitivity-mentoring_cost-morris-20` was not used." in md  # not "the better result": another kind
