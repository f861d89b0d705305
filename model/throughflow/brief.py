"""A 2-4 page policy brief from stored results: comparison, sweeps and sensitivity analysis.

``write_brief([results folders], out, fmt)`` recognises each folder (a comparison store, a
qualification-mix sweep, an ablation sweep of the pillars, a sensitivity result; a folder
holding such folders is searched one level deep), writes the figures to ``out/figures``
(PNG at 300 dpi with provenance metadata, and SVG), the brief as Markdown (always) and as
HTML or PDF when asked, and ``brief_numbers.json`` listing every number printed with its
source. A missing input leaves its section out with a note.

Example::

    from pathlib import Path
    from throughflow.brief import write_brief

    write_brief([Path("results/compare-baseline-vs-mentoring"), Path("results/qualification_mix"),
                 Path("results/ablation"), Path("results/sensitivity-mentoring_effect-morris-20")],
                Path("results/brief"), fmt="pdf")
"""

from __future__ import annotations

from pathlib import Path

from throughflow.briefing.content import TITLE, build
from throughflow.briefing.document import to_html, to_markdown
from throughflow.briefing.inputs import find_inputs

FORMATS = ("md", "html", "pdf")


def write_brief(
    results_dirs: list[Path],
    out: Path,
    fmt: str = "md",
    *,
    story: bool = True,
    story_seed: int = 0,
    embed_images: bool = True,
) -> Path:
    """Write the policy brief.

    Args:
        results_dirs: Results folders (comparison, sweeps, sensitivity), or folders holding them.
        out: Output folder (created): ``brief.md``, ``brief.<fmt>``, ``brief_numbers.json``, ``figures/``.
        fmt: ``md``, ``html`` (self-contained unless ``embed_images`` is false) or ``pdf`` (A4).
        story: Include the Juul & Kamin box (runs the small ``juul_kamin`` scenario, about 2 s).
        story_seed: Seed of that run.
        embed_images: Embed the figures in the HTML (else link them relatively).

    Returns:
        The path of the brief in the requested format.

    Raises:
        ValueError: If ``fmt`` is unknown.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown brief format {fmt!r} (choose from {', '.join(FORMATS)})")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    inputs = find_inputs([Path(p) for p in results_dirs])
    context, footer = build(inputs, out, with_story=story, story_seed=story_seed)
    md = out / "brief.md"
    md.write_text(to_markdown(context.doc), encoding="utf-8")
    context.numbers.write(out / "brief_numbers.json")
    if fmt == "md":
        return md
    if fmt == "html":
        path = out / "brief.html"
        path.write_text(to_html(context.doc, out, TITLE, embed=embed_images), encoding="utf-8")
        return path
    from throughflow.briefing.pdf import write_pdf

    return write_pdf(context.doc, out, out / "brief.pdf", TITLE, footer)
