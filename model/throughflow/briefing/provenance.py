"""Closing sections: how solid the results are (sizes against the declared minimums), and provenance."""

from __future__ import annotations

from typing import Any

from throughflow.briefing import quality
from throughflow.briefing.context import Context
from throughflow.briefing.document import Bullets, Heading, Para, Table
from throughflow.briefing.inputs import Source, horizon, scenario_hashes


def solidity(c: Context) -> None:
    """Table: every result used, its size, the declared minimum, and what to run for the full version."""
    c.doc.add(Heading(2, c.t("solidity.heading")))
    if not c.used:
        c.note("solidity.nothing")
        return
    rows = []
    for source in c.used:
        size = quality.size(source)
        where = {"store": str(source.path), "table": "manifest.json", "row": "all"}
        value = c.n(f"size.{source.name}.{source.kind}", size.value, "int", {**where, "column": size.unit})
        minimum = c.lang.num(size.minimum, "int")
        status = c.t("solidity.full") if size.adequate else c.t("quality.preliminary")
        if size.converged is False:
            status += " " + c.t("solidity.unconverged")
        rows.append(
            [
                c.t(f"solidity.kind.{kind_of(source)}"),
                f"`{source.name}`",
                c.t(f"solidity.size.{size.unit}", value=value),
                minimum,
                status,
                "—" if size.adequate else f"`{size.command}`",
            ]
        )
    prelim = sum(not quality.size(s).adequate for s in c.used)
    c.facts["preliminary"] = prelim
    c.doc.add(
        Para(c.t("solidity.text_some" if prelim else "solidity.text_all")),
        Table(
            [c.t(f"solidity.table.{k}") for k in ("result", "store", "size", "minimum", "status", "full")],
            rows,
            c.caption(c.t("solidity.table.caption")),
            numeric=False,
        ),
    )


def kind_of(source: Source) -> str:
    """The kind of result a source is in the size table and the provenance (a cost screening is named as such)."""
    return "cost_screening" if source.meta.get("cost") else source.kind


def _short(commit: Any) -> str:
    return str(commit)[:10] if commit else "unknown"


def _line(c: Context, s: Source) -> str:
    m = s.manifest
    seeds = m.get("replicate_seeds") or []
    shown = ", ".join(str(x) for x in seeds[:3]) + (", …" if len(seeds) > 3 else "")
    hashes = scenario_hashes(s) if s.kind == "comparison" else {}
    ident = (
        c.t("provenance.hashes", hashes=", ".join(f"{k} {v}" for k, v in hashes.items()))
        if hashes
        else c.t("provenance.sweep_hash", hash=m.get("sweep_hash", "n/a"))
    )
    text = c.t(
        "provenance.store",
        kind=c.t(f"solidity.kind.{kind_of(s)}"),
        name=s.name,
        path=s.path,
        version=m.get("throughflow", "n/a"),
        commit=_short(m.get("git_commit")),
        created=m.get("created", "n/a"),
        ident=ident,
        seed=m.get("seed", "n/a"),
    )
    if seeds:
        text += c.t("provenance.seeds", R=len(seeds), seeds=shown)
    if s.kind != "sensitivity":
        months = horizon(s)
        text += c.t("provenance.horizon", months=months) if months else c.t("provenance.horizon_default")
    if s.failed:
        text += c.t("provenance.failed", n=s.failed)
    return text + "."


def provenance(c: Context) -> str:
    """The provenance section; returns the one-line page footer."""
    c.doc.add(Heading(2, c.t("provenance.heading")))
    given = c.inputs.all()
    lines = [_line(c, s) for s in given]
    env = c.env
    lines.append(c.t("provenance.written", date=c.date, version=env.get("throughflow"), commit=_short(env.get("git_commit"))))
    c.doc.add(Bullets(lines, small=True))
    commits = {s.manifest.get("git_commit") for s in given}
    if len(commits - {None}) > 1:
        c.note("provenance.commits")
    for path, reason in c.inputs.ignored:
        c.note("provenance.ignored", path=path, reason=reason)
    for s in given:
        if s not in c.used:
            better = next((u for u in c.used if kind_of(u) == kind_of(s)), None)
            if better is not None:
                c.note("provenance.not_used_better", name=s.name, used=better.name)
            else:
                c.note("provenance.not_used", name=s.name)
    return c.t("provenance.footer", version=env.get("throughflow"), commit=_short(env.get("git_commit")), date=c.date)
