"""The documentation generated from the declarations is up to date."""

from __future__ import annotations

from pathlib import Path

from throughflow.odd import main as odd_main
from throughflow.outcomes import INDICATORS
from throughflow.scenario import parameters

ROOT = Path(__file__).resolve().parents[1]


def test_odd_parameter_and_indicator_tables_are_current() -> None:
    # exit code 1 means docs/ODD.md is stale: run `python -m throughflow.odd`
    assert odd_main(["--check", "--path", str(ROOT / "docs" / "ODD.md")]) == 0


def test_odd_mentions_every_parameter_and_indicator() -> None:
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    missing = [p.name for p in parameters() if f"`{p.name}`" not in text]
    assert not missing, missing[:10]
    assert all(f"`{i.name}`" in text for i in INDICATORS)


def test_calibration_document_has_its_table() -> None:
    text = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert "<!-- BEGIN CALIBRATION TABLE -->" in text and "| art60_any_job_12m" in text
