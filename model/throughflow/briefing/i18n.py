"""The brief's languages: translation catalogues and number formats.

Every sentence, heading, table header and figure label of the brief is a template in a
catalogue per language under ``briefing/locale/``: ``<lang>.yaml`` (words, the bottom line,
key findings, who should get a mentor, figures) and ``<lang>_notes.yaml`` (the other
sections), and ``nl_parameters.yaml`` for the parameter descriptions. Templates are
nested by section and fill named fields with :meth:`str.format`: ``{value}``. Both
languages have the same keys and the same fields (a test checks this), so the Dutch brief
prints exactly the numbers of the English one, formatted the Flemish way (decimal comma,
see :func:`throughflow.briefing.numbers.fmt`).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from throughflow.briefing.numbers import fmt
from throughflow.outcomes import BY_NAME

LANGS = ("en", "nl")
"""Languages of the brief."""


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


PARTS = ("", "notes")
"""Files that make up a language's catalogue of templates (``<lang>.yaml``, ``<lang>_notes.yaml``)."""


def _read(lang: str, part: str) -> dict[str, str]:
    name = f"{lang}_{part}.yaml" if part else f"{lang}.yaml"
    path = resources.files("throughflow") / "briefing" / "locale" / name
    if not path.is_file():
        return {}
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


@cache
def catalogue(lang: str, part: str | None = None) -> dict[str, str]:
    """The templates of a language by dotted key (``part="parameters"``: the parameter descriptions).

    Raises:
        ValueError: If the language is unknown.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown brief language {lang!r} (choose from {', '.join(LANGS)})")
    if part is not None:
        return _read(lang, part)
    out: dict[str, str] = {}
    for name in PARTS:
        out.update(_read(lang, name))
    return out


def fields(template: str) -> set[str]:
    """The named fields of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Lang:
    """One language of the brief: templates, number format, names of groups and indicators.

    Attributes:
        code: ``en`` or ``nl``.
    """

    code: str = "en"

    def t(self, key: str, **values: Any) -> str:
        """The template ``key`` filled with ``values``.

        Raises:
            KeyError: If the catalogue has no such key.
        """
        return catalogue(self.code)[key].format(**values)

    def has(self, key: str) -> bool:
        """Whether the catalogue has ``key``."""
        return key in catalogue(self.code)

    def num(self, value: float | None, kind: str) -> str:
        """A number in this language's format (see :func:`~throughflow.briefing.numbers.fmt`)."""
        return fmt(value, kind, self.code)

    def join(self, items: list[str]) -> str:
        """``a, b and c`` (``a, b en c``)."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.t('word.and')} {items[-1]}"

    def group(self, group: str, long: bool = False) -> str:
        """A qualification group in running text (``LOW``) or as a figure label (``LOW (ISCED 0–2)``)."""
        return self.t(f"group.{'long' if long else 'short'}.{group}")

    def indicator(self, name: str) -> str:
        """The label of an indicator (English labels are the declared ones)."""
        key = f"indicator.{name}"
        return self.t(key) if self.has(key) else BY_NAME[name].label

    def parameter(self, name: str, english: str) -> str:
        """A parameter's description: the declared (English) one, or its translation."""
        if self.code == "en":
            return english
        section = name.split(".")[0]
        return catalogue(self.code, "parameters").get(name) or self.t("sensitivity.undescribed", section=self.section(section))

    def section(self, name: str) -> str:
        """A section of the scenario (``labour_market``) in words."""
        key = f"section.{name}"
        return self.t(key) if self.has(key) else name

    def decimal(self, value: float, decimals: int = 1, sign: bool = False) -> str:
        """A plain number for a figure label, with the language's decimal mark and a true minus."""
        text = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
        text = text.replace("-", "\u2212")
        return text.replace(".", ",") if self.code == "nl" else text


ENGLISH = Lang("en")
