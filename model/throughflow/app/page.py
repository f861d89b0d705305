"""The explorer's page (Solara): controls in the sidebar, three tabs.

* **Workshop**: NEC-entry curves with and without the programme (95 % bands over seeds), the
  effect by qualification group, and the extra public cost and extra NEC jobs up to a chosen
  month; every change of a control reruns the paired runs (cached: a setting seen before is
  shown at once).
* **Juul & Kamin**: the story of Kamin, month by month, with and without the programme, for a
  chosen seed.
* **Results stores**: any sweep or comparison store (the effect of a factor across another)
  or sensitivity result (mu* or ST bars), read only.

Every computation runs in a background thread and every failure is shown as a message: a
bad value in a control cannot stop the page.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from functools import partial
from typing import Any, cast

import solara
from solara.lab import Tab, Tabs

from throughflow.app import figures
from throughflow.app.panels import StoresTab, StoryTab, note
from throughflow.app.runs import MONTHS, PILLAR_LABELS, SCALE, Paired, Runner, Settings, shipped
from throughflow.outcomes import BY_NAME, HEADLINE

RUNNER = Runner(workers=int(os.environ.get("THROUGHFLOW_APP_WORKERS", "0")) or None)
"""One pool of worker processes and one cache for every visitor of the page."""

settings = solara.reactive(Settings.of("mentoring"))


def _prepare() -> None:
    """Start the workers and run the opening setting while the server starts (the first visitor waits less)."""
    try:
        RUNNER.paired(Settings.of("mentoring"))
    except Exception:  # the page reports errors when it runs the setting itself
        return


threading.Thread(target=_prepare, name="throughflow-prepare", daemon=True).start()
horizon = solara.reactive(60)
indicator = solara.reactive("throughflow_12m")

DEBOUNCE_SECONDS = 0.3
"""Wait before running, so that dragging a slider runs only where it stops."""


def _update(**changes: Any) -> None:
    settings.set(dataclasses.replace(settings.value, **changes))


def _pillar(name: str, on: bool) -> None:
    _update(pillars=tuple((p, on if p == name else v) for p, v in settings.value.pillars))


def _scenario(name: str) -> None:
    if name in shipped():
        settings.set(dataclasses.replace(Settings.of(name), seeds=settings.value.seeds))


@solara.component
def Control(name: str, label: str, value: float, low: float, high: float, step: float, on_value: Any) -> None:
    """A labelled slider (the class ``control-<name>`` finds it in the page)."""
    with solara.Div(classes=[f"control-{name}"]):
        note(label)
        if isinstance(step, int) and isinstance(low, int):
            solara.SliderInt("", value=int(value), min=low, max=int(high), step=step, on_value=on_value)
        else:
            solara.SliderFloat("", value=value, min=low, max=high, step=step, on_value=on_value)


@solara.component
def Controls() -> None:
    """The workshop's controls (every value bounded: nothing typed in can be out of range)."""
    s = settings.value
    pillars = dict(s.pillars)
    solara.Select("Scenario", values=shipped(), value=s.scenario, on_value=_scenario)
    note("<b>Who arrives</b>")
    Control(
        "share-low",
        f"LOW share: {s.share_low:.0%} (MEDIUM and HIGH share the rest)",
        round(s.share_low, 2), 0.0, 1.0, 0.05, lambda v: _update(share_low=v),
    )  # fmt: skip
    note("<b>Mentoring-to-NEC</b>")
    for name, text in PILLAR_LABELS.items():
        solara.Checkbox(label=text, value=pillars.get(name, False), on_value=partial(_pillar, name))
    Control(
        "capacity", f"Programme places: {s.capacity:.0f} per 1,000 arrivals a year",
        s.capacity, 0.0, 600.0, 10.0, lambda v: _update(capacity=v),
    )  # fmt: skip
    Control(
        "mentors", f"Volunteer mentors: {s.mentors:.0f} per 1,000 arrivals a year",
        s.mentors, 0.0, 500.0, 10.0, lambda v: _update(mentors=v),
    )  # fmt: skip
    note("<b>Labour market</b>")
    Control(
        "tightness", f"Other job seekers per vacancy: {s.other_applicants:.1f} (fewer: a tighter market)",
        s.other_applicants, 0.5, 8.0, 0.5, lambda v: _update(other_applicants=v),
    )  # fmt: skip
    Control("seeds", f"Seeds: {s.seeds}", s.seeds, 1, 8, 1, lambda v: _update(seeds=int(v)))
    solara.Button("Reset to the scenario", on_click=lambda: _scenario(s.scenario), text=True)


def _compute(s: Settings) -> tuple[Paired, float]:
    time.sleep(DEBOUNCE_SECONDS)
    started = time.perf_counter()
    return RUNNER.paired(s), time.perf_counter() - started


@solara.component
def WorkshopTab() -> None:
    """Curves, effect by group and cost, from the paired runs of the current settings."""
    s = settings.value
    result = solara.use_thread(lambda: _compute(s), dependencies=[s])
    # the last finished result stays on screen while the next one runs
    last, set_last = solara.use_state(cast(tuple[Paired, float] | None, None))
    if result.state == solara.ResultState.FINISHED and result.value is not None and result.value is not last:
        set_last(result.value)
    running = result.state in (solara.ResultState.STARTING, solara.ResultState.WAITING, solara.ResultState.RUNNING)
    solara.ProgressLinear(running)
    note(
        f"Each change runs the scenario and its paired baseline (the same world with every pillar off) on {s.seeds} seed(s) "
        f"in a reduced world: population scale {SCALE}, {MONTHS} months. Bands and bars are 95 % intervals over the seeds. "
        "Full-size results: <code>throughflow compare</code> or <code>throughflow sweep</code>, then the "
        "<i>Results stores</i> tab."
    )
    if result.state == solara.ResultState.ERROR:
        solara.Error(f"These settings cannot run: {result.error}")
    shown = result.value if result.state == solara.ResultState.FINISHED and result.value else last
    if shown is None:
        solara.Info("Running the first setting…")
        return
    paired, seconds = shown
    if paired.settings != s:
        solara.Info("Updating…")
    elif seconds > 0.05:
        solara.Text(f"{2 * s.seeds} runs in {seconds:.1f} s", style={"color": "#666"})
    key = dataclasses.astuple(paired.settings)
    with solara.Card("NEC entry after the art. 60 contract", classes=["entry-curves"]):
        solara.FigureMatplotlib(figures.entry_curves(paired), format="png", dependencies=[key])
    with solara.Columns([1, 1]):
        with solara.Card("Effect by qualification group"):
            solara.Select(
                "Indicator",
                values=[BY_NAME[n].label for n in HEADLINE],
                value=BY_NAME[indicator.value].label,
                on_value=lambda v: indicator.set(next(n for n in HEADLINE if BY_NAME[n].label == v)),
            )
            solara.FigureMatplotlib(
                figures.group_effects(paired, indicator.value), format="png", dependencies=[key, indicator.value]
            )
        with solara.Card("Cost at a chosen horizon"):
            months = paired.settings.months
            month = min(max(1, horizon.value), months)
            solara.SliderInt("Horizon (month)", value=month, min=1, max=months, on_value=horizon.set)
            cost = paired.cost_at(month)
            per = cost["cost_per_extra_in_nec"]
            note(
                f"By month {month}: extra public cost <b>{cost['extra_cost_eur']:,.0f} EUR</b>, "
                f"<b>{cost['extra_in_nec']:+.1f}</b> refugees in an NEC job"
                + (f": <b>{per:,.0f} EUR</b> per extra refugee in an NEC job." if per == per else ".")
                + " A negative cost is a saving (benefits not paid)."
            )
            solara.FigureMatplotlib(figures.cost_curves(paired, month), format="png", dependencies=[key, month])


@solara.component
def Page() -> None:
    """The explorer."""
    solara.Title("throughflow explorer")
    with solara.AppBar():
        solara.AppBarTitle("throughflow: from art. 60 work experience to regular jobs")
    with solara.Sidebar():
        Controls()
    with Tabs(lazy=True):
        with Tab("Workshop"):
            WorkshopTab()
        with Tab("Juul & Kamin"):
            StoryTab(settings.value, RUNNER)
        with Tab("Results stores"):
            StoresTab(os.environ.get("THROUGHFLOW_APP_RESULTS", "results"))
