"""Command-line interface: ``throughflow COMMAND``, one function per command (run, trace, compare, sweep, trial, …).

Errors are one line naming the file, key, value or path, never a traceback. Exit codes:

* 0 — done;
* 1 — the command ran but did not succeed: some runs failed (their errors are in the
  store), an output could not be written (disk full), the Dask cluster was lost;
* 2 — bad input (arguments, scenario, sweep or declaration files, a store that cannot be
  used as asked); nothing is written;
* 130 / 143 — stopped by Ctrl-C (SIGINT) / SIGTERM.

The first Ctrl-C or SIGTERM stops the command cleanly: runs stop, finished runs are kept in
the store, worker processes are ended, and the same command with ``--resume`` (a
comparison: the same command) continues. A second one exits at once.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from throughflow import __version__
from throughflow.commands import add_app_parser, add_set_arg, app
from throughflow.experiments import interrupts
from throughflow.experiments.options import executor_names
from throughflow.limits import MAX_MONTHS, MAX_REPLICATIONS, MAX_SEED, MAX_SENSITIVITY_N, MAX_WORKERS

if TYPE_CHECKING:
    from throughflow.experiments.options import ExecutorOptions
    from throughflow.experiments.posterior import Posterior

EXIT_FAILED = 1
EXIT_USAGE = 2
RESULTS = Path("results")
QUIET_TRACKER = "ignore::UserWarning:multiprocessing.resource_tracker"


class UsageError(ValueError):
    """Bad arguments: one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``throughflow run: error: ...``), not the usage text."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog.removeprefix('throughflow').strip() or 'arguments'}: {message} (see --help)")


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be an integer from {low:,} to {high:,} (got {text!r})")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"must be a number of seconds from 1 to 86400 (got {text!r})")
    return value


MONTHS = _integer(1, MAX_MONTHS)
SEED = _integer(0, MAX_SEED)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="throughflow",
        description="Refugees from art. 60 work experience into sustainable NEC jobs, with and without mentoring-to-NEC.",
    )
    parser.add_argument("--version", action="version", version=f"throughflow {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run one scenario and write its outputs", description="Run one scenario with one seed.")
    p.add_argument("scenario", help="scenario file (YAML) or shipped name, e.g. scenarios/mentoring.yaml or mentoring")
    p.add_argument("--seed", type=SEED, default=0, help="root seed (default 0)")
    p.add_argument("--months", type=MONTHS, default=None, help=f"horizon in months, 1-{MAX_MONTHS} (default: the scenario's)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default results/<scenario>/seed-<seed>)")
    add_set_arg(p)

    t = sub.add_parser(
        "trace", help="tell one refugee's trajectory in words", description="Tell one refugee's trajectory month by month."
    )
    t.add_argument("scenario", help="scenario file or shipped name (juul_kamin picks the story's refugee)")
    t.add_argument(
        "--agent",
        type=_integer(0, 2**31 - 1),
        default=None,
        help="refugee id (default: the story's refugee, else the first who ended a contract)",
    )
    t.add_argument("--seed", type=SEED, default=0, help="root seed (default 0)")
    t.add_argument("--months", type=MONTHS, default=None, help=f"horizon in months, 1-{MAX_MONTHS} (default: the scenario's)")

    d = sub.add_parser(
        "demo", help="baseline and mentoring side by side", description="Run baseline and mentoring with the same seed."
    )
    d.add_argument("--seed", type=SEED, default=0, help="root seed (default 0)")
    d.add_argument("--out", type=Path, default=Path("results/demo"), help="output folder (default results/demo)")

    c = sub.add_parser(
        "compare",
        help="paired comparison of two scenarios on common seeds",
        description="Run A and B on the same replication seeds; report means, paired differences with 95 %% intervals, R. "
        "Running the same comparison again continues its store.",
    )
    c.add_argument("a", help="reference scenario (file or shipped name)")
    c.add_argument("b", help="compared scenario (file or shipped name)")
    c.add_argument(
        "--replications",
        "-R",
        type=_integer(1, MAX_REPLICATIONS),
        default=20,
        help=f"replication seeds shared by A and B, 1-{MAX_REPLICATIONS:,} (default 20)",
    )
    c.add_argument("--seed", type=SEED, default=0, help="root seed (default 0)")
    c.add_argument("--months", type=MONTHS, default=None, help=f"horizon in months, 1-{MAX_MONTHS} (default: the scenarios')")
    c.add_argument("--out", type=Path, default=None, help="output folder (default results/compare-A-vs-B)")
    _posterior_arg(c)
    add_set_arg(c)
    _executor_args(c)
    _code_change_arg(c)

    w = sub.add_parser("sweep", help="run a sweep file into a results store", description="Run a sweep (resumable, parallel).")
    w.add_argument("sweep", type=Path, help="sweep file (YAML)")
    w.add_argument("--out", type=Path, default=None, help="results store (default results/<sweep name>)")
    w.add_argument("--resume", action="store_true", help="continue an existing store; reruns nothing that finished")
    _posterior_arg(w)
    add_set_arg(w)
    _executor_args(w)
    _dedup_arg(w)
    _code_change_arg(w)

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
    m.add_argument("--out", type=Path, default=None, help="also write the full summary as CSV to this file")
    m.add_argument("--figure", type=Path, default=None, help="figure path without suffix (default STORE/summary: .png, .svg)")
    m.add_argument("--no-figure", dest="figure_off", action="store_true", help="do not write the figure")

    a = sub.add_parser(
        "sensitivity",
        help="Morris screening or Sobol indices (SALib) from a declaration",
        description="Global sensitivity analysis of a declaration in scenarios/sensitivity/ (resumable, parallel).",
    )
    a.add_argument("spec", type=Path, help="sensitivity declaration (YAML)")
    a.add_argument("--method", choices=("morris", "sobol"), default=None, help="override the declaration's method")
    a.add_argument(
        "--n",
        type=_integer(2, MAX_SENSITIVITY_N),
        default=None,
        help=f"Morris trajectories or Sobol base samples (a power of two), 2-{MAX_SENSITIVITY_N:,}",
    )
    a.add_argument("--out", type=Path, default=None, help="results folder (default results/sensitivity-<name>-<method>-<n>)")
    a.add_argument("--resume", action="store_true", help="continue an interrupted analysis")
    _executor_args(a)
    _dedup_arg(a)
    _code_change_arg(a)

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
    b.add_argument("--lang", choices=("en", "nl"), default="en", help="language of the brief and its figures: en (default) or nl")

    tr = sub.add_parser(
        "trial",
        help="evaluation-style virtual trial: randomised offer, ITT and TOT effects",
        description="Run one or more trial arms (scenarios with mentoring.trial.enabled) on common seeds; report the "
        "intention-to-treat and treatment-on-the-treated effects at 6, 12 and 24 months after the offer.",
    )
    tr.add_argument("arms", nargs="+", help="trial scenarios, e.g. trials/job_search trials/friendship")
    tr.add_argument(
        "--replications", "-R", type=_integer(2, MAX_REPLICATIONS), default=20, help="replication seeds per arm (default 20)"
    )
    tr.add_argument("--seed", type=_integer(0, MAX_SEED), default=0, help="root seed (default 0)")
    tr.add_argument("--months", type=_integer(1, MAX_MONTHS), default=None, help="horizon in months (default: the scenarios')")
    tr.add_argument("--out", type=Path, default=None, help="output folder (default results/trial-<arms>)")
    _posterior_arg(tr)
    _executor_args(tr)
    _code_change_arg(tr)

    cal = sub.add_parser(
        "calibrate",
        help="fit parameters to the published figures by ABC-SMC (pyabc); resumable",
        description="Calibrate by ABC-SMC from a declaration in scenarios/calibration/; write the posterior, a "
        "posterior-predictive check and figures; --apply writes the posterior medians into the shipped scenarios.",
    )
    cal.add_argument("declaration", type=Path, help="calibration declaration (YAML), e.g. scenarios/calibration/baseline.yaml")
    cal.add_argument("--quick", action="store_true", help="the declaration's quick sizes (a check of the pipeline)")
    cal.add_argument("--out", type=Path, default=None, help="results folder (default results/calibration-<name>)")
    cal.add_argument("--apply", action="store_true", help="write the posterior's weighted medians to scenarios/calibrated.yaml")
    _executor_args(cal)

    r = sub.add_parser(
        "params",
        help="list every declared parameter",
        description="List the declared parameters: kind, default, unit, plausible range and description.",
    )
    r.add_argument("filter", nargs="?", default=None, help="only parameters whose name, description or unit contains this")
    r.add_argument("--kind", choices=("lever", "uncertainty", "setting"), default=None, help="only parameters of this kind")
    r.add_argument("--sources", action="store_true", help="add each parameter's source")
    add_app_parser(sub)
    return parser


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--executor",
        choices=executor_names(),
        default=None,
        help="serial, processes (default) or dask (the default with --scheduler)",
    )
    p.add_argument(
        "--workers", type=_integer(1, MAX_WORKERS), default=None, help=f"worker processes, 1-{MAX_WORKERS} (default: all cores)"
    )
    p.add_argument("--scheduler", default=None, help="address of a running Dask scheduler, e.g. tcp://host:8786 (implies dask)")
    p.add_argument(
        "--dask-timeout",
        type=_seconds,
        default=120.0,
        help="seconds a Dask cluster may be unreachable or without workers before the command stops (default 120)",
    )


def _dedup_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-dedup",
        dest="deduplicate",
        action="store_false",
        help="run every task, also those that repeat another run exactly (by default they copy its row)",
    )


def _posterior_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--posterior",
        type=Path,
        default=None,
        metavar="STORE",
        help="calibration results folder: also run with one posterior parameter set per replication (same in every arm) "
        "into OUT/posterior/ and report the parameter-plus-seed band (5-95 %%) beside the seed-only interval",
    )


def _posterior(args: argparse.Namespace) -> Posterior | None:
    """The ``--posterior`` store, read before anything is written (a bad one exits 2)."""
    if args.posterior is None:
        return None
    from throughflow.experiments.posterior import load_posterior

    return load_posterior(args.posterior)


def _code_change_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-code-change",
        action="store_true",
        help="continue a store written by other model code (recorded in its manifest); refused by default",
    )


def _options(args: argparse.Namespace) -> ExecutorOptions:
    from throughflow.experiments.options import ExecutorOptions

    executor = args.executor or ("dask" if args.scheduler else "processes")
    if args.scheduler and executor != "dask":
        raise UsageError(f"--scheduler needs --executor dask (got --executor {executor})")
    return ExecutorOptions(executor=executor, workers=args.workers, scheduler=args.scheduler, timeout=args.dask_timeout)


def _check_out(path: Path | None) -> None:
    """Refuse an output folder that is an existing file (nothing is written)."""
    if path is not None and path.exists() and not path.is_dir():
        raise UsageError(f"--out {path}: exists and is not a folder")


def _prepare_out(path: Path) -> Path:
    """Create an output folder, or refuse one that cannot be written (one line)."""
    from throughflow.experiments.outputs import describe

    _check_out(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".throughflow-write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot write there ({describe(exc)})") from None
    return path


def _run(args: argparse.Namespace) -> int:
    from throughflow.commands import with_set
    from throughflow.scenario import check_horizon, load_scenario

    scenario = with_set(load_scenario(args.scenario), args)
    check_horizon(scenario, args.months, f"{args.scenario} (--months {args.months})")
    out = _prepare_out(args.out or RESULTS / scenario.name / f"seed-{args.seed}")
    from throughflow.experiments.outputs import write_run
    from throughflow.experiments.run import run

    started = datetime.now(UTC)
    result = run(scenario, seed=args.seed, months=args.months)
    write_run(result, out, started)
    table = result.headline()
    print(table.round(3).to_string())
    _note_horizon(list(table.index), args.months or scenario.months)
    print(f"\nwrote {out}/ (summary.json, timeseries.parquet, events.parquet, scenario.yaml, manifest.json)")
    return 0


def _note_horizon(indicators: Sequence[str], months: int) -> None:
    """Say on stderr which of the printed indicators the horizon leaves empty (their rows are NaN)."""
    from throughflow.outcomes import horizon_note

    note = horizon_note(indicators, months)
    if note:
        print(note, file=sys.stderr)


def _trace(args: argparse.Namespace) -> int:
    from throughflow.scenario import check_horizon, load_scenario

    scenario = load_scenario(args.scenario)
    check_horizon(scenario, args.months, f"{args.scenario} (--months {args.months})")
    from throughflow.model import ThroughflowModel
    from throughflow.trace import default_agent, narrate

    model = ThroughflowModel(scenario, seed=args.seed, months=args.months).run()
    agent = args.agent if args.agent is not None else default_agent(model)
    print("\n".join(narrate(model, agent)))
    return 0


def _demo(args: argparse.Namespace) -> int:
    import pandas as pd

    from throughflow.experiments.outputs import write_run
    from throughflow.experiments.run import RunResult, run

    out = _prepare_out(args.out)
    results: dict[str, RunResult] = {}
    for name in ("baseline", "mentoring"):
        started = datetime.now(UTC)
        results[name] = run(name, seed=args.seed)
        write_run(results[name], out / name, started)
    table = pd.concat({name: res.headline()["all"] for name, res in results.items()}, axis=1)
    table["difference"] = table["mentoring"] - table["baseline"]
    print(f"Headline indicators, all qualification groups, seed {args.seed}:\n")
    print(table.round(3).to_string())
    print(f"\nwrote {out}/baseline/ and {out}/mentoring/")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from throughflow.commands import with_set
    from throughflow.experiments.compare import FACTOR, comparison_sweep
    from throughflow.scenario import load_scenario

    options = _options(args)
    a, b = (with_set(load_scenario(s), args) for s in (args.a, args.b))
    sweep = comparison_sweep(a, b, args.replications, args.seed, args.months)
    posterior = _posterior(args)
    out = _prepare_out(args.out or RESULTS / sweep.name)
    import pandas as pd

    from throughflow.analysis.comparison import compare
    from throughflow.plots.curves import entry_curves

    result = compare(
        a,
        b,
        args.replications,
        args.seed,
        out,
        options,
        args.months,
        allow_code_change=args.allow_code_change,
        posterior=posterior,
    )
    label_a, label_b = result["labels"]
    provenance = {"Title": f"{label_b} vs {label_a}", "Comment": f"R={args.replications}, seed={args.seed}, store={out}"}
    entry_curves(result["runs"], FACTOR, out / "nec_entry_curves", provenance)
    from throughflow.outcomes import HEADLINE

    table = result["table"]
    headline = table[table["indicator"].isin(HEADLINE)]
    with pd.option_context("display.width", 250):
        if args.posterior:
            print("diff: B - A at the calibrated values, ci: its 95 % interval over seeds (seed noise only);")
            print("diff_posterior: B - A over posterior draws, band: their 5-95 % (parameter plus seed uncertainty)\n")
        print(headline.round(3).to_string(index=False))
        _note_horizon(HEADLINE, args.months or min(a.months, b.months))
        horizons = result["horizons"]
        if not horizons.empty:
            print("\npublic cost per extra sustainable NEC transition and per extra employed year, by years after arrival")
            print("(EUR, discounted; negative = net saving; each horizon on the refugees followed that long):")
            view = horizons[horizons["group"] == "all"].assign(years=lambda t: t["horizon_months"] // 12)
            columns = ["years", "cohort", "extra_transitions", "cost_per_transition", "ci_low", "ci_high"]
            columns += ["band_low", "band_high"] if args.posterior else []
            print(view[[*columns, "cost_per_employed_year"]].round(0).to_string(index=False))
    print(
        f"\nwrote {out}/ (comparison.csv, comparison.parquet, cost_effectiveness.csv, cost_by_horizon.csv, "
        f"nec_entry_curves.png/.svg, runs.parquet{', posterior/' if args.posterior else ''})"
    )
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from throughflow.commands import sweep_with_set

    options = _options(args)
    sweep = sweep_with_set(args.sweep, args)
    posterior = _posterior(args)
    out = _prepare_out(args.out or RESULTS / sweep.name)
    from throughflow.experiments.sweep import failures, run_sweep

    runs = run_sweep(
        sweep,
        out=out,
        options=options,
        resume=args.resume,
        deduplicate=args.deduplicate,
        allow_code_change=args.allow_code_change,
    )
    problem = failures(runs, out)
    failed = int((runs["status"] != "ok").sum()) if len(runs) else 0
    print(f"{len(runs)} runs in {out} ({failed} failed)")
    if posterior is not None and not problem:
        from throughflow.experiments.posterior import SUBFOLDER
        from throughflow.experiments.store import Store

        where = out / SUBFOLDER
        with Store(where).lock():
            runs = run_sweep(
                sweep.with_posterior(posterior),
                out=where,
                options=options,
                resume=Store(where).exists(),
                deduplicate=args.deduplicate,
                allow_code_change=args.allow_code_change,
            )
        problem = failures(runs, where)
        print(f"{len(runs)} runs with posterior draws in {where} ({int((runs['status'] != 'ok').sum())} failed)")
    if problem:
        print(f"throughflow: error: {problem}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def _summarize(args: argparse.Namespace) -> int:
    import pandas as pd

    from throughflow.analysis.summary import summarize
    from throughflow.analysis.tables import COMPACT, compact
    from throughflow.experiments.outputs import atomic_write

    if args.out is not None and args.out.is_dir():
        raise UsageError(f"--out {args.out}: is a folder; give the CSV file to write")
    table = summarize(args.store, args.factor, args.reference)
    if args.indicator:
        table = table[table["indicator"].isin(args.indicator)]
    if args.out:
        atomic_write(args.out, lambda p: table.to_csv(p, index=False))
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
        from throughflow.plots.summary import summary_figure

        files = summary_figure(table, args.figure or Path(args.store) / "summary", indicators, args.group)
        print(f"figure: {', '.join(str(f) for f in files)}")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from throughflow.analysis.problem import load_declaration

    options = _options(args)
    declaration = load_declaration(args.spec, args.method, args.n)
    out = _prepare_out(args.out or RESULTS / f"sensitivity-{declaration.name}-{declaration.method}-{declaration.n}")
    from throughflow.analysis.sensitivity import run_sensitivity
    from throughflow.plots.sensitivity import all_figures

    result = run_sensitivity(
        declaration,
        out,
        options,
        resume=args.resume,
        deduplicate=args.deduplicate,
        allow_code_change=args.allow_code_change,
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
    from throughflow.brief import write_brief
    from throughflow.briefing.inputs import find_inputs

    _check_out(args.out)
    missing = [str(p) for p in args.results if not p.is_dir()]
    if missing:
        raise UsageError(f"{missing[0]}: no such results folder")
    inputs = find_inputs(list(args.results))
    if not inputs.all():
        names = ", ".join(str(p) for p in args.results)
        reason = f" ({inputs.ignored[0][0]}: {inputs.ignored[0][1]})" if inputs.ignored else ""
        raise UsageError(
            f"{names}: no results to write a brief from: expected comparison, sweep or sensitivity stores, "
            f"or a folder holding them{reason}"
        )
    out = _prepare_out(args.out or RESULTS / "brief")
    path = write_brief(list(args.results), out, args.format, lang=args.lang)
    print(f"wrote the policy brief: {path} (numbers and their sources: {path.parent / 'brief_numbers.json'})")
    return 0


def _params(args: argparse.Namespace) -> int:
    from throughflow.analysis.tables import parameter_table
    from throughflow.scenario import parameters

    print(parameter_table(parameters(), args.filter, args.kind, args.sources))
    return 0


def _trial(args: argparse.Namespace) -> int:
    from throughflow.scenario import load_scenario

    options = _options(args)
    arms = [load_scenario(arm) for arm in args.arms]
    from throughflow.analysis.trial import run_trial, trial_sweep

    posterior = _posterior(args)
    out = _prepare_out(args.out or RESULTS / trial_sweep(arms, args.replications, args.seed, args.months).name)
    from throughflow.experiments.outputs import atomic_write
    from throughflow.plots.trial import trial_effects

    result = run_trial(arms, args.replications, args.seed, out, args.months, options=options, posterior=posterior)
    table = result["table"]
    atomic_write(out / "trial.csv", lambda p: table.to_csv(p, index=False))
    files = trial_effects(table, out / "trial_effects", provenance={"Title": "virtual trial", "Comment": str(out)})
    columns = ["arm", "measure", "months", "itt", "itt_ci_low", "itt_ci_high", "take_up", "tot"]
    columns += ["itt_band_low", "itt_band_high"] if args.posterior else []
    view = table[(table["group"] == "all")][columns]
    print("effect of the offer (percentage points; ITT = everyone offered vs control, TOT = ITT / take-up):")
    if args.posterior:
        print("ci: 95 % interval over seeds at the calibrated values; band: 5-95 % over posterior draws")
    shown = view.assign(**{c: 100 * view[c] for c in columns if c.startswith(("itt", "tot"))})
    print(shown.round(1).to_string(index=False))
    print(f"\nwrote {out}/ (trial.csv, {', '.join(f.name for f in files)}, runs.parquet)")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from throughflow.analysis.abc import apply_point, calibrate, load_declaration

    options = _options(args)
    declaration = load_declaration(args.declaration)
    out = _prepare_out(args.out or RESULTS / f"calibration-{declaration.name}{'-quick' if args.quick else ''}")
    from throughflow.plots.calibration import marginals, predictive
    from throughflow.scenario import SHIPPED_DIR

    result = calibrate(
        args.declaration,
        out=out,
        quick=args.quick,
        executor=options.executor,
        workers=options.workers,
        scheduler=options.scheduler,
    )
    table = result["predictive"]
    files = marginals(result["posterior"], result["declaration"].parameters, out / "marginals")
    files += predictive(table, out / "predictive")
    print("posterior-predictive check (mean and 90 % band of the model against each published range):")
    print(table[["target", "low", "high", "mean", "q05", "q95", "within"]].round(3).to_string(index=False))
    print("\nposterior medians:", ", ".join(f"{k} = {v:g}" for k, v in result["point"].items()))
    if args.apply:
        print(f"\nwrote {apply_point(result['point'], str(out), SHIPPED_DIR)}")
    print(f"\nwrote {out}/ (posterior.parquet, point.json, predictive.csv, generations.csv, {', '.join(f.name for f in files)})")
    return 0 if table["within"].all() else EXIT_FAILED


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "app": app,
    "run": _run,
    "trace": _trace,
    "demo": _demo,
    "compare": _compare,
    "sweep": _sweep,
    "summarize": _summarize,
    "sensitivity": _sensitivity,
    "brief": _brief,
    "params": _params,
    "trial": _trial,
    "calibrate": _calibrate,
}


def _kill_workers() -> None:
    executors = sys.modules.get("throughflow.experiments.executors")
    if executors is not None:
        executors.kill_workers()


def _error(message: str) -> None:
    print(f"throughflow: error: {message}".replace("\n", " "), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Exit code: 0 on success, 1 when runs failed or an output could not be written, 2
        on bad input, 130 or 143 when interrupted (see the module docstring).
    """
    try:
        args = _parser().parse_args(argv)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_USAGE
    if argv is None and QUIET_TRACKER not in sys.warnoptions:
        # after a kill or a second Ctrl-C, multiprocessing's helper process would warn about the
        # pool's semaphores, which the system frees anyway; the helper takes its -W options from here
        sys.warnoptions.append(QUIET_TRACKER)
    # as the program itself (no argv given), a signal while the process exits still ends it at once
    with interrupts.stopping_on_signals(hard_exit=True, on_hard_exit=_kill_workers, restore=argv is not None):
        try:
            return COMMANDS[args.command](args)
        except KeyboardInterrupt as stop:
            signum = stop.signum if isinstance(stop, interrupts.Interrupted) else signal.SIGINT
            again = "the same command" if args.command == "compare" else "the same command with --resume"
            resumable = args.command in ("compare", "sweep", "sensitivity", "trial", "calibrate")
            tail = f"; finished runs are kept (run {again} to continue)" if resumable else ""
            print(f"throughflow: stopped by {interrupts.name(signum)}{tail}", file=sys.stderr)
            return interrupts.exit_code(signum)
        except BrokenPipeError:
            return 0
        except Exception as exc:
            return _report(exc)


USAGE_ERRORS = (
    ("throughflow.scenario", "ScenarioError"),
    ("throughflow.experiments.design", "SweepError"),
    ("throughflow.analysis.problem", "SensitivityError"),
    ("throughflow.experiments.store", "StoreError"),
    ("throughflow.analysis.trial", "TrialError"),
    ("throughflow.analysis.abc", "CalibrationError"),
    ("throughflow.experiments.posterior", "PosteriorError"),
)
"""Bad input: exit code 2."""

RUN_ERRORS = (
    ("throughflow.experiments.sweep", "RunsFailed"),
    ("throughflow.experiments.executors", "ExecutorError"),
    ("throughflow.experiments.outputs", "OutputError"),
    ("throughflow.analysis.sensitivity", "AnalysisError"),
)
"""The command ran but did not succeed: exit code 1."""


def _one_of(exc: BaseException, kinds: tuple[tuple[str, str], ...]) -> bool:
    # an exception can only be of a class whose module is loaded, so nothing is imported here
    for module, name in kinds:
        cls = getattr(sys.modules.get(module), name, None)
        if isinstance(cls, type) and isinstance(exc, cls):
            return True
    return False


def _report(exc: Exception) -> int:
    """One line for any error, and the exit code it gets."""
    if isinstance(exc, UsageError) or _one_of(exc, USAGE_ERRORS):
        _error(str(exc))
        return EXIT_USAGE
    if _one_of(exc, RUN_ERRORS):
        _error(str(exc))
        return EXIT_FAILED
    if isinstance(exc, MemoryError):
        _error("out of memory (a smaller world, fewer workers or a shorter horizon needs less)")
        return EXIT_FAILED
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_FAILED
    if isinstance(exc, ValueError):
        _error(str(exc))
        return EXIT_USAGE
    if os.environ.get("THROUGHFLOW_DEBUG"):
        raise exc
    _error(f"unexpected {type(exc).__name__}: {exc} (set THROUGHFLOW_DEBUG=1 to see where)")
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
