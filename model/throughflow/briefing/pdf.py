"""PDF rendering of the brief (A4) with reportlab; DejaVu fonts from matplotlib for full Unicode."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import matplotlib

from throughflow.briefing.document import Box, Bullets, Document, Figure, Heading, Note, Para, Table, Warn

FIGURE_WIDTH_CM = 12.8
"""Printed width of a figure (its height follows the half-A4 aspect ratio)."""


def _fonts() -> dict[str, str]:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {
        "Brief": "DejaVuSans.ttf",
        "Brief-Bold": "DejaVuSans-Bold.ttf",
        "Brief-Italic": "DejaVuSans-Oblique.ttf",
        "Brief-BoldItalic": "DejaVuSans-BoldOblique.ttf",
        "BriefMono": "DejaVuSansMono.ttf",
    }
    if not all((folder / f).is_file() for f in faces.values()):
        return {"body": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier"}
    for name, file in faces.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.fspath(folder / file)))
    addMapping("Brief", 0, 0, "Brief")
    addMapping("Brief", 1, 0, "Brief-Bold")
    addMapping("Brief", 0, 1, "Brief-Italic")
    addMapping("Brief", 1, 1, "Brief-BoldItalic")
    return {"body": "Brief", "bold": "Brief-Bold", "mono": "BriefMono"}


def _inline(text: str, mono: str) -> str:
    s = html.escape(text, quote=False)
    s = re.sub(r"`([^`]+)`", rf'<font face="{mono}">\1</font>', s)
    s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", s)
    return s


def write_pdf(doc: Document, folder: Path, path: Path, title: str, footer: str, page_label: str = "page") -> Path:
    """Write the document as an A4 PDF.

    Args:
        doc: The brief.
        folder: Folder the figure paths are relative to.
        path: Output file.
        title: PDF title metadata.
        footer: Text at the foot of every page (page numbers are added).
        page_label: The word before the page number.

    Returns:
        ``path``.

    Raises:
        RuntimeError: If reportlab is not installed.
    """
    try:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
        from reportlab.lib.units import cm
        from reportlab.platypus import (
            Image,
            KeepTogether,
            ListFlowable,
            ListItem,
            Paragraph,
            SimpleDocTemplate,
            Spacer,
            TableStyle,
        )
        from reportlab.platypus import Table as RLTable
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("PDF output needs the 'reportlab' package (pip install reportlab)") from exc

    fonts = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=fonts["body"], fontSize=9, leading=11.6, spaceAfter=3)
    small = ParagraphStyle("small", parent=body, fontSize=7.4, leading=9.2, textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("cell", parent=body, fontSize=7.8, leading=9.4, spaceAfter=0)
    cell_r = ParagraphStyle("cellr", parent=cell, alignment=2)
    caption = ParagraphStyle("caption", parent=small, spaceBefore=1, spaceAfter=6)
    note = ParagraphStyle("note", parent=small, textColor=colors.HexColor("#8a5a00"), fontName=fonts["body"])
    heads = {
        1: ParagraphStyle(
            "h1", parent=base["Title"], fontName=fonts["bold"], fontSize=15.5, leading=19, alignment=0, spaceAfter=2
        ),
        2: ParagraphStyle(
            "h2",
            parent=base["Heading2"],
            fontName=fonts["bold"],
            fontSize=11.2,
            leading=13.5,
            spaceBefore=7,
            spaceAfter=3,
            textColor=colors.HexColor("#0b3d66"),
        ),
        3: ParagraphStyle(
            "h3", parent=base["Heading3"], fontName=fonts["bold"], fontSize=9.6, leading=12, spaceBefore=4, spaceAfter=2
        ),
    }
    mono = fonts["mono"]
    width = A4[0] - 3.2 * cm
    story: list[Any] = []
    held: list[Any] = []  # a heading waits to be kept together with the first flowable after it
    for b in doc.blocks:
        before = len(story)
        if isinstance(b, Heading):
            held.append(Paragraph(_inline(b.text, mono), heads.get(b.level, heads[3])))
            continue
        elif isinstance(b, Para):
            story.append(Paragraph(_inline(b.text, mono), small if b.small else body))
        elif isinstance(b, Bullets):
            items = [ListItem(Paragraph(_inline(i, mono), small if b.small else body), leftIndent=10) for i in b.items]
            story.append(ListFlowable(items, bulletType="bullet", start="•", leftIndent=10, bulletFontSize=8))
        elif isinstance(b, Table):
            align = [cell] + [cell_r if b.numeric else cell] * (len(b.header) - 1)
            data = [[Paragraph(f"<b>{_inline(h, mono)}</b>", align[i]) for i, h in enumerate(b.header)]]
            data += [[Paragraph(_inline(c, mono), align[i]) for i, c in enumerate(row)] for row in b.rows]
            table = RLTable(data, colWidths=_widths(b, width), repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cccccc")),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ]
                )
            )
            parts = [Paragraph(f"<b>{_inline(b.caption, mono)}</b>", caption)] if b.caption else []
            story.append(KeepTogether([*parts, table, Spacer(1, 4)]))
        elif isinstance(b, Figure):
            png = folder / b.path
            from reportlab.lib.utils import ImageReader

            w, h = ImageReader(os.fspath(png)).getSize()
            img_w = FIGURE_WIDTH_CM * cm
            story.append(
                KeepTogether(
                    [Image(os.fspath(png), width=img_w, height=img_w * h / w), Paragraph(_inline(b.caption, mono), caption)]
                )
            )
        elif isinstance(b, Box):
            inner = [Paragraph(f"<b>{_inline(b.title, mono)}</b>", body)]
            inner += [Paragraph(_inline(line, mono), cell) for line in b.lines]
            if b.footer:
                inner.append(Paragraph(_inline(b.footer, mono), small))
            box = RLTable([[p] for p in inner], colWidths=[width], splitByRow=1)  # one row per line: may break across pages
            edge, fill = ("#0b3d66", "#f3f7fb") if b.bottom else ("#0072B2", "#eef5fb")
            box.setStyle(
                TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 1.4 if b.bottom else 0.8, colors.HexColor(edge)),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(fill)),
                        ("LEFTPADDING", (0, 0), (-1, -1), 7),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                        ("TOPPADDING", (0, 0), (-1, 0), 5),
                        ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
                    ]
                )
            )
            story += [Spacer(1, 3), box, Spacer(1, 5)]
        elif isinstance(b, Note):
            story.append(Paragraph(_inline(b.text, mono), note))
        elif isinstance(b, Warn):
            warn = RLTable(
                [[Paragraph(f"<b>\u26a0 {_inline(b.title, mono)}</b> {_inline(b.text, mono)}", cell)]], colWidths=[width]
            )
            warn.setStyle(
                TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#D55E00")),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff3ea")),
                        ("LEFTPADDING", (0, 0), (-1, -1), 6),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            story += [Spacer(1, 2), warn, Spacer(1, 4)]
        if held and len(story) > before:
            story[before] = KeepTogether([*held, story[before]])
            held = []
    story += held

    def page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts["body"], 6.8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(1.6 * cm, 0.9 * cm, footer)
        canvas.drawRightString(A4[0] - 1.6 * cm, 0.9 * cm, f"{page_label} {document.page}")
        canvas.restoreState()

    template = SimpleDocTemplate(
        os.fspath(path),
        pagesize=A4,
        leftMargin=1.6 * cm,
        rightMargin=1.6 * cm,
        topMargin=1.4 * cm,
        bottomMargin=1.5 * cm,
        title=title,
        author="throughflow model",
        subject="Policy brief",
    )
    template.build(story, onFirstPage=page, onLaterPages=page)
    return path


def _widths(table: Table, width: float) -> list[float]:
    """Column widths in proportion to the longest entry of each column (header words count singly)."""
    longest = []
    for i, head in enumerate(table.header):
        cells = [len(row[i]) for row in table.rows if i < len(row)]
        longest.append(max([max((len(w) for w in head.split()), default=4), *cells]))
    weights = [max(6, n) for n in longest]
    total = sum(weights)
    return [width * w / total for w in weights]


def page_count(path: Path) -> int:
    """Pages of a PDF written by :func:`write_pdf` (counts page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", Path(path).read_bytes()))
