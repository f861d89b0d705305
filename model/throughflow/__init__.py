"""throughflow: refugees from art. 60 work experience into sustainable NEC employment.

An agent-based model (Mesa 3.5, columnar agents) of whether a mentoring-to-NEC model raises
throughflow from temporary work experience into the normal economic circuit, for whom,
through which mechanisms and at what cost.

The names below are imported when first used, so that importing a part of the package (the
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

__all__ = ["RunResult", "Scenario", "ScenarioError", "ThroughflowModel", "__version__", "load_scenario", "run"]

_WHERE = {
    "RunResult": "throughflow.experiments.run",
    "run": "throughflow.experiments.run",
    "ThroughflowModel": "throughflow.model",
    "Scenario": "throughflow.schema",
    "ScenarioError": "throughflow.scenario",
    "load_scenario": "throughflow.scenario",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'throughflow' has no attribute {name!r}")
