"""``make demo``: the reduced experiments give a brief with no section left out, whose targeting numbers equal the stores.

The default test runs the demo's experiments in a small world (scale 0.2, 48 months, two
replications); the slow test runs ``make demo`` itself on a fresh clone of the repository
(the virtual environment included) and checks the 10-minute budget.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from brief_support import REPO, section, targeting_value
from test_brief_targeting import LABELS, rows_of, value_and_interval
from throughflow.analysis.comparison import compare
from throughflow.brief import write_brief
from throughflow.briefing.demo import Sizes, run_demo
from throughflow.briefing.numbers import parse
from throughflow.scenario import load_scenario, with_values

SECTIONS = (
    "Key findings",
    "Who should get a mentor?",
    "NEC entry after the contract end",
    "Across the qualification mix",
    "Contribution of each pillar",
    "Costs by years after arrival",
    "WISE places freed by throughflow",
    "Assumptions and caveats",
    "How solid are these results?",
)


def check_demo_brief(brief: Path, targeting: Path) -> None:
    """Every section is present (no note saying it is left out) and the targeting numbers equal the store."""
    md = brief.read_text(encoding="utf-8")
    assert md.index("**The bottom line**") < md.index("## Key findings")
    assert "Is a mentoring-to-NEC model for low-qualified refugees worth developing?** " in md
    for heading in SECTIONS:
        text = section(md, heading)
        assert "left out" not in text and "is not shown" not in text and "was given" not in text, heading
    assert "How often does the story end in a job?" in md and "Most influential" in md
    text = section(md, "Who should get a mentor?")
    mix = {"factor:qualification_mix": "2/3"}
    for label, pm, total, per100, *_ in rows_of(text, "What the mentor capacity yields"):
        row = {"factor:targeting": LABELS[label], **mix, "group": "all"}
        assert parse(pm) == pytest.approx(targeting_value(targeting, row, "pair_months", "mean"), abs=0.5)
        for cell, column in ((total, "total"), (per100, "per100")):
            expected = [targeting_value(targeting, row, column, part) for part in ("mean", "ci_low", "ci_high")]
            assert value_and_interval(cell) == pytest.approx(expected, abs=0.05 + 1e-9), (label, column)


def test_the_demo_experiments_give_a_complete_brief(tmp_path: Path) -> None:
    size = {"population.scale": 0.2}
    stores = run_demo(
        tmp_path / "demo",
        Sizes(targeting=2, ablation=2, story=4, morris=5, cost=2),
        progress=False,
        executor="serial",
        base=size,
        months=48,
    )
    scenarios = [with_values(load_scenario(name), size) for name in ("baseline", "mentoring")]
    compare(*scenarios, replications=2, out=tmp_path / "compare", executor="serial", months=48, progress=False)
    brief = write_brief([tmp_path / "compare", tmp_path / "demo"], tmp_path / "brief", "html")
    check_demo_brief(brief.with_suffix(".md"), stores[0])
    md = brief.with_suffix(".md").read_text(encoding="utf-8")
    assert "5 Morris trajectories over the model's sections" in md
    costs = section(md, "Costs by years after arrival")
    assert "The cost screening `sensitivity-mentoring_cost-morris-2` varies every declared" in costs
    assert "of the cost screening (preliminary: a reduced screening)." in md.split("## ")[0]  # the bottom line
    again = run_demo(
        tmp_path / "demo",
        Sizes(targeting=2, ablation=2, story=4, morris=5, cost=2),
        progress=False,
        executor="serial",
        base=size,
        months=48,
    )
    assert again == stores  # the stores are reused, nothing runs again


@pytest.mark.slow
def test_make_demo_on_a_fresh_copy(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    started = time.perf_counter()
    done = subprocess.run(["make", "demo"], cwd=clone, capture_output=True, text=True, timeout=1800)
    minutes = (time.perf_counter() - started) / 60
    assert done.returncode == 0, done.stderr[-2000:]
    check_demo_brief(clone / "results" / "brief" / "brief.md", clone / "results" / "demo-experiments" / "targeting_mix")
    assert (clone / "results" / "brief" / "brief.html").is_file()
    dutch = (clone / "results" / "brief-nl" / "brief.md").read_text(encoding="utf-8")
    assert "Wie krijgt best een mentor?" in dutch
    assert minutes < 10, f"make demo took {minutes:.1f} minutes (installation included)"
