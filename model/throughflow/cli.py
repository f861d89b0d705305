"""Command-line interface: ``throughflow run | trace | compare | sweep | summarize | sensitivity | brief | demo | params``.

Errors in scenario files are reported as one line naming the file and the key, with exit
code 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from throughflow import __version__
from throughflow.analysis.problem import SensitivityError, load_declaration
from throughflow.analysis.sensitivity import run_sensitivity
from throughflow.analysis.summary import summarize
from throughflow.analysis.tables import COMPACT, HEADLINE, compact, parameter_table
from throughflow.brief import write_brief
from throughflow.briefing.i18n import LANGS
from throughflow.experiments.compare import compare
from throughflow.experiments.design import SweepError, load_sweep
from throughflow.experiments.executors import EXECUTORS
from throughflow.experiments.outputs import write_run
from throughflow.experiments.run import RunResult, run
from throughflow.experiments.store import StoreError
from throughflow.experiments.sweep import run_sweep
from throughflow.model import ThroughflowModel
from throughflow.plots.sensitivity import all_figures
from throughflow.plots.summary import summary_figure
from throughflow.scenario import ScenarioError, load_scenario, parameters
from throughflow.trace import default_agent, narrate

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="throughflow",
        description="Refugees from art. 60 work experience into sustainable NEC jobs, with and without mentoring-to-NEC.",
    )
    parser.add_argument("--version", action="version", version=f"throughflow {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run one scenario and write its outputs", description="Run one scenario with one seed.")
    p.add_argument("scenario", help="scenario file (YAML) or shipped name, e.g. scenarios/mentoring.yaml or mentoring")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument("--months", type=int, default=None, help="horizon in months (default: the scenario's)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default results/<scenario>/seed-<seed>)")

    t = sub.add_parser(
        "trace", help="tell one refugee's trajectory in words", description="Tell one refugee's trajectory month by month."
    )
    t.add_argument("scenario", help="scenario file or shipped name (juul_kamin picks the story's refugee)")
    t.add_argument(
        "--agent", type=int, default=None, help="refugee id (default: the story's refugee, else the first who ended a contract)"
    )
    t.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    t.add_argument("--months", type=int, default=None, help="horizon in months (default: the scenario's)")

    d = sub.add_parser(
        "demo", help="baseline and mentoring side by side", description="Run baseline and mentoring with the same seed."
    )
    d.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    d.add_argument("--out", type=Path, default=Path("results/demo"), help="output folder (default results/demo)")

    c = sub.add_parser(
        "compare",
        help="paired comparison of two scenarios on common seeds",
        description="Run A and B on the same replication seeds; report means, paired differences with 95 %% intervals, R.",
    )
    c.add_argument("a", help="reference scenario (file or shipped name)")
    c.add_argument("b", help="compared scenario (file or shipped name)")
    c.add_argument("--replications", "-R", type=int, default=20, help="replication seeds shared by A and B (default 20)")
    c.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    c.add_argument("--months", type=int, default=None, help="horizon in months (default: the scenarios')")
    c.add_argument("--out", type=Path, default=None, help="output folder (default results/compare-A-vs-B)")
    _executor_args(c)

    w = sub.add_parser("sweep", help="run a sweep file into a results store", description="Run a sweep (resumable, parallel).")
    w.add_argument("sweep", type=Path, help="sweep file (YAML)")
    w.add_argument("--out", type=Path, default=None, help="results store (default results/<sweep name>)")
    w.add_argument("--resume", action="store_true", help="continue an existing store; reruns nothing that finished")
    _executor_args(w)
    _dedup_arg(w)

    m = sub.add_parser(
        "summarize",
        help="means, 95 %% intervals and paired differences of a store",
        description="Summarise a results store: the headline indicators per design point, compactly, and a figure "
        "(everything with --all).",
    )
    m.add_argument("store", type=Path, help="results folder of a sweep or comparison")
    m.add_argument("--factor", default=None, help="factor to compare against a reference level (e.g. mentoring)")
    m.add_argument("--reference", default=None, help="reference level of --factor (e.g. off)")
    m.add_argument("--indicator", action="append", default=None, help="only these indicators (repeatable)")
    m.add_argument("--group", default="all", choices=("all", "low", "medium", "high"), help="qualification group (default all)")
    m.add_argument("--all", dest="everything", action="store_true", help="print every indicator and group, one row each")
    m.add_argument("--out", type=Path, default=None, help="also write the full summary as CSV here")
    m.add_argument("--figure", type=Path, default=None, help="figure path without suffix (default STORE/summary: .png, .svg)")
    m.add_argument("--no-figure", dest="figure_off", action="store_true", help="do not write the figure")

    a = sub.add_parser(
        "sensitivity",
        help="Morris screening or Sobol indices (SALib) from a declaration",
        description="Global sensitivity analysis of a declaration in scenarios/sensitivity/ (resumable, parallel).",
    )
    a.add_argument("spec", type=Path, help="sensitivity declaration (YAML)")
    a.add_argument("--method", choices=("morris", "sobol"), default=None, help="override the declaration's method")
    a.add_argument("--n", type=int, default=None, help="Morris trajectories or Sobol base samples (power of two)")
    a.add_argument("--out", type=Path, default=None, help="results folder (default results/sensitivity-<name>-<method>-<n>)")
    a.add_argument("--resume", action="store_true", help="continue an interrupted analysis")
    _executor_args(a)
    _dedup_arg(a)

    b = sub.add_parser(
        "brief",
        help="write a policy brief from stored results",
        description="Write the policy brief from comparison, sweep, story and sensitivity stores (bottom line first, "
        "every number traceable; results below their declared minimum sizes marked as preliminary).",
    )
    b.add_argument(
        "results",
        type=Path,
        nargs="+",
        help="results folders (a comparison, sweeps, a sensitivity result) or a folder holding them",
    )
    b.add_argument("--out", type=Path, default=None, help="output folder (default results/brief)")
    b.add_argument("--format", choices=("md", "html", "pdf"), default="md", help="md (default), html or pdf")
    b.add_argument("--lang", choices=LANGS, default="en", help="language of the brief and its figures: en (default) or nl")

    r = sub.add_parser(
        "params",
        help="list every declared parameter",
        description="List the declared parameters: kind, default, unit, plausible range and description.",
    )
    r.add_argument("filter", nargs="?", default=None, help="only parameters whose name, description or unit contains this")
    r.add_argument("--kind", choices=("lever", "uncertainty", "setting"), default=None, help="only parameters of this kind")
    r.add_argument("--sources", action="store_true", help="add each parameter's source")
    return parser


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=EXECUTORS, default="processes", help="serial, processes (default) or dask")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--scheduler", default=None, help="address of a running dask scheduler (with --executor dask)")


def _dedup_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-dedup",
        dest="deduplicate",
        action="store_false",
        help="run every task, also those that repeat another run exactly (by default they copy its row)",
    )


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    started = datetime.now(UTC)
    result = run(scenario, seed=args.seed, months=args.months)
    out = args.out or Path("results") / scenario.name / f"seed-{args.seed}"
    write_run(result, out, started)
    print(result.headline().round(3).to_string())
    print(f"\nwrote {out}/ (summary.json, timeseries.parquet, events.parquet, scenario.yaml, manifest.json)")
    return 0


def _trace(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    model = ThroughflowModel(scenario, seed=args.seed, months=args.months).run()
    agent = args.agent if args.agent is not None else default_agent(model)
    print("\n".join(narrate(model, agent)))
    return 0


def _demo(args: argparse.Namespace) -> int:
    results: dict[str, RunResult] = {}
    for name in ("baseline", "mentoring"):
        started = datetime.now(UTC)
        results[name] = run(name, seed=args.seed)
        write_run(results[name], args.out / name, started)
    table = pd.concat({name: res.headline()["all"] for name, res in results.items()}, axis=1)
    table["difference"] = table["mentoring"] - table["baseline"]
    print(f"Headline indicators, all qualification groups, seed {args.seed}:\n")
    print(table.round(3).to_string())
    print(f"\nwrote {args.out}/baseline/ and {args.out}/mentoring/")
    return 0


def _compare(args: argparse.Namespace) -> int:
    if args.replications < 1:
        raise ValueError("--replications must be >= 1")
    result = compare(args.a, args.b, args.replications, args.seed, args.out, args.executor, args.workers, args.months)
    table = result["table"]
    headline = table[table["indicator"].isin(HEADLINE)]
    print(headline.round(3).to_string(index=False))
    cost = result["cost"]
    if not cost.empty:
        print("\ncost per extra sustainable NEC transition (EUR; negative = net saving):")
        print(
            cost[["group", "extra_cost_eur", "extra_transitions", "cost_per_transition", "ci_low", "ci_high"]]
            .round(0)
            .to_string(index=False)
        )
    print(
        f"\nwrote {result['out']}/ (comparison.csv, comparison.parquet, cost_effectiveness.csv, "
        "nec_entry_curves.png/.svg, runs.parquet)"
    )
    return 0


def _sweep(args: argparse.Namespace) -> int:
    sweep = load_sweep(args.sweep)
    runs = run_sweep(
        sweep,
        out=args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        deduplicate=args.deduplicate,
    )
    failed = int((runs["status"] != "ok").sum()) if len(runs) else 0
    print(f"{len(runs)} runs in {args.out or Path('results') / sweep.name} ({failed} failed)")
    return 0


def _summarize(args: argparse.Namespace) -> int:
    table = summarize(args.store, args.factor, args.reference)
    if args.indicator:
        table = table[table["indicator"].isin(args.indicator)]
    if args.out:
        table.to_csv(args.out, index=False)
    indicators = list(args.indicator or COMPACT)
    if args.everything:
        with pd.option_context("display.width", 200, "display.max_rows", None):
            print(table.round(4).to_string(index=False))
    else:
        short, units = compact(table, indicators, args.group)
        with pd.option_context("display.width", 250, "display.max_columns", None, "display.max_colwidth", 40):
            print(short.to_string(index=False))
        print(f"\n{units}. Other indicators: --indicator NAME; every indicator and group, one row each: --all.")
    if not args.figure_off:
        files = summary_figure(table, args.figure or Path(args.store) / "summary", indicators, args.group)
        print(f"figure: {', '.join(str(f) for f in files)}")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    declaration = load_declaration(args.spec, args.method, args.n)
    result = run_sensitivity(
        declaration, args.out, args.executor, args.workers, args.scheduler, args.resume, deduplicate=args.deduplicate
    )
    provenance = {"Title": f"sensitivity {declaration.name}", "Comment": f"{declaration.method} n={declaration.n}"}
    files = result["files"] + all_figures(result, declaration.method, result["out"], provenance)
    key = "mu_star" if declaration.method == "morris" else "ST"
    for outcome, table in result["indices"].groupby("outcome", sort=False):
        print(f"\n{outcome}: most influential ({key})")
        print(table.sort_values(key, ascending=False).head(8).round(4).to_string(index=False))
    flagged = result["convergence"]
    flagged = flagged[(flagged["fraction"] == 1.0) & flagged["flag"]]
    if len(flagged):
        print(f"\nwide intervals on important indices (not yet converged): {', '.join(sorted(set(flagged['name'])))}")
    print(f"\nwrote {result['out']}/ ({len(files)} files: indices, convergence, sample, figures/)")
    return 0


def _brief(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.results if not p.exists()]
    if missing:
        raise ValueError(f"{missing[0]}: no such results folder")
    path = write_brief(list(args.results), args.out or Path("results/brief"), args.format, lang=args.lang)
    print(f"wrote the policy brief: {path} (numbers and their sources: {path.parent / 'brief_numbers.json'})")
    return 0


def _params(args: argparse.Namespace) -> int:
    print(parameter_table(parameters(), args.filter, args.kind, args.sources))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Exit code: 0 on success, 2 on a bad scenario or bad arguments.
    """
    args = _parser().parse_args(argv)
    commands = {
        "run": _run,
        "trace": _trace,
        "demo": _demo,
        "compare": _compare,
        "sweep": _sweep,
        "summarize": _summarize,
        "sensitivity": _sensitivity,
        "brief": _brief,
        "params": _params,
    }
    try:
        return commands[args.command](args)
    except (ScenarioError, SweepError, StoreError, SensitivityError, ValueError) as exc:
        print(f"throughflow: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("throughflow: interrupted; finished runs are kept (use --resume to continue)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
