"""docs/validation.md: every published figure beside the model, fitted or not; the effect curve."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from throughflow.analysis import validation
from throughflow.analysis.abc import load_declaration
from throughflow.analysis.calibration import evidence, targets
from throughflow.outcomes import LONG_RUN_MONTHS
from throughflow.plots.validation import main


def fake_runs(scenarios: list[str], n_seeds: int, workers: int | None) -> dict[str, list[dict[str, Any]]]:
    """Indicators that make every share 0.1 * (seed + 1) and every curve point 0.2."""
    out = {}
    for s in scenarios:
        runs = []
        for seed in range(n_seeds):
            value = 0.1 * (seed + 1)
            runs.append(
                {
                    name: {"all": [0.2] * (LONG_RUN_MONTHS + 1)} if name == "employment_since_arrival" else {"all": value}
                    for name in set(targets()["model_indicator"].dropna())
                    | set(evidence()["model_indicator"])
                    | {"employment_since_arrival"}
                }
            )
        out[s] = runs
    return out


def test_every_figure_with_a_model_quantity_is_compared_and_marked_fitted_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "_runs", fake_runs)
    table = validation.evidence_table(n_seeds=3)
    mapped = set(targets().dropna(subset=["model_indicator"])["id"])
    assert mapped | set(evidence()["id"]) | set(validation.PATTERNS) == set(table["id"])
    declared = {t.id for t in load_declaration(validation.DECLARATION).targets}
    assert set(table.loc[table["fitted"], "id"]) == declared & set(table["id"])
    assert set(table.loc[~table["fitted"], "id"]) >= set(validation.PATTERNS)
    row = table.set_index("id").loc["art60_any_job_6m"]
    assert row["model_mean"] == pytest.approx(0.2) and row["n_seeds"] == 3
    assert row["ci_low"] < 0.2 < row["ci_high"]
    pattern = table.set_index("id").loc["nonnative_employed_12m"]
    assert pattern["model_mean"] == pytest.approx(0.2) and math.isnan(pattern["ci_low"]) is False
    text = validation.evidence_markdown(table, 3)
    assert text.count("\n| ") == len(table) + 1  # header and one row per figure
    assert "no: out of sample" in text


def test_the_effect_table_reads_the_curve_at_the_declared_months() -> None:
    months = np.arange(LONG_RUN_MONTHS + 1)
    curve = pd.concat(
        pd.DataFrame(
            {
                "month": months,
                "measure": m,
                "baseline": 0.3,
                "programme": 0.3 + d,
                "effect": d,
                "ci_low": d - 0.01,
                "ci_high": d + 0.01,
                "n": 20,
            }
        )
        for m, d in (("any job", 0.02), ("NEC", 0.05))
    )
    text = validation.effect_markdown(curve, 20, "figures/x.png")
    for month in validation.EFFECT_MONTHS:
        assert f"| {month} | 30.0 | +2.0 (1.0 to 3.0) | 30.0 | +5.0 (4.0 to 6.0) |" in text
    assert "![" in text


FAKE_STORY = pd.DataFrame(
    [
        {"case": c, "seeds": n, "reached_nec": p, "reached_nec_se": se, "sustained": p / 2, "sustained_se": se}
        for c, n, p, se in (
            ("with Juul", 100, 0.5, 0.05),
            ("with Juul, advocacy succeeded", 60, 0.55, 0.06),
            ("with Juul, advocacy failed", 40, 0.425, 0.08),
            ("with Juul, no advocacy needed", 0, float("nan"), float("nan")),
            ("without Juul", 100, 0.3, 0.05),
        )
    ]
)
FAKE_ROUTE = {
    "reached_nec_won": 0.6,
    "reached_nec_lost": 0.4,
    "difference": 0.2,
    "se": 0.05,
    "sustained_won": 0.4,
    "sustained_lost": 0.3,
    "sustained_difference": 0.1,
    "sustained_se": 0.04,
}


def test_the_document_needs_its_markers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "validation.md"
    doc.write_text("# Validation\n", encoding="utf-8")
    monkeypatch.setattr(validation, "_runs", fake_runs)
    monkeypatch.setattr(
        "throughflow.plots.validation.effect_curve",
        lambda n, w: pd.DataFrame(
            [
                {
                    "month": m,
                    "measure": k,
                    "baseline": 0.3,
                    "programme": 0.3,
                    "effect": 0.0,
                    "ci_low": 0.0,
                    "ci_high": 0.0,
                    "n": 2,
                }
                for k in ("any job", "NEC")
                for m in range(LONG_RUN_MONTHS + 1)
            ]
        ),
    )
    monkeypatch.setattr("throughflow.plots.validation.story_frequencies", lambda n: FAKE_STORY)
    monkeypatch.setattr("throughflow.plots.validation.placement_route", lambda n: FAKE_ROUTE)
    with pytest.raises(ValueError, match="markers"):
        main(["--seeds", "2", "--story-seeds", "2", "--write", str(doc)])
    doc.write_text(
        "# V\n<!-- BEGIN EVIDENCE -->\nstale\n<!-- END EVIDENCE -->\ntext\n<!-- BEGIN EFFECT -->\nstale\n<!-- END EFFECT -->\n"
        "<!-- BEGIN STORY -->\nstale\n<!-- END STORY -->\n",
        encoding="utf-8",
    )
    assert main(["--seeds", "2", "--story-seeds", "2", "--write", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert "stale" not in text and "art60_any_job_6m" in text and "| 120 |" in text
    assert "| with Juul, advocacy succeeded | 60 | 55 % (± 6) |" in text and "+20 percentage points (± 5)" in text
    assert "advocacy needed" not in text  # a case without seeds gets no row
    assert (tmp_path / "figures" / "validation" / "effect_by_month.png").is_file()
