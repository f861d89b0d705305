"""Calibration: the baseline reproduces the empirical targets (slow: 20 seeds per scenario)."""

from __future__ import annotations

import pytest

from throughflow.analysis.calibration import MODEL_QUANTITY, calibration_table, t_quantile, targets


def test_every_mapped_target_exists_and_has_a_range() -> None:
    table = targets().set_index("id")
    for target in MODEL_QUANTITY:
        assert target in table.index
        assert table.loc[target, "low"] <= table.loc[target, "value"] <= table.loc[target, "high"]


def test_t_quantile() -> None:
    assert t_quantile(19) == pytest.approx(2.093, abs=1e-3)
    assert t_quantile(4) == pytest.approx(2.776, abs=1e-3)
    assert t_quantile(100_000) == pytest.approx(1.960, abs=1e-3)


@pytest.mark.slow
def test_baseline_reproduces_targets_over_20_seeds() -> None:
    table = calibration_table(n_seeds=20)
    assert len(table) == len(MODEL_QUANTITY)
    outside = table[~table["within"]]
    assert outside.empty, outside[["target", "low", "high", "model_mean"]].to_string()
