"""The ABC-SMC calibration in ``docs/calibration.md``, written from a calibration store.

``python -m throughflow.analysis.abc_report results/calibration-baseline --write docs/calibration.md``
replaces the text between ``<!-- BEGIN ABC -->`` and ``<!-- END ABC -->`` with: what was run
(declaration, particles, generations, simulations, wall time, thresholds), the posterior of
every fitted parameter against its prior, the posterior-predictive check of every target and
evaluation, and the figures (copied next to the document).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from throughflow.analysis.abc import weighted_quantile
from throughflow.documents import MarkerError, replace_text, splice
from throughflow.scenario import parameters

FIGURES = ("marginals", "predictive")


class ReportError(ValueError):
    """A folder that is not a finished calibration."""


def _read(store: Path) -> dict[str, object]:
    needed = ("manifest.json", "posterior.parquet", "predictive.csv", "generations.csv", "point.json")
    missing = [name for name in needed if not (store / name).is_file()]
    if missing:
        raise ReportError(f"{store}: not a finished calibration (missing {', '.join(missing)})")
    return {
        "manifest": json.loads((store / "manifest.json").read_text(encoding="utf-8")),
        "posterior": pd.read_parquet(store / "posterior.parquet"),
        "predictive": pd.read_csv(store / "predictive.csv"),
        "generations": pd.read_csv(store / "generations.csv"),
        "point": json.loads((store / "point.json").read_text(encoding="utf-8")),
    }


def wall_time(store: Path, generations: pd.DataFrame) -> float | None:
    """Seconds the calibration ran: the sum of its generations' wall times (None if unknown).

    A resumed calibration's pauses between runs are not counted. Without per-generation
    times (an older store), the time from the calibration's start to its last generation.
    """
    if "wall_time" in generations.columns and generations["wall_time"].notna().all():
        return float(generations["wall_time"].sum())
    try:
        with sqlite3.connect(f"file:{store / 'history.db'}?mode=ro", uri=True) as con:
            start = con.execute("select start_time from abc_smc order by id limit 1").fetchone()[0]
    except (sqlite3.Error, TypeError):
        return None
    end = pd.to_datetime(generations["population_end_time"]).max()
    return float((end - pd.Timestamp(datetime.fromisoformat(str(start)))).total_seconds())


def posterior_table(posterior: pd.DataFrame, priors: dict[str, list[float]], point: dict[str, float]) -> pd.DataFrame:
    """Per fitted parameter: prior range, weighted median (the shipped value), 5-95 % and the narrowing."""
    weights = posterior["weight"].to_numpy(dtype=float)
    declared = {p.name: p for p in parameters()}
    rows = []
    for name, (low, high) in priors.items():
        values = posterior[name].to_numpy(dtype=float)
        q05, q95 = (weighted_quantile(values, weights, q) for q in (0.05, 0.95))
        rows.append(
            {
                "parameter": name,
                "unit": declared[name].unit if name in declared else "",
                "prior_low": low,
                "prior_high": high,
                "median": point[name],
                "q05": q05,
                "q95": q95,
                "width_share": (q95 - q05) / (0.9 * (high - low)) if high > low else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _g(x: float) -> str:
    return f"{x:.3g}"


def markdown(store: Path, figures: str) -> str:
    """The generated part of the calibration document."""
    data = _read(store)
    manifest, generations = data["manifest"], data["generations"]
    assert isinstance(manifest, dict) and isinstance(generations, pd.DataFrame)
    posterior, predictive, point = data["posterior"], data["predictive"], data["point"]
    assert isinstance(posterior, pd.DataFrame) and isinstance(predictive, pd.DataFrame) and isinstance(point, dict)
    done = generations[generations["t"] >= 0]
    simulations = int(generations["samples"].sum())
    seconds = wall_time(store, generations)
    took = f"{seconds / 60:.0f} minutes" if seconds is not None else "an unrecorded time"
    eps = ", ".join(_g(e) for e in done["epsilon"])
    weights = posterior["weight"].to_numpy(dtype=float)
    ess = float(weights.sum() ** 2 / (weights**2).sum())
    lines = [
        f"_Calibration `{manifest['name']}` (declaration hash `{manifest['declaration_hash']}`): "
        f"{manifest['population']} particles, {len(done)} generations after a calibration sample, "
        f"{simulations:,} simulated particles (each runs every scenario its targets are observed in), "
        f"{manifest.get('replications', 1)} replication per particle, executor `{manifest.get('executor')}`; "
        f"{took} of wall time on 2 cores. Thresholds (scaled distance) by generation: {eps}; "
        f"effective sample size of the final weights {ess:.1f} of {len(posterior)} particles._",
        "",
        "### Posterior of the fitted parameters",
        "",
        "Priors are uniform over each parameter's declared plausible range. The shipped value "
        "(`scenarios/calibrated.yaml`) is the posterior's weighted median. *Width* is the 90 % "
        "posterior interval as a share of the prior's 90 % interval: near 1, the targets say little "
        "about the parameter; small, they pin it down.",
        "",
        "| parameter | unit | prior | shipped value (median) | 90 % posterior interval | width |",
        "|---|---|---|---|---|---|",
    ]
    table = posterior_table(posterior, manifest["parameters"], point)
    for p in table.to_dict("records"):
        lines.append(
            f"| `{p['parameter']}` | {p['unit']} | {_g(p['prior_low'])}-{_g(p['prior_high'])} | {_g(p['median'])} | "
            f"{_g(p['q05'])}-{_g(p['q95'])} | {p['width_share']:.2f} |"
        )
    draws = int(predictive["draws"].max()) if "draws" in predictive else 0
    lines += [
        "",
        "### Posterior-predictive check",
        "",
        f"{draws} parameter sets drawn from the posterior by weight, each simulated on a new seed; "
        "*within*: the predictive mean lies inside the published range. Evaluations are effects "
        "in percentage points of a randomised offer inside the run (`throughflow trial`).",
        "",
        "| target | kind | published (range) | predictive mean | 90 % predictive band | within | scenario / indicator |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in predictive.to_dict("records"):
        scale = 100.0 if r["kind"] == "evidence" else 1.0
        v = {k: f"{float(r[k]) * scale:{'.1f' if scale > 1 else '.3f'}}" for k in ("value", "low", "high", "mean", "q05", "q95")}
        if not r["within"] and v["mean"] in (v["low"], v["high"]):  # outside by less than the rounding: show it
            v["mean"] = f"{float(r['mean']) * scale:{'.3f' if scale > 1 else '.5f'}}"
        lines.append(
            f"| {r['target']} | {r['kind']} | {v['value']} ({v['low']} to {v['high']}) | {v['mean']} | "
            f"{v['q05']} to {v['q95']} | {'yes' if r['within'] else 'NO'} | {r['scenario']} / `{r['indicator']}` |"
        )
    lines += [
        "",
        f"![Prior (line) and posterior (bars) of each fitted parameter]({figures}/marginals.png)",
        "",
        f"![Posterior-predictive mean and 90 % band against each published range]({figures}/predictive.png)",
    ]
    return "\n".join(lines)


def write(store: Path, document: Path, figures: Path | None = None) -> str:
    """Write the generated part into ``document`` and copy the figures beside it.

    Args:
        store: A finished calibration store (``throughflow calibrate``).
        document: The Markdown document with the ``BEGIN ABC``/``END ABC`` markers.
        figures: Folder for the figures (default: ``figures/calibration`` next to the document).

    Returns:
        The generated Markdown.

    Raises:
        ReportError: A store that is not a finished calibration.
        MarkerError: A document without the ``ABC`` markers (checked before any figure is copied).
    """
    text = document.read_text(encoding="utf-8")
    splice(text, "ABC", "", document)  # raises before anything is written
    figures = figures or document.parent / "figures" / "calibration"
    body = markdown(store, figures.relative_to(document.parent).as_posix())
    figures.mkdir(parents=True, exist_ok=True)
    for name in FIGURES:
        for suffix in (".png", ".svg"):
            source = store / f"{name}{suffix}"
            if source.is_file():
                shutil.copyfile(source, figures / source.name)
    replace_text(document, splice(text, "ABC", body, document))
    return body


def main(argv: list[str] | None = None) -> int:
    """``python -m throughflow.analysis.abc_report STORE [--write docs/calibration.md]``."""
    parser = argparse.ArgumentParser(description="Report an ABC-SMC calibration store as Markdown.")
    parser.add_argument("store", type=Path, help="calibration results folder (throughflow calibrate)")
    parser.add_argument("--write", type=Path, default=None, help="replace the ABC part of this Markdown file")
    args = parser.parse_args(argv)
    try:
        body = write(args.store, args.write) if args.write else markdown(args.store, "figures/calibration")
    except (ReportError, MarkerError) as exc:
        print(f"error: {exc}")
        return 2
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
