"""Experiments: the single run boundary and its outputs."""

from throughflow.experiments.run import RunResult, run

__all__ = ["RunResult", "run"]
