"""throughflow: refugees from art. 60 work experience into sustainable NEC employment.

An agent-based model (Mesa 3.5, columnar agents) of whether a mentoring-to-NEC model raises
throughflow from temporary work experience into the normal economic circuit, for whom,
through which mechanisms and at what cost.

The public API is what this package exports (``throughflow.__all__``): the model and its
scenarios, one run (:func:`run`), callables for samplers (:func:`evaluate`,
:func:`ema_model`), experiments defined in Python (:func:`define_sweep`, :func:`load_sweep`,
:func:`run_sweep`, :func:`compare`, :func:`sensitivity_declaration`, :func:`run_sensitivity`)
and the tables they store (:func:`load_runs`, :func:`summarize_runs`, ...). Names other than
these are internal and may change.

Every name is imported when first used, so that importing a part of the package (the
command line answering ``--help`` or refusing a bad argument) does not load the model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from throughflow.experiments.run import RunResult, run
    from throughflow.model import ThroughflowModel
    from throughflow.scenario import ScenarioError, load_scenario
    from throughflow.schema import Scenario

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    # the model, its scenarios and one run
    "RunResult": "throughflow.experiments.run",
    "run": "throughflow.experiments.run",
    "ThroughflowModel": "throughflow.model",
    "Scenario": "throughflow.schema",
    "ScenarioError": "throughflow.scenario",
    "load_scenario": "throughflow.scenario",
    # callables for samplers and the EMA Workbench
    "evaluate": "throughflow.experiments.evaluate",
    "output_names": "throughflow.experiments.evaluate",
    "ema_model": "throughflow.experiments.ema",
    # experiments defined in Python
    "define_sweep": "throughflow.api",
    "load_sweep": "throughflow.api",
    "run_sweep": "throughflow.api",
    "compare": "throughflow.api",
    "sensitivity_declaration": "throughflow.api",
    "sobol_declaration": "throughflow.api",
    "ranking": "throughflow.api",
    "run_sensitivity": "throughflow.analysis.sensitivity",
    # stored tables and their summaries
    "load_runs": "throughflow.experiments.store",
    "summarize": "throughflow.analysis.summary",
    "summarize_runs": "throughflow.analysis.summary",
    "cost_effectiveness": "throughflow.analysis.summary",
    "cost_by_horizon": "throughflow.analysis.summary",
    "curve_bands": "throughflow.analysis.summary",
    "load_posterior": "throughflow.experiments.posterior",
    "write_brief": "throughflow.brief",
    # declarations
    "parameters": "throughflow.scenario",
    "INDICATORS": "throughflow.outcomes",
    "HEADLINE": "throughflow.outcomes",
    "REPORTERS": "throughflow.reporters",
    "narrate": "throughflow.trace",
}
"""Exported names and the module each is imported from on first use."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'throughflow' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "HEADLINE",
    "INDICATORS",
    "REPORTERS",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ThroughflowModel",
    "__version__",
    "compare",
    "cost_by_horizon",
    "cost_effectiveness",
    "curve_bands",
    "define_sweep",
    "ema_model",
    "evaluate",
    "load_posterior",
    "load_runs",
    "load_scenario",
    "load_sweep",
    "narrate",
    "output_names",
    "parameters",
    "ranking",
    "run",
    "run_sensitivity",
    "run_sweep",
    "sensitivity_declaration",
    "sobol_declaration",
    "summarize",
    "summarize_runs",
    "write_brief",
]
