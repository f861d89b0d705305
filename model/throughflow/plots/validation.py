"""The figure of the programme's effect over ten years, and ``docs/validation.md`` written from new runs.

``python -m throughflow.plots.validation --seeds 20 --write docs/validation.md`` computes the
tables of :mod:`throughflow.analysis.validation` and replaces the generated parts of the
document (between ``<!-- BEGIN EVIDENCE -->``/``END``, ``<!-- BEGIN EFFECT -->``/``END`` and
``<!-- BEGIN STORY -->``/``END``: the worked story over many seeds).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from throughflow.analysis.story import placement_route, story_frequencies, story_markdown
from throughflow.analysis.validation import effect_curve, effect_markdown, evidence_markdown, evidence_table
from throughflow.documents import write_blocks
from throughflow.outcomes import LONG_RUN_MONTHS
from throughflow.plots.style import PALETTE, save


def effect_figure(curve: pd.DataFrame, path: Path) -> list[Path]:
    """The effect on the share in work and in NEC work by months since arrival, with 95 % bands (PNG and SVG)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    for colour, (measure, sub) in zip(PALETTE, curve.groupby("measure", sort=False), strict=False):
        measure = str(measure)
        pts = sub["effect"] * 100
        ax.plot(sub["month"], pts, color=colour, label=f"in {measure}" if measure == "NEC" else "in any job (NEC or WISE)")
        ax.fill_between(sub["month"], sub["ci_low"] * 100, sub["ci_high"] * 100, color=colour, alpha=0.2, lw=0)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("months since becoming an OCMW client")
    ax.set_ylabel("effect of the programme (percentage points)")
    ax.set_xticks(range(0, LONG_RUN_MONTHS + 1, 12))
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("Mentoring-to-NEC (all pillars) against the baseline: paired effect with 95 % interval", fontsize=9)
    return save(fig, path, {"Title": "effect of mentoring-to-NEC by months since arrival"})


def main(argv: list[str] | None = None) -> int:
    """``python -m throughflow.plots.validation [--seeds N] [--workers N] [--write docs/validation.md]``."""
    parser = argparse.ArgumentParser(description="Model against the published evidence; the effect over ten years.")
    parser.add_argument("--seeds", type=int, default=20, help="seeds per scenario (default 20)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--story-seeds", type=int, default=100, help="seeds of the worked story (default 100)")
    parser.add_argument("--write", type=Path, default=None, help="update the generated parts of this Markdown file")
    args = parser.parse_args(argv)
    if args.seeds < 2 or args.story_seeds < 2:
        parser.error("--seeds and --story-seeds must be at least 2")
    table = evidence_table(args.seeds, args.workers)
    curve = effect_curve(args.seeds, args.workers)
    evidence_md = evidence_markdown(table, args.seeds)
    figure = "figures/validation/effect_by_month"
    effect_md = effect_markdown(curve, args.seeds, f"{figure}.png")
    story_md = story_markdown(story_frequencies(args.story_seeds), placement_route(args.story_seeds), args.story_seeds)
    print(evidence_md, "\n\n", effect_md, "\n\n", story_md)
    if args.write:
        effect_figure(curve, args.write.parent / figure)
        write_blocks(args.write, {"EVIDENCE": evidence_md, "EFFECT": effect_md, "STORY": story_md})
        curve.to_csv(args.write.parent / "figures" / "validation" / "effect_by_month.csv", index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
