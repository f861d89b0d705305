"""Who should get a mentor? The targeting section's numbers equal the stored runs; its verdicts follow the numbers.

A small real targeting store (``brief_support``) checks the printed tables against an
independent recomputation from ``runs.parquet`` and the time series. Synthetic stores —
one where mentoring only LOW-qualified refugees clearly wins, one where the rules tie, and
targeting sweeps across the mix where the best rule stays or changes — check that the
section and the bottom line say so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from brief_support import MONTHS, effect_stats, paired, runs_of, section, select, targeting_value
from throughflow.brief import write_brief
from throughflow.briefing.numbers import parse
from throughflow.outcomes import GROUPS

RULES = {"nobody": {"one_on_one.enabled": False}, "everyone": {"mentoring.targeting": "all"}}
RULES |= {"low": {"mentoring.targeting": "low"}, "medium_high": {"mentoring.targeting": "medium_high"}}
LABELS = {"Everyone eligible": "everyone", "LOW only": "low", "MEDIUM/HIGH only": "medium_high"}


def rows_of(md: str, caption: str) -> list[list[str]]:
    """The body rows of the table whose caption contains ``caption``."""
    block = md.split(caption, 1)[1].split("\n\n", 2)[1]
    return [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]


def value_and_interval(cell: str) -> tuple[float, float, float]:
    found = re.fullmatch(r"(\S+) \((\S+) to (\S+)\)", cell)
    assert found, cell
    return parse(found.group(1)), parse(found.group(2)), parse(found.group(3))


def test_targeting_numbers_equal_the_stored_runs(brief_stores: dict[str, Path], tmp_path: Path) -> None:
    store = brief_stores["targeting"]
    md = write_brief([brief_stores["compare"], store], tmp_path / "b", story=False).read_text(encoding="utf-8")
    text = section(md, "Who should get a mentor?")
    assert "(share LOW 2/3, a level of the sweep)" in text
    mix = {"factor:qualification_mix": "2/3"}
    capacity = rows_of(text, "What the mentor capacity yields")
    assert [LABELS[r[0]] for r in capacity] == ["everyone", "low", "medium_high"]
    for label, pm, total, per100, target, _cost in capacity:
        row = {"factor:targeting": LABELS[label], **mix, "group": "all"}
        assert parse(pm) == pytest.approx(targeting_value(store, row, "pair_months", "mean"), abs=0.5)
        for cell, column in ((total, "total"), (per100, "per100"), (target, "target")):
            expected = [targeting_value(store, row, column, part) for part in ("mean", "ci_low", "ci_high")]
            assert value_and_interval(cell) == pytest.approx(expected, abs=0.05 + 1e-9), (label, column)
    runs = runs_of(store)
    effects = rows_of(text, "Effect of each targeting rule")
    assert len(effects) == 6
    for first, *cells in effects:
        label, outcome = first.split(": ")
        indicator = {"Sustainable NEC job": "sustainable_nec", "NEC within 12 months": "throughflow_12m"}[outcome]
        for group, cell in zip(GROUPS, cells, strict=True):
            column = f"{indicator}.{group}"
            pairs = paired(runs, "factor:targeting", LABELS[label], "nobody", mix, column)
            s = effect_stats(pairs, column, select(runs, **mix)[column])
            got = value_and_interval(cell)
            assert got == pytest.approx([100 * s[k] for k in ("diff", "ci_low", "ci_high")], abs=0.05 + 1e-9), (first, group)
    figure = tmp_path / "b" / "figures" / "targeting_per_pair_months.png"
    assert figure.is_file() and figure.with_suffix(".svg").is_file()


# --------------------------------------------------------------------------- synthetic stores


def synthetic(
    folder: Path, effects: dict[str, dict[str, float]], targets: dict[str, float], noise: float = 0.002, reps: int = 20
) -> Path:
    """A targeting store written by hand: per mix and rule, the effect on the sustainable NEC share (all).

    Args:
        folder: The store folder.
        effects: ``{mix: {rule: effect on sustainable_nec.all}}`` (one mix ``""``: no mix factor).
        targets: ``{rule: extra sustainable transitions in its eligible groups per 100 pair-months}``.
        noise: Standard deviation of the seed noise on every indicator.
        reps: Replications.
    """
    rng = np.random.default_rng(7)
    mixes = list(effects)
    design, rows = [], []
    for m in mixes:
        for rule in RULES:
            point = len(design)
            labels = {"factor:targeting": rule} | ({"factor:qualification_mix": m} if m else {})
            design.append({"point": point, **labels, "values": json.dumps(RULES[rule])})
            for k in range(reps):
                effect = 0.0 if rule == "nobody" else effects[m][rule] + rng.normal(0, noise)
                pm = 0.0 if rule == "nobody" else 9000.0
                row = {"run_id": f"{point:05d}-{k:03d}", "point": point, "replicate": k, "seed": k, **labels}
                row |= {"status": "ok", "error": "", "pair_months.all": pm}
                extra = {"low": 0.0, "medium": 0.0, "high": 0.0}
                if rule != "nobody":
                    groups = {"everyone": ("low", "medium", "high"), "low": ("low",), "medium_high": ("medium", "high")}[rule]
                    for g in groups:
                        extra[g] = (targets[rule] + rng.normal(0, noise * 100)) * pm / 100 / len(groups)
                for g in GROUPS:
                    row[f"sustainable_nec.{g}"] = 0.2 + effect
                    row[f"throughflow_12m.{g}"] = 0.3 + effect
                    row[f"sustainable_transitions.{g}"] = 500.0 + (sum(extra.values()) if g == "all" else extra[g])
                    row[f"cost_eur.{g}"] = 1e7 - 1000.0 * (sum(extra.values()) if g == "all" else extra[g])
                rows.append(row)
    (folder / "runs").mkdir(parents=True)
    pd.DataFrame(design).to_parquet(folder / "design.parquet", index=False)
    pd.DataFrame(rows).to_parquet(folder / "runs" / "part-00000.parquet", index=False)
    pd.DataFrame(rows).to_parquet(folder / "runs.parquet", index=False)
    manifest = {"sweep": folder.name, "replications": reps, "seed": 1, "replicate_seeds": list(range(reps))}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "sweep.yaml").write_text(f"name: {folder.name}\nbase: mentoring\nmonths: {MONTHS}\n", encoding="utf-8")
    return folder


def bottom_line(md: str) -> str:
    return md.split("> **The bottom line**", 1)[1].split("\n\n", 1)[0]


def test_the_bottom_line_says_when_low_targeting_clearly_wins(tmp_path: Path) -> None:
    store = synthetic(
        tmp_path / "targeting",
        {"": {"everyone": 0.05, "low": 0.09, "medium_high": 0.03}},
        {"everyone": 2.0, "low": 3.0, "medium_high": 1.0},
    )
    md = write_brief([store], tmp_path / "b", story=False).read_text(encoding="utf-8")
    line = bottom_line(md)
    assert "Yes: in the model, mentoring LOW-qualified refugees works." in line
    assert "That is more than a mentor month yields for MEDIUM/HIGH-qualified mentees" in line
    assert "**mentors for LOW-qualified refugees only** get the most refugees into a sustainable NEC job" in line
    assert "clearly more than mentors for everyone +" in line
    assert "cannot tell" not in line


def test_the_bottom_line_says_when_the_rules_tie(tmp_path: Path) -> None:
    store = synthetic(
        tmp_path / "targeting",
        {"": {"everyone": 0.05, "low": 0.05, "medium_high": 0.05}},
        {"everyone": 2.0, "low": 2.0, "medium_high": 2.0},
        noise=0.01,
    )
    md = write_brief([store], tmp_path / "b", story=False).read_text(encoding="utf-8")
    line = bottom_line(md)
    assert "the model cannot tell the rules apart" in line
    assert "The model cannot tell this apart from what a mentor month yields for MEDIUM/HIGH-qualified mentees" in line
    assert "clearly more" not in line
    assert "**mentors for" not in line


def test_the_bottom_line_says_when_mentoring_low_qualified_shows_no_effect(tmp_path: Path) -> None:
    store = synthetic(
        tmp_path / "targeting",
        {"": {"everyone": 0.02, "low": 0.0, "medium_high": 0.04}},
        {"everyone": 1.0, "low": 0.0, "medium_high": 2.0},
        noise=0.01,
    )
    line = bottom_line(write_brief([store], tmp_path / "b", story=False).read_text(encoding="utf-8"))
    assert "The model does not show that mentoring only LOW-qualified refugees adds sustainable NEC jobs" in line


def test_whether_the_best_rule_changes_with_the_mix_follows_the_numbers(tmp_path: Path) -> None:
    same = {m: {"everyone": 0.05, "low": 0.09, "medium_high": 0.03} for m in ("0", "2/3", "1")}
    md = write_brief(
        [synthetic(tmp_path / "same", same, {"everyone": 2.0, "low": 3.0, "medium_high": 1.0})], tmp_path / "a", story=False
    )
    text = md.read_text(encoding="utf-8")
    assert "the best rule does not change with the qualification mix" in bottom_line(text).lower()
    changing = {
        "0": {"everyone": 0.05, "low": 0.01, "medium_high": 0.09},
        "1": {"everyone": 0.05, "low": 0.09, "medium_high": 0.01},
    }
    md = write_brief(
        [synthetic(tmp_path / "changing", changing, {"everyone": 2.0, "low": 3.0, "medium_high": 1.0})],
        tmp_path / "c",
        story=False,
    )
    line = bottom_line(md.read_text(encoding="utf-8"))
    assert "the best rule changes with the qualification mix" in line.lower()
    assert "at a share LOW of 0, mentors for MEDIUM/HIGH-qualified refugees only are clearly best" in line
    assert "at a share LOW of 1, mentors for LOW-qualified refugees only are clearly best" in line


def test_a_rule_best_at_some_mixes_and_beaten_at_others_is_named_once(tmp_path: Path) -> None:
    effects = {
        "0": {"everyone": 0.05, "low": 0.05, "medium_high": 0.05},  # a tie
        "1/2": {"everyone": 0.05, "low": 0.05, "medium_high": 0.09},
        "2/3": {"everyone": 0.05, "low": 0.05, "medium_high": 0.09},
        "1": {"everyone": 0.08, "low": 0.08, "medium_high": 0.02},  # beaten, and no rule clearly best
    }
    store = synthetic(tmp_path / "partly", effects, {"everyone": 2.0, "low": 3.0, "medium_high": 1.0})
    text = write_brief([store], tmp_path / "b", story=False).read_text(encoding="utf-8")
    part = text.split("### Does the best rule change with the qualification mix?", 1)[1].split("\n## ", 1)[0]
    sentence = next(p for p in part.split("\n\n") if p.startswith("The best rule"))
    assert sentence.count("mentors for MEDIUM/HIGH-qualified refugees only") == 1, sentence
    assert (
        "at a share LOW of 1/2 and 2/3, mentors for MEDIUM/HIGH-qualified refugees only are clearly best, "
        "but at 1 they are clearly beaten; at the other mixes no rule is clearly best." in sentence
    ), sentence
