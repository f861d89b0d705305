"""Generated blocks between markers: replaced in place, never half-written, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from throughflow.documents import MarkerError, splice, write_blocks

DOC = "# Title\n\nProse before.\n<!-- BEGIN TABLE -->\nold\n<!-- END TABLE -->\nProse after.\n"


def test_only_the_block_changes_and_a_second_write_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(DOC, encoding="utf-8")
    write_blocks(path, {"TABLE": "| a |\n|---|\n| 1 |"})
    once = path.read_text(encoding="utf-8")
    assert once == DOC.replace("\nold\n", "\n| a |\n|---|\n| 1 |\n")
    write_blocks(path, {"TABLE": "| a |\n|---|\n| 1 |"})
    assert path.read_text(encoding="utf-8") == once
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]  # no temporary file left


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no markers\n", "markers <!-- BEGIN TABLE --> and <!-- END TABLE --> missing"),
        ("<!-- END TABLE -->\n<!-- BEGIN TABLE -->\n", "marker <!-- END TABLE --> comes before"),
    ],
)
def test_missing_or_reversed_markers_name_the_document_and_write_nothing(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MarkerError, match=message) as caught:
        write_blocks(path, {"TABLE": "new"})
    assert str(caught.value).startswith(f"{path}: ")
    assert path.read_text(encoding="utf-8") == text


def test_every_block_must_exist_before_any_is_written(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(DOC, encoding="utf-8")
    with pytest.raises(MarkerError, match="OTHER"):
        write_blocks(path, {"TABLE": "new", "OTHER": "x"})
    assert path.read_text(encoding="utf-8") == DOC


def test_splice_keeps_text_around_the_markers() -> None:
    out = splice("a<!-- BEGIN K -->b<!-- END K -->c", "K", "new")
    assert out == "a<!-- BEGIN K -->\nnew\n<!-- END K -->c"
