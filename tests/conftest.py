"""Fixtures shared by several test modules: the small stores the policy-brief tests read (built once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brief_support import build_stores


@pytest.fixture(scope="session")
def brief_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of store the brief reads, small (see ``brief_support.build_stores``)."""
    return build_stores(tmp_path_factory.mktemp("brief_stores"))
