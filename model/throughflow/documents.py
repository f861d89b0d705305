"""Generated blocks in hand-written Markdown documents.

A generated block sits between ``<!-- BEGIN KEY -->`` and ``<!-- END KEY -->``; the writers
of the ODD, the calibration, validation and sensitivity documents replace only what lies
between the two markers and leave the prose around them alone. A document is rewritten
through a temporary file and a rename, so an interrupted writer never leaves half a
document behind.
"""

from __future__ import annotations

import os
from pathlib import Path


class MarkerError(ValueError):
    """A document without the markers of a generated block (or with them out of order)."""


def markers(key: str) -> tuple[str, str]:
    """The BEGIN and END markers of the generated block ``key``."""
    return f"<!-- BEGIN {key} -->", f"<!-- END {key} -->"


def splice(text: str, key: str, body: str, where: Path | str = "document") -> str:
    """``text`` with the block ``key`` replaced by ``body``.

    Args:
        text: The document.
        key: The block's marker name (``ABC``, ``CALIBRATION TABLE`` …).
        body: The new content (without the markers).
        where: The document's name for the error message.

    Returns:
        The new document.

    Raises:
        MarkerError: The markers are missing or the END marker comes first.
    """
    begin, end = markers(key)
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < 0:
        raise MarkerError(f"{where}: markers {begin} and {end} missing")
    if stop < start:
        raise MarkerError(f"{where}: marker {end} comes before {begin}")
    return f"{text[: start + len(begin)]}\n{body}\n{text[stop:]}"


def write_blocks(path: Path, blocks: dict[str, str]) -> None:
    """Replace the generated blocks of the document at ``path``; nothing is written if one is missing.

    Args:
        path: The Markdown document.
        blocks: New content by marker name.

    Raises:
        MarkerError: A block's markers are missing or out of order (the file is left as it was).
        OSError: The document cannot be read or written.
    """
    text = path.read_text(encoding="utf-8")
    for key, body in blocks.items():
        text = splice(text, key, body, path)
    replace_text(path, text)


def replace_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half a file)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
