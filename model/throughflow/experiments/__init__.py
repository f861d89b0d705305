"""Experiments: the single run boundary, sweeps, executors, the results store, comparisons."""

from throughflow.experiments.run import RunResult, run

__all__ = ["RunResult", "run"]
