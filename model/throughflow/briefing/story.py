"""The Juul & Kamin trajectory, condensed from a real trace of the ``juul_kamin`` scenario."""

from __future__ import annotations

import re
from dataclasses import dataclass

from throughflow.model import ThroughflowModel
from throughflow.trace import default_agent, narrate

STAGES: tuple[tuple[str, str], ...] = (
    ("offer", r"offers an art\. 60 place"),
    ("advocacy", r"goes with .* to the OCMW"),
    ("placement", r"starts art\. 60 work experience"),
    ("pair end", r"mentoring pair ends \((?!completed)"),
    ("contract end", r"art\. 60 contract ends"),
    ("dropout", r"drops out of the placement"),
    ("hire", r" is hired by "),
    ("separation", r"loses the job"),
    ("inactive", r"leaves the labour market"),
    ("outcome", r"End of the run"),
)
"""Key events of the story and how the trace words them."""

MAX_LINES = 8


@dataclass
class Story:
    """A condensed trace.

    Attributes:
        scenario: Scenario name.
        seed: Seed of the run.
        lines: Selected trace lines, verbatim (``Month  m: ...``).
        total: Number of lines in the full trace.
    """

    scenario: str
    seed: int
    lines: list[str]
    total: int


def condense(lines: list[str], limit: int = MAX_LINES) -> list[str]:
    """Pick the key lines of a trace: first offer, advocacy, placement, contract end, hire, outcome.

    The first line of each stage is kept; of repeated advocacy the first and the last (the
    verdict). Lines keep their order and wording; at most ``limit`` are returned.
    """
    picked: dict[int, str] = {}
    for stage, pattern in STAGES:
        hits = [i for i, line in enumerate(lines) if re.search(pattern, line)]
        if not hits:
            continue
        chosen = [hits[0], hits[-1]] if stage == "advocacy" else [hits[0]]
        if stage == "outcome":
            chosen = [hits[-1]]
        for i in chosen:
            picked[i] = stage
    order = sorted(picked)
    while len(order) > limit:  # drop a repeated advocacy line first, then the earliest offer
        extra = [i for i in order if picked[i] == "advocacy"]
        order.remove(extra[0] if len(extra) > 1 else order[0])
    return [lines[i] for i in order]


def juul_kamin(seed: int = 0, scenario: str = "juul_kamin") -> Story:
    """Run the story scenario, tell the traced refugee's trajectory and condense it."""
    model = ThroughflowModel(scenario, seed=seed).run()
    lines = narrate(model, default_agent(model))
    return Story(scenario, seed, condense(lines), len(lines))


def month_and_text(line: str) -> tuple[int, str]:
    """Split a trace line into its month and its sentence."""
    match = re.match(r"Month\s+(\d+):\s*(.*)", line)
    return (int(match.group(1)), match.group(2)) if match else (-1, line)
