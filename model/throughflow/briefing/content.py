"""The brief's content: the sections in order, built from the recognised results.

Each section takes what it needs from :class:`~throughflow.briefing.inputs.Inputs`; when an
input is missing the section is replaced by a note saying what to run. Figures are written
to ``out/figures`` on the way; every number is registered with its source. The bottom line
is written last, from what the sections found, and placed first.
"""

from __future__ import annotations

from pathlib import Path

from throughflow.briefing.bottom_line import bottom_line
from throughflow.briefing.context import Context
from throughflow.briefing.costs import costs, wise
from throughflow.briefing.findings import curves, headline, mix, pillars
from throughflow.briefing.i18n import Lang
from throughflow.briefing.inputs import Inputs
from throughflow.briefing.notes import caveats, intro, intro_text
from throughflow.briefing.provenance import provenance, solidity
from throughflow.briefing.story import story_box
from throughflow.briefing.targeting import targeting

__all__ = ["Context", "build"]


def build(inputs: Inputs, out: Path, with_story: bool = True, story_seed: int = 0, lang: str = "en") -> tuple[Context, str]:
    """Build the whole brief; figures are written to ``out/figures``.

    Returns:
        The context (document, numbers, figures) and the page footer.
    """
    c = Context(inputs, Path(out), Lang(lang))
    intro(c)
    top = len(c.doc.blocks)
    intro_text(c)
    headline(c)
    targeting(c)
    curves(c)
    mix(c)
    pillars(c)
    costs(c)
    wise(c)
    if with_story:
        story_box(c, story_seed)
    caveats(c)
    solidity(c)
    footer = provenance(c)
    bottom_line(c, top)
    return c, footer
