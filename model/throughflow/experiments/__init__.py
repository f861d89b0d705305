"""Experiments: the single run boundary, sweeps, executors, the results store, comparisons."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from throughflow.experiments.run import RunResult, run

__all__ = ["RunResult", "run"]


def __getattr__(name: str) -> Any:
    if name in __all__:  # imported when first used: reading a sweep file does not load the model
        value = getattr(import_module("throughflow.experiments.run"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'throughflow.experiments' has no attribute {name!r}")
