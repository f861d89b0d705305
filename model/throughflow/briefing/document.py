"""A small document model for the brief and its Markdown and HTML renderings.

Text uses a tiny inline markup shared by every format: ``**bold**``, ``*italic*`` and
```code```. Figures are PNG files referenced relative to the brief's folder.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Heading:
    """A section heading (level 1 = title)."""

    level: int
    text: str


@dataclass
class Para:
    """A paragraph."""

    text: str
    small: bool = False


@dataclass
class Bullets:
    """A bulleted list."""

    items: list[str]
    small: bool = False


@dataclass
class Table:
    """A table with a caption; the first column is left-aligned, the others right-aligned if ``numeric``."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    numeric: bool = True


@dataclass
class Figure:
    """A figure: PNG path relative to the brief, caption."""

    path: str
    caption: str


@dataclass
class Box:
    """A framed box (the worked story; the bottom line when ``bottom``)."""

    title: str
    lines: list[str]
    footer: str = ""
    bottom: bool = False


@dataclass
class Note:
    """A note on a missing input or a left-out section (the text includes its "Note:")."""

    text: str


@dataclass
class Warn:
    """A loud warning: results below the declared minimum sizes (preliminary)."""

    title: str
    text: str


Block = Heading | Para | Bullets | Table | Figure | Box | Note | Warn


@dataclass
class Document:
    """The brief as a list of blocks."""

    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        """Append blocks."""
        self.blocks.extend(blocks)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(doc: Document) -> str:
    """The document as Markdown (figures linked relatively)."""
    out: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Bullets):
            out.append("\n".join(f"- {item}" for item in b.items))
        elif isinstance(b, Table):
            lines = []
            if b.caption:
                lines.append(f"**{b.caption}**\n")
            lines.append("| " + " | ".join(_md_cell(h) for h in b.header) + " |")
            align = "---:" if b.numeric else ":---"
            lines.append("|" + "|".join([":---"] + [align] * (len(b.header) - 1)) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
        elif isinstance(b, Figure):
            out.append(f"![{b.caption}]({b.path})\n\n*{b.caption}*")
        elif isinstance(b, Box):
            body = [f"> **{b.title}**", ">"] + [f"> {line}  " for line in b.lines]
            if b.footer:
                body += [">", f"> *{b.footer}*"]
            out.append("\n".join(body))
        elif isinstance(b, Note):
            out.append(f"> *{b.text}*")
        elif isinstance(b, Warn):
            out.append(f"> **\u26a0 {b.title}** {b.text}")
    return "\n\n".join(out) + "\n"


def inline_html(text: str) -> str:
    """Inline markup to HTML (text escaped first)."""
    s = html.escape(text, quote=False)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", s)
    return s


CSS = """
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 10.5pt; line-height: 1.45;
       max-width: 46em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }
h1 { font-size: 18pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; margin-top: 1.4em; border-bottom: 1px solid #ccc; }
h3 { font-size: 11pt; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; } th { background: #f0f0f0; }
td:not(:first-child), th:not(:first-child) { text-align: right; }
table.text td, table.text th { text-align: left; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.3em; }
figure { margin: 1em 0; } figure img { width: 100%; } figcaption { font-size: 9pt; color: #444; }
.box { border: 1px solid #0072B2; background: #eef5fb; padding: 0.6em 1em; margin: 1em 0; }
.box p { margin: 0.25em 0; } .bottom { border: 2px solid #0b3d66; background: #f3f7fb; }
.warn { border: 2px solid #D55E00; background: #fff3ea; padding: 0.5em 0.9em; margin: 0.8em 0; }
.note { color: #555; font-style: italic; border-left: 3px solid #E69F00; padding-left: 0.6em; }
small, .small { font-size: 8.5pt; color: #444; } code { font-size: 9pt; }
"""


def to_html(doc: Document, folder: Path, title: str, embed: bool = True, lang: str = "en") -> str:
    """The document as one HTML page; figures embedded (base64) or linked relatively."""
    body: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{inline_html(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            body.append(f'<p class="small">{inline_html(b.text)}</p>' if b.small else f"<p>{inline_html(b.text)}</p>")
        elif isinstance(b, Bullets):
            body.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{inline_html(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            cap = f"<caption>{inline_html(b.caption)}</caption>" if b.caption else ""
            klass = "" if b.numeric else ' class="text"'
            body.append(f"<table{klass}>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Figure):
            if embed:
                data = base64.b64encode((folder / b.path).read_bytes()).decode("ascii")
                src = f"data:image/png;base64,{data}"
            else:
                src = html.escape(b.path)
            alt = html.escape(b.caption)
            body.append(f'<figure><img src="{src}" alt="{alt}"><figcaption>{inline_html(b.caption)}</figcaption></figure>')
        elif isinstance(b, Box):
            lines = "".join(f"<p>{inline_html(line)}</p>" for line in b.lines)
            foot = f'<p class="small">{inline_html(b.footer)}</p>' if b.footer else ""
            klass = "box bottom" if b.bottom else "box"
            body.append(f'<div class="{klass}"><p><strong>{inline_html(b.title)}</strong></p>{lines}{foot}</div>')
        elif isinstance(b, Note):
            body.append(f'<p class="note">{inline_html(b.text)}</p>')
        elif isinstance(b, Warn):
            body.append(f'<div class="warn"><strong>\u26a0 {inline_html(b.title)}</strong> {inline_html(b.text)}</div>')
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
