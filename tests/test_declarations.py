"""Declarations stay consistent with the code that uses them."""

from __future__ import annotations

import typing

from throughflow.enums import SECTORS
from throughflow.parameters import Sector
from throughflow.scenario import parameters


def test_sector_names_in_the_schema_match_the_model() -> None:
    assert typing.get_args(Sector) == SECTORS


def test_every_parameter_has_unit_doc_kind_and_source() -> None:
    for p in parameters():
        assert p.unit and p.doc and p.source, p.name
        assert p.kind in {"lever", "uncertainty", "setting"}, p.name


def test_every_uncertainty_has_a_range_containing_its_default() -> None:
    for p in parameters():
        if p.kind != "uncertainty":
            continue
        assert p.low is not None and p.high is not None, p.name
        assert p.low <= p.default <= p.high, p.name
        if p.ge is not None:
            assert p.low >= p.ge, p.name
        if p.le is not None:
            assert p.high <= p.le, p.name
