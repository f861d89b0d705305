"""The reduced experiments behind ``make demo``: every section of the brief, in a few minutes.

``make demo`` runs the comparison of the baseline with mentoring-to-NEC and then this module
(``python -m throughflow.briefing.demo``), which runs the shipped sweeps and the two Morris
screenings (the mentoring effect; the 5-year cost) at reduced sizes — fewer replications,
fewer trajectories, parameters grouped by model section — into ``results/demo-experiments/``.
The brief reads the sizes from the stores and marks every result below the declared minimum
sizes (:mod:`throughflow.briefing.quality`) as preliminary, naming what to run for the full
version.

A store left by an earlier run of the same experiment is resumed (nothing is rerun); one
written by another version of the model or another definition is replaced.
"""

from __future__ import annotations

import argparse
import shutil
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from throughflow.analysis.problem import Declaration, SensitivityError, declaration_from_mapping
from throughflow.analysis.sensitivity import run_sensitivity
from throughflow.experiments.design import load_sweep, read_yaml_mapping
from throughflow.experiments.store import Store, StoreError
from throughflow.experiments.sweep import run_sweep
from throughflow.scenario import load_scenario, with_values

OUT = Path("results/demo-experiments")


@dataclass(frozen=True)
class Sizes:
    """Sizes of the reduced experiments (the shipped files' sizes are the full version).

    Attributes:
        targeting: Replications of ``sweeps/targeting_mix.yaml`` (full: 30). Its levels
            ``nobody`` and ``everyone`` are mentoring-to-NEC off and on at each qualification
            mix, so the brief also reads the qualification-mix section from it.
        ablation: Replications of ``sweeps/ablation.yaml`` (full: 30).
        story: Seeds per arm of ``sweeps/juul_kamin_seeds.yaml`` (full: 200).
        morris: Trajectories of the Morris screening ``sensitivity/mentoring_effect.yaml``,
            with the parameters grouped by model section (full: 20 trajectories over every
            parameter).
        cost: Trajectories of the cost screening ``sensitivity/mentoring_cost.yaml``, grouped
            the same way (full: 20 over every parameter).
    """

    targeting: int = 6
    ablation: int = 6
    story: int = 100
    morris: int = 6
    cost: int = 6


def shipped(relative: str) -> Path:
    """Path of a shipped scenario file (``sweeps/targeting.yaml``)."""
    return Path(str(resources.files("throughflow") / "scenarios" / relative))


SCREENINGS = ("mentoring_effect", "mentoring_cost")
"""The shipped Morris screenings the demo runs at reduced size: the mentoring effect, and the extra
cost and extra sustainable transitions over 5 years (the brief's cost across the declared uncertainty)."""


COST_MONTHS = 72
"""The shortest horizon of the cost screening under a horizon override: its outcomes need a cohort
followed for 5 years after arrival (those who arrived in the first 12 months)."""


def grouped_screening(
    n: int, base: dict[str, Any] | None = None, months: int | None = None, name: str = "mentoring_effect"
) -> Declaration:
    """A shipped Morris screening with ``n`` trajectories over the model sections.

    Args:
        n: Trajectories.
        base: Dotted values applied to every scenario of the declaration (tests: a smaller world).
        months: Horizon override.
        name: The declaration under ``scenarios/sensitivity/`` (one of :data:`SCREENINGS`).
    """
    path = shipped(f"sensitivity/{name}.yaml")
    data, _ = read_yaml_mapping(path, SensitivityError)
    data.update(groups="section", n=n)
    if base:
        data["base"] = with_values(load_scenario(path.parent / data["base"]), base).model_dump()
        for outcome in data["outcomes"]:
            for arm in ("treatment", "minus"):
                if arm in outcome:
                    outcome[arm] = with_values(load_scenario(path.parent / outcome[arm]), base).model_dump()
    if months is not None:
        data["months"] = months
    return declaration_from_mapping(data, where=str(path), base_dir=path.parent, text=yaml.safe_dump(data, sort_keys=True))


def _fresh(folder: Path, name: str) -> bool:
    """Whether ``folder`` may be (re)used for experiment ``name``: absent, or a store of that experiment."""
    if not folder.exists():
        return True
    manifest = folder / "manifest.json"
    return manifest.is_file() and f'"sweep": "{name}' in manifest.read_text(encoding="utf-8")


def _replace(folder: Path, name: str, reason: Exception) -> None:
    if not _fresh(folder, name):
        raise StoreError(f"{folder}: not a store of {name}; move it away or choose another --out")
    print(f"  {folder} holds an older run ({reason}); running it again")
    shutil.rmtree(folder)


def run_demo(
    out: Path = OUT,
    sizes: Sizes = Sizes(),
    workers: int | None = None,
    progress: bool = True,
    executor: str = "processes",
    base: dict[str, Any] | None = None,
    months: int | None = None,
) -> list[Path]:
    """Run the reduced experiments of the demo brief.

    Args:
        out: Folder of the stores (one sub-folder per experiment).
        sizes: Replications, seeds and trajectories.
        workers: Worker processes (default: all cores).
        progress: Show progress bars.
        executor: ``processes`` (default), ``serial`` or ``dask``.
        base: Dotted values applied to the base scenario of every experiment but the story (tests: a smaller world).
        months: Horizon of every experiment but the story (default: the scenarios'); the cost
            screening runs at least :data:`COST_MONTHS`.

    Returns:
        The store folders, for :func:`throughflow.brief.write_brief`.
    """
    out = Path(out)
    folders = []
    sweeps = (
        ("targeting_mix", sizes.targeting),
        ("ablation", sizes.ablation),
        ("juul_kamin_seeds", sizes.story),
    )
    for name, replications in sweeps:
        story = name == "juul_kamin_seeds"
        sweep = load_sweep(
            shipped(f"sweeps/{name}.yaml"),
            replications=replications,
            months=None if story else months,
            base_overrides=None if story else base,
        )
        folder = out / name
        started = time.perf_counter()
        print(f"{name}: {len(sweep.points())} design points x {replications} replications -> {folder}")
        for attempt in (0, 1):
            try:
                run_sweep(sweep, out=folder, executor=executor, workers=workers, resume=Store(folder).exists(), progress=progress)
                break
            except StoreError as exc:
                if attempt:
                    raise
                _replace(folder, sweep.name, exc)
        print(f"  done in {time.perf_counter() - started:.0f} s")
        folders.append(folder)
    for screening in SCREENINGS:
        at = months if months is None or screening != "mentoring_cost" else max(months, COST_MONTHS)
        declaration = grouped_screening(sizes.cost if screening == "mentoring_cost" else sizes.morris, base, at, screening)
        name = f"sensitivity-{declaration.name}-{declaration.method}-{declaration.n}"
        folder = out / name
        started = time.perf_counter()
        print(f"{name}: Morris screening, {declaration.n} trajectories -> {folder}")
        for attempt in (0, 1):
            try:
                run_sensitivity(
                    declaration, folder, executor=executor, workers=workers, resume=Store(folder).exists(), progress=progress
                )
                break
            except StoreError as exc:
                if attempt:
                    raise
                _replace(folder, name, exc)
        print(f"  done in {time.perf_counter() - started:.0f} s")
        folders.append(folder)
    return folders


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m throughflow.briefing.demo [--out DIR] [--workers N]``."""
    parser = argparse.ArgumentParser(prog="python -m throughflow.briefing.demo", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder of the stores (default {OUT})")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    args = parser.parse_args(argv)
    run_demo(args.out, workers=args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
