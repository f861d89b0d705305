"""Framing sections: introduction, the Juul & Kamin story, assumptions and caveats, provenance."""

from __future__ import annotations

from typing import Any

from throughflow.briefing import tables
from throughflow.briefing.context import GROUP_NAMES, TITLE, Context
from throughflow.briefing.document import Box, Bullets, Heading, Note, Para, Table
from throughflow.briefing.inputs import horizon, scenario_hashes
from throughflow.outcomes import BY_NAME


def intro(c: Context) -> None:
    """Title and what the brief is about."""
    c.doc.add(
        Heading(1, TITLE),
        Para(f"*Policy brief from the throughflow simulation model · {c.date}*", small=True),
        Para(
            "Refugees on a temporary art. 60 work-experience contract, arranged by the OCMW and often held in a Work "
            "Integration Social Enterprise (WISE), are meant to move on to a job in the normal economic circuit (NEC). "
            "This brief reports what the throughflow agent-based model says about a **mentoring-to-NEC model** with "
            "three pillars — 1-on-1 volunteer mentoring, a mentoring organisation, and an ecosystem of learning labs "
            "and employer support — against art. 60 as it is, for the cohort of refugees whose art. 60 contract "
            "ended. All figures are simulation results on paired replications (same random seeds); the 95 % "
            "intervals reflect the randomness of the simulation, not the uncertainty of the model's assumptions "
            "(see *Assumptions and caveats*)."
        ),
    )


def story(c: Context, seed: int = 0) -> None:
    """The Juul & Kamin box, from a real trace."""
    from throughflow.briefing.story import juul_kamin, month_and_text

    s = juul_kamin(seed=seed)
    for i, line in enumerate(s.lines):
        c.numbers.quotes.append(
            {
                "key": f"story.line{i}",
                "text": line,
                "source": {"trace": s.scenario, "seed": s.seed, "function": "throughflow.trace.narrate"},
            }
        )
    c.doc.add(
        Box(
            "The story behind the mechanism: Kamin and his mentor Juul",
            [
                "The scenario `juul_kamin` sets up the worked story: Kamin, an Iraqi mechanic with weak Dutch and no ties "
                "to employers, lives at the edge of the region; his mentor Juul, a retired teacher and union "
                "representative, can contest a poor art. 60 offer at the OCMW. Key lines of the model's trace:",
                *[f"*Month {month}:* {text}" for month, text in map(month_and_text, s.lines)],
            ],
            f"Condensed ({len(s.lines)} of {s.total} lines) from `throughflow trace {s.scenario} --seed {s.seed}`; one "
            "simulated trajectory, an illustration of the mechanism, not an average.",
        )
    )


def _parameter_docs() -> dict[str, str]:
    from throughflow.scenario import parameters

    return {p.name: p.doc for p in parameters()}


def _outcome_label(name: str) -> tuple[str, bool]:
    for indicator in sorted(BY_NAME, key=len, reverse=True):
        if indicator in name:
            group = next((g for g in ("all", "low", "medium", "high") if name.endswith(f"_{g}")), "all")
            prefix = "Effect on " if name.startswith("effect") else ""
            label = BY_NAME[indicator].label
            if prefix and not label[:2].isupper():
                label = label[0].lower() + label[1:]
            return f"{prefix}{label} ({GROUP_NAMES[group]})", BY_NAME[indicator].unit == "share"
    return name, False


def caveats(c: Context) -> None:
    """Most influential uncertain parameters, and what the model leaves out."""
    c.doc.add(Heading(2, "Assumptions and caveats"))
    if c.inputs.sensitivity:
        source = c.inputs.sensitivity[0]
        top, index = tables.top_parameters(source)
        docs = _parameter_docs()
        rows, names = [], []
        for outcome, sub in top.groupby("outcome", sort=False):
            label, share = _outcome_label(str(outcome))
            kind = "ppidx" if share and index == "mu_star" else "idx"
            cells = []
            for _, r in sub.iterrows():
                v = c.n(f"sensitivity.{outcome}.{r['name']}", r["value"], kind, r["source"])
                cells.append(f"`{r['name']}` ({v})")
                names.append(r["name"])
            rows.append([label, "; ".join(cells)])
        unit = "Morris μ*: mean absolute elementary effect, in pp for shares" if index == "mu_star" else "Sobol total index ST"
        indices = source.tables["indices"]
        where = {"store": str(source.path), "table": "indices.csv"}
        k = c.n("sensitivity.parameters", indices["name"].nunique(), "int", {**where, "row": "all", "column": "name (distinct)"})
        o = c.n(
            "sensitivity.outcomes", indices["outcome"].nunique(), "int", {**where, "row": "all", "column": "outcome (distinct)"}
        )
        c.doc.add(
            Para(
                f"Which uncertain parameters move the results most? The sensitivity analysis `{source.name}` varies {k} "
                f"uncertain parameters over their declared ranges and analyses {o} outcomes; below, the three most "
                "influential per outcome (at most four outcomes)."
            ),
            Table(
                ["Outcome", "Most influential parameters, in order (index)"],
                rows,
                c.caption(f"Most influential parameters ({unit})."),
                numeric=False,
            ),
            Para("; ".join(f"`{n}`: {docs.get(n, 'no description')}" for n in dict.fromkeys(names)) + ".", small=True),
        )
        conv = source.tables.get("convergence")
        if conv is not None and {"flag", "fraction", "important"} <= set(conv.columns):
            final = conv[conv["fraction"] == conv["fraction"].max()]
            flagged = int(final["flag"].astype(bool).sum())
            if flagged:
                where = {"store": str(source.path), "table": "convergence.csv", "row": "largest fraction"}
                f = c.n("sensitivity.flagged", flagged, "int", {**where, "column": "flag (count true)"})
                i = c.n(
                    "sensitivity.important",
                    final["important"].astype(bool).sum(),
                    "int",
                    {**where, "column": "important (count true)"},
                )
                c.doc.add(
                    Para(
                        f"{f} of {i} important index values still have wide 95 % intervals: more samples would sharpen "
                        "the ranking.",
                        small=True,
                    )
                )
    else:
        c.doc.add(
            Note(
                "no sensitivity result was given, so the most influential uncertain parameters are not listed. Run "
                "`throughflow sensitivity scenarios/sensitivity/mentoring_effect.yaml` and pass its folder."
            )
        )
    c.doc.add(
        Para("What the model leaves out:"),
        Bullets(
            [
                "Only refugees on the OCMW / art. 60 route are simulated; other job seekers appear only as outside "
                "competition for a vacancy, so displacement of other job seekers is not modelled.",
                "Costs are public spending only; wages, taxes and social contributions from NEC jobs, employers' costs "
                "and the value of volunteers' time are not counted.",
                "A regular WISE job and leaving the labour market are final in the model: retained WISE workers do not "
                "move on later, and NEC workers do not search on the job.",
                "The region is a synthetic city-region; results describe the modelled mechanisms, not a forecast for a "
                "particular OCMW or municipality.",
                "“Sustainable” means 12 consecutive months in an NEC job within 36 months of the contract start; wages "
                "and job quality are not modelled.",
                "No parameter sets the mentoring effect directly; it comes from the mechanisms (placement advocacy, "
                "referrals, ties, language, labs, employer support), whose sizes are partly assumptions.",
            ]
        ),
    )


def _short(commit: Any) -> str:
    return str(commit)[:10] if commit else "unknown"


def provenance(c: Context) -> str:
    """The provenance section; returns the one-line page footer."""
    c.doc.add(Heading(2, "Provenance"))
    lines = []
    commits = set()
    for s in c.inputs.all():
        m = s.manifest
        commits.add(m.get("git_commit"))
        seeds = m.get("replicate_seeds") or []
        shown = ", ".join(str(x) for x in seeds[:3]) + (", …" if len(seeds) > 3 else "")
        hashes = scenario_hashes(s) if s.kind == "comparison" else {}
        ident = (
            "scenario hashes " + ", ".join(f"{k} {v}" for k, v in hashes.items())
            if hashes
            else f"sweep hash {m.get('sweep_hash', 'n/a')}"
        )
        months = horizon(s)
        text = (
            f"**{s.kind}** `{s.name}` ({s.path}): throughflow {m.get('throughflow', 'n/a')}, commit "
            f"{_short(m.get('git_commit'))}, created {m.get('created', 'n/a')}; {ident}; root seed {m.get('seed', 'n/a')}"
        )
        if seeds:
            text += f", R = {len(seeds)} (replicate seeds {shown})"
        if s.kind != "sensitivity":
            text += f"; horizon {months} months" if months else "; horizon as in the scenarios"
        if s.failed:
            text += f"; {s.failed} failed run(s) left out"
        lines.append(text + ".")
    env = c.env
    lines.append(
        f"Brief written {c.date} by throughflow {env.get('throughflow')} (commit {_short(env.get('git_commit'))}). "
        "Every number above is listed with its source (store, table, row, column) in `brief_numbers.json`."
    )
    c.doc.add(Bullets(lines, small=True))
    if len(commits - {None}) > 1:
        c.doc.add(Note("the stores were written by different commits of the model."))
    for path, reason in c.inputs.ignored:
        c.doc.add(Note(f"`{path}` was not used: {reason}."))
    found = c.headline_source
    for s in c.inputs.comparisons:
        if found is None or s is not found[0]:
            c.doc.add(Note(f"comparison `{s.name}` was not used (the headline uses `{found[0].name if found else '-'}`)."))
    return (
        f"throughflow {env.get('throughflow')} · commit {_short(env.get('git_commit'))} · {c.date} · sources: brief_numbers.json"
    )
