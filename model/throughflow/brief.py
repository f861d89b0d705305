"""A policy brief from stored results: comparison, sweeps, the story over many seeds, sensitivity analysis.

``write_brief([results folders], out, fmt, lang=...)`` recognises each folder (a comparison
store, a targeting sweep, a qualification-mix sweep, an ablation sweep of the pillars, the
Juul & Kamin story over many seeds, a sensitivity result; a folder holding such folders is
searched one level deep), writes the figures to ``out/figures`` (PNG at 300 dpi with
provenance metadata, and SVG), the brief as Markdown (always) and as HTML or PDF when asked,
and ``brief_numbers.json`` listing every number printed with its source. A missing input
leaves its section out with a note; a result below its declared minimum size is marked
loudly as preliminary (:mod:`throughflow.briefing.quality`). ``lang="nl"`` writes the brief
and its figures in Dutch, with the same numbers. Files an earlier brief wrote in ``out``
that this one does not rewrite (an old ``brief.html`` beside a new ``brief.md``, figures
of a section now left out) are removed.

Example::

    from pathlib import Path
    from throughflow.brief import write_brief

    write_brief([Path("results/compare-baseline-vs-mentoring"), Path("results/qualification_mix"),
                 Path("results/ablation"), Path("results/sensitivity-mentoring_effect-morris-20")],
                Path("results/brief"), fmt="pdf")
"""

from __future__ import annotations

import json
from pathlib import Path

from throughflow.briefing.content import build
from throughflow.briefing.document import to_html, to_markdown
from throughflow.briefing.i18n import LANGS, Lang
from throughflow.briefing.inputs import find_inputs

FORMATS = ("md", "html", "pdf")

RECORD = "brief_files.json"
"""The list of files the last brief wrote in its folder (relative paths)."""

OWN = ("brief.md", "brief.html", "brief.pdf", "brief_numbers.json")
"""Files a brief writes at the top of its folder; with ``figures/*.png|svg`` the only files it removes."""


def _remove_stale(out: Path, written: list[Path]) -> list[Path]:
    """Remove the files an earlier brief wrote in ``out`` that this one did not rewrite."""
    keep = {p.resolve() for p in written}
    record = out / RECORD
    earlier: set[Path] = set()
    if record.is_file():
        try:
            earlier = {out / name for name in json.loads(record.read_text(encoding="utf-8"))}
        except (OSError, ValueError, TypeError):
            earlier = set()
    earlier |= {out / name for name in OWN}
    earlier |= set((out / "figures").glob("*.png")) | set((out / "figures").glob("*.svg"))
    removed = []
    for path in sorted(earlier):
        own = (path.parent == out and path.name in OWN) or (path.parent == out / "figures" and path.suffix in (".png", ".svg"))
        if own and path.is_file() and path.resolve() not in keep:
            path.unlink()
            removed.append(path)
    record.write_text(json.dumps(sorted(str(p.relative_to(out)) for p in written), indent=1), encoding="utf-8")
    return removed


def write_brief(
    results_dirs: list[Path],
    out: Path,
    fmt: str = "md",
    *,
    story: bool = True,
    story_seed: int = 0,
    embed_images: bool = True,
    lang: str = "en",
) -> Path:
    """Write the policy brief.

    Args:
        results_dirs: Results folders (comparison, sweeps, sensitivity), or folders holding them.
        out: Output folder (created): ``brief.md``, ``brief.<fmt>``, ``brief_numbers.json``, ``figures/``.
        fmt: ``md``, ``html`` (self-contained unless ``embed_images`` is false) or ``pdf`` (A4).
        story: Include the Juul & Kamin box (runs the small ``juul_kamin`` scenario, about 2 s).
        story_seed: Seed of that run.
        embed_images: Embed the figures in the HTML (else link them relatively).
        lang: ``en`` or ``nl`` (Dutch text and figures, numbers with a decimal comma).

    Returns:
        The path of the brief in the requested format.

    Raises:
        ValueError: If ``fmt`` or ``lang`` is unknown.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown brief format {fmt!r} (choose from {', '.join(FORMATS)})")
    if lang not in LANGS:
        raise ValueError(f"unknown brief language {lang!r} (choose from {', '.join(LANGS)})")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    inputs = find_inputs([Path(p) for p in results_dirs])
    context, footer = build(inputs, out, with_story=story, story_seed=story_seed, lang=lang)
    title = Lang(lang).t("title")
    md = out / "brief.md"
    md.write_text(to_markdown(context.doc), encoding="utf-8")
    written = [md, context.numbers.write(out / "brief_numbers.json"), *context.figures]
    path = md
    if fmt == "html":
        path = out / "brief.html"
        path.write_text(to_html(context.doc, out, title, embed=embed_images, lang=lang), encoding="utf-8")
    elif fmt == "pdf":
        from throughflow.briefing.pdf import write_pdf

        path = write_pdf(context.doc, out, out / "brief.pdf", title, footer, Lang(lang).t("doc.page"))
    _remove_stale(out, [*written, path])
    return path
