"""Command-line interface: ``throughflow run | trace | demo | params``.

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
from throughflow.experiments.outputs import write_run
from throughflow.experiments.run import RunResult, run
from throughflow.model import ThroughflowModel
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

    sub.add_parser("params", help="list every declared parameter", description="List every declared parameter.")
    return parser


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


def _params(_: argparse.Namespace) -> int:
    for p in parameters():
        span = f"[{p.low}, {p.high}]" if p.low is not None else ""
        print(f"{p.name:45s} {p.kind:12s} {p.default!s:>10} {p.unit:18s} {span:16s} {p.source}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Exit code: 0 on success, 2 on a bad scenario or bad arguments.
    """
    args = _parser().parse_args(argv)
    commands = {"run": _run, "trace": _trace, "demo": _demo, "params": _params}
    try:
        return commands[args.command](args)
    except ScenarioError as exc:
        print(f"throughflow: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"throughflow: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
