"""The documentation generated from the declarations is up to date."""

from __future__ import annotations

import re
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


def test_the_seed_coverage_table_has_no_unexplained_gap() -> None:
    from throughflow.processes import MECHANISMS

    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN SEED COVERAGE -->")[1].split("<!-- END SEED COVERAGE -->")[0]
    rows = [line.strip("|").split("|") for line in block.strip().splitlines()[2:]]
    assert len(rows) > 20
    names = {m.name for m in MECHANISMS}
    named: set[str] = set()
    for pillar, element, modelled, how in (map(str.strip, row) for row in rows):
        assert pillar in ("1", "2", "3") and element, element
        mechanisms = set(re.findall(r"`([a-z_0-9]+)`", modelled))
        if modelled.startswith("not modelled"):
            assert len(how) > 40, f"{element}: not modelled needs a reason"
        else:
            assert mechanisms and mechanisms <= names, f"{element}: {modelled}"
            assert how, element
        named |= mechanisms
    for pillar in ("1", "2", "3"):
        assert any(row[0].strip() == pillar for row in rows)
    in_pillars = {m.name for m in MECHANISMS if m.pillar is not None}
    assert in_pillars <= named, sorted(in_pillars - named)


def test_code_references_in_the_odd_name_definitions_that_exist() -> None:
    # "`processes/hiring.py` (`Hiring._introduce`)": a file under model/throughflow and a name defined in it
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    references = re.findall(r"`([a-z_/]+\.py)` \(`([A-Za-z_][\w.]*)`\)", text)
    assert len(references) > 40
    assert not re.search(r"`[a-z_/]+\.py:\d+`", text), "refer to code by name, not by line number (lines move)"
    for path, name in references:
        source = (ROOT / "model" / "throughflow" / path).read_text(encoding="utf-8")
        *owners, leaf = name.split(".")
        for owner in owners:
            assert re.search(rf"^\s*class {owner}\b", source, re.M), f"{path}: no class {owner}"
        pattern = rf"^\s*(?:def|class) {leaf}\b|^{leaf}\s*(?::[^=]*)?="
        assert re.search(pattern, source, re.M), f"{path}: {name} is not defined there"
