"""Generated parts of the ODD protocol (``docs/ODD.md``): mechanisms, state, parameters, indicators.

The tables are derived from the declarations only — the registered mechanisms
(:data:`throughflow.processes.MECHANISMS`: schedule, sections, state columns, events,
counters, streams, hooks), the tables of people (:mod:`throughflow.population`), the
parameter sections (:func:`throughflow.scenario.parameters`) and the indicators
(:data:`throughflow.outcomes.INDICATORS`) — and written between marker comments in
``docs/ODD.md``, so the document cannot drift from the code.
The hand-written prose is checked too: every dotted parameter name it quotes in backticks
(e.g. ``art60.ocmw_openness``) must be declared, so a renamed or removed parameter cannot
linger in the text. ``python -m throughflow.odd`` refreshes the file; ``--check`` exits 1
if it is stale or quotes an undeclared parameter.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from throughflow.documents import replace_text, splice
from throughflow.mechanism import HOOKS, Mechanism, Phase
from throughflow.outcomes import INDICATORS
from throughflow.parameters import ScenarioBase
from throughflow.population import MentorTable, PairTable, RefugeeTable
from throughflow.processes import MECHANISMS
from throughflow.scenario import parameters
from throughflow.schema import Scenario

ODD_PATH = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
"""The ODD document of the repository."""

TOP = "scenario"
"""Section name used for the top-level scenario fields (name, description, months)."""


def _value(value: Any) -> str:
    """A declared value as table text: YAML spelling for booleans, 4 decimals at most."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, float):
        return f"{round(value, 4):g}"
    return str(value)


def _cell(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _bounds(ge: float | None, le: float | None) -> str:
    if ge is not None and le is not None:
        return f"[{_value(ge)}, {_value(le)}]"
    if ge is not None:
        return f"≥ {_value(ge)}"
    if le is not None:
        return f"≤ {_value(le)}"
    return "—"


def _section_docs(model: type[BaseModel] = Scenario, prefix: str = "") -> dict[str, str]:
    """First docstring line of every parameter section, keyed by dotted section name."""
    docs = {TOP: (model.__doc__ or "").strip().splitlines()[0]} if not prefix else {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            docs[f"{prefix}{name}"] = (annotation.__doc__ or "").strip().splitlines()[0]
            docs.update(_section_docs(annotation, f"{prefix}{name}."))
    return docs


def parameter_table(schema: type[ScenarioBase] = Scenario, mechanisms: Sequence[type[Mechanism[Any]]] = MECHANISMS) -> str:
    """Markdown tables of every declared parameter, one table per section.

    Args:
        schema: The scenario class (default: the registered mechanisms' sections).
        mechanisms: The mechanisms owning the sections.

    Returns:
        One ``###`` heading and table per section, in declaration order. Columns: dotted
        name, meaning, kind (lever/uncertainty/setting), default, unit, plausible range
        (sweeps and sensitivity analysis), validity bounds, source.

    """
    sections: dict[str, list[str]] = {}
    for p in parameters(schema):
        section = p.name.rpartition(".")[0] or TOP
        span = f"{_value(p.low)}–{_value(p.high)}" if p.low is not None and p.high is not None else "—"
        cells = (f"`{p.name}`", p.doc, p.kind, _value(p.default), p.unit, span, _bounds(p.ge, p.le), p.source)
        sections.setdefault(section, []).append("| " + " | ".join(_cell(c) for c in cells) + " |")
    docs = _section_docs(schema)
    owners = {m.section: m for m in mechanisms if m.Pars is not None}
    blocks = []
    for section, rows in sections.items():
        owner = owners.get(section)
        by = f" *(mechanism `{owner.name}`{f', pillar `{owner.pillar}`' if owner.pillar else ''})*" if owner else ""
        head = [
            f"### `{section}` — {docs.get(section, '')}{by}",
            "",
            "| parameter | meaning | kind | default | unit | range | bounds | source |",
            "|---|---|---|---|---|---|---|---|",
        ]
        blocks.append("\n".join(head + rows))
    return "\n\n".join(blocks)


def indicator_table() -> str:
    """Markdown table of every declared indicator.

    Returns:
        One table: name, label, unit, shape (scalar or curve), definition, cohort, the
        shortest run (months) in which it can have a value, and use (outcome, reach of the
        programme, or calibration).

    """
    rows = [
        "| indicator | label | unit | shape | definition | cohort | shortest run | use |",
        "|---|---|---|---|---|---|---:|---|",
    ]
    for ind in INDICATORS:
        shortest = f"{ind.min_months} months" if ind.min_months > 1 else ""
        cells = (f"`{ind.name}`", ind.label, ind.unit, ind.shape, ind.definition, ind.cohort, shortest, ind.use)
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def mechanism_table(mechanisms: Sequence[type[Mechanism[Any]]] = MECHANISMS) -> str:
    """Markdown table of the registered mechanisms, in schedule order.

    Args:
        mechanisms: The mechanisms (default: the registered ones).

    Returns:
        One row per mechanism: name and what it is, pillar, the phases it steps in, its
        parameter section, the hooks it defines, its events, counters and streams.
    """
    rows = [
        "| mechanism | pillar | steps in | section | hooks it defines | events | counters | streams |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in mechanisms:
        steps = ", ".join(f"{p.value} {p.name.lower()}" for p in Phase if p in m.steps) or "—"
        hooks = ", ".join(f"`{h}`" for h in HOOKS if callable(getattr(m, h, None))) or "—"
        streams = ", ".join(f"`{s}`" for s in (m.name, *(f"{m.name}.{x}" for x in m.streams)))
        cells = (
            f"`{m.name}` — {m.doc()}",
            m.pillar or "world",
            steps,
            f"`{m.section}`" if m.Pars is not None else ", ".join(f"`{r}`" for r in m.reads) or "—",
            hooks,
            ", ".join(f"`{e}`" for e in m.events) or "—",
            ", ".join(f"`{c.name}`" for c in m.counters) or "—",
            streams,
        )
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def state_table(mechanisms: Sequence[type[Mechanism[Any]]] = MECHANISMS) -> str:
    """Markdown tables of the state columns of refugees, mentors and pairs, and who declares them.

    Args:
        mechanisms: The mechanisms (default: the registered ones).

    Returns:
        One table per table of people: column, meaning, type, declared by (the world's table,
        or a mechanism).
    """
    blocks = []
    for title, table, attribute in (
        ("Refugee (`RefugeeTable`)", RefugeeTable, "refugee_columns"),
        ("Mentor (`MentorTable`)", MentorTable, "mentor_columns"),
        ("Pair (`PairTable`)", PairTable, None),
    ):
        rows = [f"#### {title}", "", "| column | meaning | type | declared by |", "|---|---|---|---|"]
        columns = [(name, c, "the world") for name, c in table.COLUMNS.items()]
        if attribute:
            columns += [(name, c, f"`{m.name}`") for m in mechanisms for name, c in getattr(m, attribute).items()]
        for name, c, by in columns:
            kind = f"{c.dtype.__name__}" + (f" x {c.shape[0]}" if c.shape else "")
            rows.append("| " + " | ".join(_cell(x) for x in (f"`{name}`", c.doc, kind, by)) + " |")
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks)


GENERATED = ("MECHANISMS", "STATE", "PARAMETERS", "INDICATORS")
"""The generated blocks of the ODD document, by marker name."""


def _generated_spans(text: str) -> list[tuple[int, int]]:
    """(start, stop) offsets of the generated blocks (between BEGIN and END markers)."""
    spans = []
    for key in GENERATED:
        start, stop = text.find(f"<!-- BEGIN {key} -->"), text.find(f"<!-- END {key} -->")
        if 0 <= start < stop:
            spans.append((start, stop))
    return spans


def undeclared_names(text: str) -> list[str]:
    """Dotted parameter names quoted in the prose that are not declared.

    A name counts when it appears inside backticks outside the generated blocks and starts
    with a parameter section (``population.``, ``art60.`` …). Section names
    (``mentoring.activities``), module paths (``processes/story.py``, ``geography.py``) and
    alternatives written as ``population.skill_low|medium|high`` (only the first is checked)
    are accepted.

    Args:
        text: The ODD document.

    Returns:
        The undeclared names, in order of first appearance, without repeats.

    """
    declared = {p.name for p in parameters()}
    sections = set(_section_docs()) - {TOP}
    tops = sorted({name.split(".")[0] for name in sections}, key=len, reverse=True)
    pattern = re.compile(rf"(?<![\w/.])((?:{'|'.join(map(re.escape, tops))})(?:\.[a-z0-9_]+)+)")
    prose = text
    for start, stop in sorted(_generated_spans(text), reverse=True):
        prose = prose[:start] + prose[stop:]
    missing: list[str] = []
    for quoted in re.findall(r"`([^`\n]+)`", prose):
        for name in pattern.findall(quoted):
            if name.rsplit(".", 1)[-1] == "py" or name in declared or name in sections or name in missing:
                continue
            missing.append(name)
    return missing


def render(text: str) -> str:
    """The ODD text with every generated block refreshed.

    Args:
        text: The current document.

    Returns:
        The document with the text between each pair of markers regenerated.

    Raises:
        ValueError: If a pair of markers is missing.

    """
    bodies = {
        "MECHANISMS": mechanism_table(),
        "STATE": state_table(),
        "PARAMETERS": parameter_table(),
        "INDICATORS": indicator_table(),
    }
    for key, body in bodies.items():
        text = splice(text, key, body)
    return text


def update_odd(path: Path | str = ODD_PATH) -> bool:
    """Rewrite the generated tables in the ODD document.

    Args:
        path: The ODD Markdown file.

    Returns:
        Whether the file changed.

    Raises:
        ValueError: If a pair of markers is missing.

    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    new = render(text)
    if new == text:
        return False
    replace_text(path, new)
    return True


def main(argv: list[str] | None = None) -> int:
    """Refresh the generated tables of ``docs/ODD.md`` (or check that they are current).

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0 on success; 1 if ``--check`` finds the document stale, if the markers are missing,
        or if the prose quotes a parameter that is not declared.

    """
    parser = argparse.ArgumentParser(prog="python -m throughflow.odd", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the tables are stale; do not write")
    parser.add_argument("--path", type=Path, default=ODD_PATH, help="ODD file (default: docs/ODD.md)")
    args = parser.parse_args(argv)
    try:
        if args.check:
            text = args.path.read_text(encoding="utf-8")
            stale = render(text) != text
            print(f"{args.path}: {'stale; run python -m throughflow.odd' if stale else 'up to date'}")
        else:
            stale = False
            changed = update_odd(args.path)
            print(f"{args.path}: {'updated' if changed else 'already up to date'}")
        missing = undeclared_names(args.path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{args.path}: {exc}", file=sys.stderr)
        return 1
    if missing:
        print(f"{args.path}: the prose quotes undeclared parameters: {', '.join(missing)}", file=sys.stderr)
    return 1 if stale or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
