"""The results of a sensitivity analysis in ``docs/sensitivity.md``, written from its results folder.

``python -m throughflow.analysis.sensitivity_report results/sensitivity-mentoring_effect-morris-20
--write docs/sensitivity.md`` replaces the text between ``<!-- BEGIN MORRIS TABLES -->`` and
``<!-- END MORRIS TABLES -->`` (``SOBOL`` for a Sobol analysis) with: what was run (method,
sample size, parameters or groups, sample points, runs run and copied, CPU time, model
revision), the spread of every outcome over the sample, and per outcome the table of indices
with their bootstrap intervals and whether they converged. The reading of the results stays
prose written by hand next to the generated part. ``--block NAME`` writes between other markers
(``<!-- BEGIN NAME -->``), for a second analysis of the same method in one document.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from throughflow.documents import MarkerError, write_blocks

BLOCKS = {"morris": "MORRIS TABLES", "sobol": "SOBOL TABLES"}
"""The generated block of each method in the document."""
TOP = 10
"""Rows per outcome in a Morris table (the largest mu*)."""


class ReportError(ValueError):
    """A folder that is not a finished sensitivity analysis."""


@dataclass(frozen=True)
class Analysis:
    """The files of a finished sensitivity analysis's results folder.

    Attributes:
        manifest: The run's manifest (declaration, revision, replications).
        indices: The indices with their bootstrap intervals, per outcome.
        convergence: The indices' convergence over growing sample sizes.
        sample: The sample points with their outcomes (``Y:`` columns).
        runs: The run table (``same_as`` marks a row copied from the run it repeats).
    """

    manifest: dict[str, Any]
    indices: pd.DataFrame
    convergence: pd.DataFrame
    sample: pd.DataFrame
    runs: pd.DataFrame

    @classmethod
    def read(cls, folder: Path) -> Analysis:
        """Read ``folder``.

        Raises:
            ReportError: A file of a finished analysis is missing.
        """
        needed = ("manifest.json", "indices.parquet", "convergence.parquet", "sample.parquet", "runs.parquet")
        missing = [name for name in needed if not (folder / name).is_file()]
        if missing:
            raise ReportError(f"{folder}: not a finished sensitivity analysis (missing {', '.join(missing)})")
        return cls(
            manifest=json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
            indices=pd.read_parquet(folder / "indices.parquet"),
            convergence=pd.read_parquet(folder / "convergence.parquet"),
            sample=pd.read_parquet(folder / "sample.parquet"),
            runs=pd.read_parquet(folder / "runs.parquet"),
        )


def method_of(indices: pd.DataFrame) -> str:
    """``morris`` or ``sobol``, from the columns of the indices table."""
    return "morris" if "mu_star" in indices.columns else "sobol"


def _signed(x: float) -> str:
    return f"{x:+.3f}".replace("-", "−")


def _converged(row: pd.Series) -> str:
    if not bool(row["important"]):
        return "not important"
    return "no (wide interval)" if bool(row["flag"]) else "yes"


def run_summary(data: Analysis, method: str) -> str:
    """One paragraph: what was run, how many runs, their CPU time and the model revision."""
    indices, sample, runs, manifest = data.indices, data.sample, data.runs, data.manifest
    k = indices["name"].nunique()
    points = len(sample)
    ran = runs[runs["same_as"].fillna("") == ""] if "same_as" in runs.columns else runs  # empty: the run ran
    copied = len(runs) - len(ran)
    cpu = float(ran["wall_seconds"].sum()) / 60.0
    arms = runs["factor:arm"].nunique() if "factor:arm" in runs.columns else 1
    commit = str(manifest.get("git_commit") or "unknown")[:7]
    dirty = " (with uncommitted changes)" if manifest.get("git_dirty") else ""
    if method == "morris":
        design = f"Morris, {points // (k + 1)} trajectories over {k} parameters"
    else:
        design = f"Sobol (first and total order), N = {points // (k + 2)} base samples over {k} groups or parameters"
    return (
        f"{design}; {points:,} sample points × {arms} scenario(s) × {manifest.get('replications', 1)} "
        f"replication(s) = {len(runs):,} run-table rows, of which {len(ran):,} were run and {copied:,} copied from "
        f"the run they repeat; the runs took {cpu:.1f} CPU-minutes; model revision `{commit}`{dirty}."
    )


def outcome_spread(sample: pd.DataFrame) -> str:
    """Mean, 5-95 % and range of every outcome over the sample points."""
    lines = ["| outcome | mean | 5-95 % over the sample | range |", "|---|---:|---:|---:|"]
    for column in [c for c in sample.columns if c.startswith("Y:")]:
        y = sample[column].to_numpy(dtype=float)
        lines.append(
            f"| `{column[2:]}` | {_signed(float(np.mean(y)))} | {_signed(float(np.quantile(y, 0.05)))} to "
            f"{_signed(float(np.quantile(y, 0.95)))} | {_signed(float(y.min()))} to {_signed(float(y.max()))} |"
        )
    return "\n".join(lines)


def index_tables(indices: pd.DataFrame, convergence: pd.DataFrame, method: str) -> str:
    """Per outcome: the indices with their 95 % intervals and convergence at the full sample."""
    full = convergence[convergence["fraction"] == convergence["fraction"].max()].set_index(["outcome", "name"])
    parts = []
    for outcome, rows in indices.groupby("outcome", sort=False):
        status = {name: _converged(full.loc[(outcome, name)]) for name in rows["name"]}
        if method == "morris":
            rows = rows.sort_values("mu_star", ascending=False).head(TOP)
            head = f"**{outcome}** — the {min(TOP, len(rows))} largest μ\\*:"
            table = ["| parameter | μ\\* | 95 % interval | μ | σ | converged |", "|---|---:|---:|---:|---:|---|"]
            table += [
                f"| `{r.name}` | {r.mu_star:.4f} | ±{r.mu_star_conf:.4f} | {r.mu:+.4f} | {r.sigma:.4f} | {status[r.name]} |"
                for r in rows.itertuples()
            ]
        else:
            rows = rows.sort_values("ST", ascending=False)
            head = f"**{outcome}**"
            table = ["| group or parameter | S1 | 95 % interval | ST | 95 % interval | converged |"]
            table += ["|---|---:|---:|---:|---:|---|"]
            table += [
                f"| `{r.name}` | {r.S1:.3f} | ±{r.S1_conf:.3f} | {r.ST:.3f} | ±{r.ST_conf:.3f} | {status[r.name]} |"
                for r in rows.itertuples()
            ]
        parts.append(head + "\n\n" + "\n".join(table))
    return "\n\n".join(parts)


def markdown(folder: Path) -> str:
    """The generated part for the analysis in ``folder``."""
    data = Analysis.read(folder)
    indices, convergence, sample = data.indices, data.convergence, data.sample
    method = method_of(indices)
    return "\n\n".join(
        [
            run_summary(data, method),
            "Every outcome over the sample points:",
            outcome_spread(sample),
            index_tables(indices, convergence, method),
        ]
    )


def write(folder: Path, document: Path, block: str | None = None) -> str:
    """Replace a generated part of ``document`` with the analysis in ``folder``; return it.

    Args:
        folder: A finished sensitivity analysis's results folder.
        document: The Markdown document.
        block: The marker name of the part to replace (default: that of the analysis's
            method, ``MORRIS TABLES`` or ``SOBOL TABLES``), for a document that reports
            several analyses of one method.

    Raises:
        ReportError: A folder that is not a finished analysis.
        MarkerError: A document without the block's markers.
    """
    body = markdown(folder)
    write_blocks(document, {block or BLOCKS[method_of(pd.read_parquet(folder / "indices.parquet"))]: body})
    return body


def main(argv: list[str] | None = None) -> int:
    """``python -m throughflow.analysis.sensitivity_report FOLDER [--write docs/sensitivity.md [--block NAME]]``."""
    parser = argparse.ArgumentParser(description="Report a sensitivity analysis's results as Markdown.")
    parser.add_argument("folder", type=Path, help="results folder (throughflow sensitivity)")
    parser.add_argument("--write", type=Path, default=None, help="replace the generated part of this Markdown file")
    parser.add_argument(
        "--block", default=None, help="marker name of the part to replace (default: MORRIS TABLES or SOBOL TABLES)"
    )
    args = parser.parse_args(argv)
    try:
        body = write(args.folder, args.write, args.block) if args.write else markdown(args.folder)
    except (ReportError, MarkerError, OSError) as exc:
        print(f"error: {exc}")
        return 2
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
