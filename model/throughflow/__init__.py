"""throughflow: refugees from art. 60 work experience into sustainable NEC employment.

An agent-based model (Mesa 3.5, columnar agents) of whether a mentoring-to-NEC model raises
throughflow from temporary work experience into the normal economic circuit, for whom,
through which mechanisms and at what cost.
"""

from throughflow.experiments.run import RunResult, run
from throughflow.model import ThroughflowModel
from throughflow.scenario import ScenarioError, load_scenario
from throughflow.schema import Scenario

__version__ = "0.1.0"

__all__ = ["RunResult", "Scenario", "ScenarioError", "ThroughflowModel", "__version__", "load_scenario", "run"]
