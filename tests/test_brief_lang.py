"""The brief in Dutch: a complete catalogue, the same numbers as in English, Dutch text and figures throughout."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from brief_support import json_numbers
from throughflow.brief import write_brief
from throughflow.briefing import tables
from throughflow.briefing import targeting_tables as tt
from throughflow.briefing.i18n import Lang, catalogue, fields
from throughflow.briefing.inputs import find_inputs
from throughflow.briefing.numbers import parse
from throughflow.briefing.story import condense, month_and_text
from throughflow.briefing.trace_nl import dutch
from throughflow.model import ThroughflowModel
from throughflow.plots import brief_figures as figs
from throughflow.plots.targeting import targeting_figure
from throughflow.scenario import load_scenario, parameters, with_values
from throughflow.trace import default_agent, narrate
from throughflow.words import Words

DUTCH = Lang("nl")
ENGLISH_WORDS = (" the ", " and ", " with ", " without ", " of the ", " refugees", " which ", " than ", " store ", " pair-months")
"""Words that give an English sentence away (none of them is Dutch)."""
NONE_REF = ("match", "separation")
"""Events logged with ref -1 for "none": an enrolment without a mentor yet, the loss of a WISE job."""


@pytest.fixture(scope="module")
def briefs(brief_stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for lang in ("en", "nl"):
        folder = tmp_path_factory.mktemp(f"brief_{lang}")
        write_brief(list(brief_stores.values()), folder, "html", lang=lang)
        out[lang] = folder
    return out


def test_both_catalogues_have_the_same_templates() -> None:
    en, nl = catalogue("en"), catalogue("nl")
    assert set(en) == {k for k in nl if not k.startswith("indicator.")}
    assert [k for k in en if fields(en[k]) != fields(nl[k])] == []
    used = {*tables.HEADLINE, "nec_entry_after_contract", "wise_retention"}
    assert {f"indicator.{name}" for name in used} <= set(nl)
    described = catalogue("nl", "parameters")
    uncertain = [p.name for p in parameters() if p.kind == "uncertainty" and p.low is not None and p.low != p.high]
    assert [n for n in uncertain if n not in described] == []


def test_the_dutch_brief_prints_the_same_numbers(briefs: dict[str, Path]) -> None:
    en = {n["key"]: n for n in json_numbers(briefs["en"])}
    nl = {n["key"]: n for n in json_numbers(briefs["nl"])}
    assert en.keys() == nl.keys() and len(en) > 150
    md = (briefs["nl"] / "brief.md").read_text(encoding="utf-8")
    for key, number in en.items():
        assert nl[key]["value"] == number["value"], key
        assert nl[key]["source"] == number["source"], key
        assert nl[key]["text"] in md, key
        if number["value"] is None:
            assert (number["text"], nl[key]["text"]) == ("n/a", "n.b."), key
        else:
            assert parse(nl[key]["text"], "nl") == parse(number["text"]), key
    assert json.loads((briefs["nl"] / "brief_numbers.json").read_text(encoding="utf-8"))["language"] == "nl"


def test_the_dutch_brief_reads_as_dutch(briefs: dict[str, Path]) -> None:
    html = (briefs["nl"] / "brief.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    md = (briefs["nl"] / "brief.md").read_text(encoding="utf-8")
    text = re.sub(r"`[^`]*`", " ", md)  # code: commands, store and parameter names
    text = re.sub(r"\([^()]*/[^()]*\)", " ", text)  # paths in the provenance
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    found = {w.strip() for w in ENGLISH_WORDS if w in f" {text.lower()} "}
    assert not found, found
    for heading in (
        "Kort samengevat",
        "Belangrijkste bevindingen",
        "Wie krijgt best een mentor?",
        "Hoe stevig zijn deze resultaten?",
    ):
        assert heading in md
    assert re.search(r"\d,\d", md) and not re.search(r"\d\.\d %", md)  # decimal comma


def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for t in fig.findobj(Text) if t.get_visible())


def test_the_dutch_figures_are_in_dutch(brief_stores: dict[str, Path]) -> None:
    inputs = find_inputs(list(brief_stores.values()))
    source = inputs.headline()
    assert source is not None and source.runs is not None
    eff = tables.effects(source, "baseline", "mentoring")
    made = [
        figs.group_effects_figure(eff, lang=DUTCH),
        figs.entry_curves_figure(source.runs, "scenario", ("baseline", "mentoring"), ("zonder", "met"), lang=DUTCH),
        figs.pillar_figure(tables.pillar_effects(inputs.ablation[0]), lang=DUTCH),
        figs.mix_figure(tables.mix_summary(inputs.mix[0]), "throughflow_12m", lang=DUTCH),
    ]
    results = tt.analyse(inputs.targeting[0])
    made.append(targeting_figure(results[1], results, lang=DUTCH))
    for fig in made:
        fig.canvas.draw()
        text = _texts(fig)
        found = {w.strip() for w in ENGLISH_WORDS if w in f" {text.lower()} "}
        assert not found, (found, text[:300])
        assert not re.search(r"\d\.\d", text), text[:300]  # numbers with a decimal comma
    assert "procentpunt" in _texts(made[0]) and "Alle vluchtelingen" in _texts(made[0])


def test_every_quoted_trace_line_has_a_dutch_rendering() -> None:
    without = with_values(load_scenario("juul_kamin"), {"one_on_one.enabled": False})
    for seed in range(6):
        for scenario in ("juul_kamin", without):
            model = ThroughflowModel(scenario, seed=seed).run()
            for line in condense(narrate(model, default_agent(model))):
                text = month_and_text(line)[1]
                assert dutch(text) is not None, text
    assert dutch("Kamin leaves the labour market.") == "Kamin verlaat de arbeidsmarkt."
    assert dutch("Something the trace never says.") is None


def test_every_sentence_form_of_the_trace_has_a_dutch_rendering() -> None:
    model = ThroughflowModel("juul_kamin", seed=0).run()
    story = default_agent(model)
    other = next(i for i in range(model.refugees.n) if i != story)
    tellers = (
        Words(model, story, name="Kamin", mentor_name="Juul", their="his"),
        Words(model, other, name=f"Refugee #{other}", mentor_name="the mentor", their="their"),
    )
    told = 0
    for mechanism in model.mechanisms.values():
        for event in mechanism.events:
            refs = range(-1 if event in NONE_REF else 0, 12)
            for words, ref, value in itertools.product(tellers, refs, (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 500.0)):
                try:
                    text = mechanism.describe(event, words, ref, value)
                except (ValueError, IndexError):  # not a value this event logs (an enum's member, a row)
                    continue
                if text:
                    told += 1
                    assert dutch(text) is not None, text
    assert told > 1000
