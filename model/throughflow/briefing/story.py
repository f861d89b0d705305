"""The Juul & Kamin box: a real trace of the ``juul_kamin`` scenario, and how often the story ends that way.

The box quotes key lines of one trace (seed 0 by default; in the Dutch brief rendered by
:mod:`throughflow.briefing.trace_nl`) and, from a story sweep over many seeds with and
without the mentor (``scenarios/sweeps/juul_kamin_seeds.yaml``), how often Kamin reaches
an NEC job and holds one at the end, with Juul and without him.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from throughflow.briefing import quality
from throughflow.briefing.context import Context, preliminary_text
from throughflow.briefing.document import Box
from throughflow.briefing.estimate import Estimate, paired
from throughflow.briefing.inputs import Source
from throughflow.briefing.trace_nl import dutch
from throughflow.model import ThroughflowModel
from throughflow.outcomes import BY_NAME, Observed
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
    ("wise separation", r"loses the WISE job"),
    ("inactive", r"leaves the labour market"),
    ("re-entry", r"returns to the labour market"),
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
        reached_nec: Whether the story's refugee was ever in an NEC job.
        nec_at_end: Whether he is in one at the end of the run.
    """

    scenario: str
    seed: int
    lines: list[str]
    total: int
    reached_nec: bool = False
    nec_at_end: bool = False


def condense(lines: list[str], limit: int = MAX_LINES) -> list[str]:
    """Pick the key lines of a trace: first offer, advocacy, placement, contract end, hire, job loss, outcome.

    Job loss is the first line of each kind: an NEC job lost, a WISE job lost; the first
    move out of the labour market and the first return to it are kept too.

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
    observed = Observed(model)
    reached, at_end = (BY_NAME[k].compute(observed)["all"] for k in ("story_reached_nec", "story_nec_end"))  # type: ignore[misc]
    return Story(scenario, seed, condense(lines), len(lines), reached == 1, at_end == 1)


def month_and_text(line: str) -> tuple[int, str]:
    """Split a trace line into its month and its sentence."""
    match = re.match(r"Month\s+(\d+):\s*(.*)", line)
    return (int(match.group(1)), match.group(2)) if match else (-1, line)


def share(values: np.ndarray, source: dict[str, Any]) -> Estimate:
    """A share of 1/0 outcomes with its 95 % Wilson score interval."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = int(values.size)
    if n == 0:
        return Estimate(math.nan, {"seeds": (math.nan, math.nan)}, 0, source)
    p, z = float(values.mean()), 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, {"seeds": (centre - half, centre + half)}, n, source)


def frequencies(source: Source) -> dict[str, Estimate]:
    """How often the story reaches (and ends in) an NEC job, with and without the mentor, and the paired difference."""
    assert source.runs is not None
    key = f"factor:{source.factor}"
    out = {}
    for indicator in ("story_reached_nec", "story_nec_end"):
        column = f"{indicator}.all"
        arms = {}
        for arm, level in (("with", source.treatment), ("without", source.reference)):
            rows = source.runs[source.runs[key].astype(str) == level].set_index("replicate")[column]
            arms[arm] = rows
            where = {"store": str(source.path), "table": "runs.parquet", "row": {key: level}, "column": column}
            out[f"{indicator}.{arm}"] = share(rows.to_numpy(), {**where, "formula": "mean; 95 % Wilson interval"})
        d = (arms["with"] - arms["without"]).dropna().to_numpy(dtype=float)
        where = {"store": str(source.path), "table": "runs.parquet", "row": {key: f"{source.treatment} - {source.reference}"}}
        out[f"{indicator}.difference"] = paired(
            d, {**where, "column": column, "formula": "paired by replicate; mean, 95 % t interval"}
        )
    return out


def story_box(c: Context, seed: int = 0) -> None:
    """The Juul & Kamin box: key lines of a real trace, and the story's frequency over many seeds."""
    s = juul_kamin(seed=seed)
    lines = [c.t("story.intro")]
    for i, line in enumerate(s.lines):
        month, text = month_and_text(line)
        shown = text if c.lang.code == "en" else (dutch(text) or c.t("story.untranslated", text=text))
        c.numbers.quotes.append(
            {
                "key": f"story.line{i}",
                "text": line,
                "printed": shown,
                "source": {"trace": s.scenario, "seed": s.seed, "function": "throughflow.trace.narrate"},
            }
        )
        lines.append(c.t("story.line", month=month, text=shown))
    source = quality.best(c.inputs.story)
    lines.append(_frequency(c, source, s) if source is not None else c.t("story.no_frequency"))
    footer = c.t("story.footer", shown=len(s.lines), total=s.total, scenario=s.scenario, seed=s.seed)
    if source is not None and not quality.size(source).adequate:
        footer += " " + c.t("quality.preliminary") + ": " + preliminary_text(c, source)
    if source is not None and source not in c.used:
        c.used.append(source)
    c.doc.add(Box(c.t("story.title"), lines, footer))


def _frequency(c: Context, source: Source, s: Story) -> str:
    f = frequencies(source)
    values = {}
    for name, e in f.items():
        kind = "pp" if name.endswith("difference") else "pct"
        mean, interval = c.est(f"story.{name}", e, kind)
        values[name.replace(".", "_")] = mean
        values[name.replace(".", "_") + "_interval"] = interval
    values["n"] = c.n("story.seeds", f["story_reached_nec.with"].n, "int", f["story_reached_nec.with"].source, "count")
    sign = f["story_reached_nec.difference"].sign()
    values["verdict"] = c.t({1: "story.juul_helps", -1: "story.juul_hurts", 0: "story.juul_unclear"}[sign])
    outcome = "story.this_run_nec_end" if s.nec_at_end else "story.this_run_nec" if s.reached_nec else "story.this_run_no_nec"
    values["this_run"] = c.t(outcome, seed=s.seed)
    c.facts["story"] = f
    return c.t("story.frequency", **values)
