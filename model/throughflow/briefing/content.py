"""The brief's content: the sections in order, built from the recognised results.

Each section takes what it needs from :class:`~throughflow.briefing.inputs.Inputs`; when an
input is missing the section is replaced by a note saying what to run. Figures are written
to ``out/figures`` on the way; every number is registered with its source.
"""

from __future__ import annotations

from pathlib import Path

from throughflow.briefing.context import TITLE, Context
from throughflow.briefing.costs import costs, wise
from throughflow.briefing.findings import curves, headline, mix, pillars
from throughflow.briefing.inputs import Inputs
from throughflow.briefing.notes import caveats, intro, provenance, story

__all__ = ["TITLE", "Context", "build"]


def build(inputs: Inputs, out: Path, with_story: bool = True, story_seed: int = 0) -> tuple[Context, str]:
    """Build the whole brief; figures are written to ``out/figures``.

    Returns:
        The context (document, numbers, figures) and the page footer.
    """
    c = Context(inputs, Path(out))
    intro(c)
    headline(c)
    curves(c)
    mix(c)
    pillars(c)
    costs(c)
    wise(c)
    if with_story:
        story(c, story_seed)
    caveats(c)
    footer = provenance(c)
    return c, footer
