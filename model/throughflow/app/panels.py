"""The explorer's second and third tabs: the Juul & Kamin story, and results stores (read only)."""

from __future__ import annotations

import html
from pathlib import Path

import solara

from throughflow.app import figures
from throughflow.app.runs import BASELINE, PROGRAMME, Runner, Settings, story
from throughflow.app.stores import StoreView, find_stores, label, open_store

MAX_SEED = 2**31 - 1


def note(html_text: str, classes: list[str] | None = None) -> None:
    """A paragraph of HTML (not ``solara.Markdown``: its maths renderer would be fetched from a CDN)."""
    solara.HTML(tag="div", unsafe_innerHTML=html_text, classes=classes or [], style={"margin": "0.4em 0"})


@solara.component
def StoryTab(settings: Settings, runner: Runner | None = None) -> None:
    """Kamin's months under the workshop's settings, with the programme and without it (the same seed)."""
    seed, set_seed = solara.use_state(1)
    result = solara.use_thread(lambda: story(settings, seed, runner), dependencies=[settings, seed])
    note(
        "Kamin, an Iraqi mechanic with weak Dutch and no contacts with employers, becomes a client of the OCMW; "
        "with the programme, his mentor Juul helps him (scenario <code>juul_kamin</code>, with the pillars, mix and "
        "labour market set in the sidebar). Another seed is another world around him: other vacancies, other "
        "employers, other chances."
    )

    def on_seed(value: int | None) -> None:
        if value is not None and 0 <= value <= MAX_SEED:
            set_seed(int(value))

    solara.InputInt("Seed", value=seed, on_value=on_seed, continuous_update=False)
    if result.state == solara.ResultState.ERROR:
        solara.Error(f"The story cannot run with these settings: {result.error}")
        return
    if result.state != solara.ResultState.FINISHED or result.value is None:
        solara.ProgressLinear(True)
        return
    with solara.Columns([1, 1]):
        for arm in (PROGRAMME, BASELINE):
            lines = result.value[arm]
            with solara.Card(f"Kamin {arm}", classes=["story-trace"]):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML="<br>".join(html.escape(line) for line in lines),
                    style={"font-size": "0.85em", "max-height": "36em", "overflow-y": "auto"},
                )


@solara.component
def SensitivityFigure(view: StoreView) -> None:
    """Morris mu* or Sobol ST of an outcome of a sensitivity result."""
    outcome, set_outcome = solara.use_state(view.outcomes[0] if view.outcomes else "")
    if not view.outcomes:
        solara.Error(f"{view.path}: the indices table is empty")
        return
    solara.Select("Outcome", values=view.outcomes, value=outcome, on_value=set_outcome)
    solara.FigureMatplotlib(figures.sensitivity_bars(view.indices, outcome), format="png", dependencies=[str(view.path), outcome])


@solara.component
def SweepFigure(view: StoreView) -> None:
    """The effect of a factor of a sweep or comparison, across another factor."""
    default_factor, default_reference = view.default_effect()
    factor, set_factor = solara.use_state(default_factor)
    reference, set_reference = solara.use_state(default_reference)
    x_factor, set_x_factor = solara.use_state("")
    indicators = view.indicators or ["throughflow_12m"]
    indicator, set_indicator = solara.use_state("throughflow_12m" if "throughflow_12m" in indicators else indicators[0])
    reference = reference if reference in view.levels[factor] else view.levels[factor][0]
    others = [f for f in view.levels if f != factor]
    x_factor = x_factor if x_factor in others else (others[0] if others else "")
    with solara.Row():
        solara.Select("Effect of", values=list(view.levels), value=factor, on_value=set_factor)
        solara.Select("against", values=view.levels[factor], value=reference, on_value=set_reference)
        if others:
            solara.Select("across", values=others, value=x_factor, on_value=set_x_factor)
        solara.Select("Indicator", values=indicators, value=indicator, on_value=set_indicator)
    note(f"{label(indicator)}: paired difference against <code>{factor} = {reference}</code> with its 95 % interval, per group.")
    try:
        fig = figures.store_effect(view.runs, factor, reference, x_factor or None, indicator)
    except Exception as exc:  # a store of another shape: say so, keep the page
        solara.Error(f"Cannot compare: {exc}")
        return
    solara.FigureMatplotlib(fig, format="png", dependencies=[str(view.path), factor, reference, x_factor, indicator])


def _open(folder: str) -> tuple[StoreView | None, str]:
    if not folder:
        return None, ""
    try:
        return open_store(folder), ""
    except Exception as exc:  # unreadable files included: the page shows the message
        return None, str(exc)


@solara.component
def StoresTab(root: str) -> None:
    """Open a results store found under ``root``, or any folder typed in."""
    folder, set_folder = solara.use_state("")
    found = solara.use_memo(lambda: [str(p) for p in find_stores(Path(root))], [root])
    view, error = solara.use_memo(lambda: _open(folder), [folder])
    note(
        f"Stores found under <code>{html.escape(root)}/</code> (sweeps, comparisons, sensitivity results), "
        "or type the folder of any store. The page only reads them."
    )
    if found:
        solara.Select("Store", values=found, value=folder if folder in found else None, on_value=lambda v: set_folder(v or ""))
    solara.InputText("Store folder", value=folder, on_value=lambda v: set_folder((v or "").strip()))
    if error:
        solara.Error(error)
    if view is None:
        return
    note(f"<b>{html.escape(str(view.path))}</b>: {view.kind}" + (f", {len(view.runs)} runs" if view.kind == "sweep" else ""))
    with solara.Div(classes=["store-figure"]):
        if view.kind == "sensitivity":
            SensitivityFigure(view).key(str(view.path))
        else:
            SweepFigure(view).key(str(view.path))
