"""Command-line pieces kept apart from :mod:`throughflow.cli`: ``--set KEY=VALUE`` and ``throughflow app``."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the model is imported by the commands that run it, not by the argument parser
    from throughflow.experiments.design import Sweep
    from throughflow.parameters import ScenarioBase

SET_HELP = (
    "set a parameter, e.g. --set population.share_low=0.5 --set labs.enabled=false (repeatable; "
    "`throughflow params` lists them; shares given alone are completed)"
)


def add_set_arg(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--set KEY=VALUE`` option."""
    parser.add_argument("--set", dest="set", action="append", default=[], metavar="KEY=VALUE", help=SET_HELP)


def assignments(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--set`` values by dotted name (typed; unknown names refused)."""
    from throughflow.keywords import parse_assignments

    return parse_assignments(getattr(args, "set", None) or [])


def with_set(scenario: ScenarioBase, args: argparse.Namespace) -> ScenarioBase:
    """``scenario`` with the ``--set`` values (validated)."""
    from throughflow.keywords import apply

    return apply(scenario, assignments(args))


def sweep_with_set(path: Path, args: argparse.Namespace) -> Sweep:
    """The sweep file with the ``--set`` values applied to its base scenario (part of the sweep's definition)."""
    from throughflow.experiments.design import load_sweep
    from throughflow.keywords import complete

    values = assignments(args)
    if values:
        values = complete(values, load_sweep(path).base)
    return load_sweep(path, base_overrides=values or None)


def add_app_parser(sub: Any) -> None:
    """Add ``throughflow app``."""
    p = sub.add_parser(
        "app",
        help="the workshop explorer in the browser (Solara)",
        description="Serve the workshop explorer: controls, paired runs, the Juul & Kamin story and results stores. "
        "Listens on 127.0.0.1 unless --host says otherwise; works offline.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--results", type=Path, default=Path("results"), help="folder searched for results stores (default results)")
    p.add_argument("--workers", type=int, default=None, help="worker processes for the paired runs (default: up to 2)")
    p.add_argument("--scale", type=float, default=None, help="population scale of the paired runs (default 0.3)")
    p.add_argument("--months", type=int, default=None, help="horizon of the paired runs (default 120)")
    p.add_argument("--seeds", type=int, default=None, help="seeds per setting when the page opens (default 3, at most 8)")


def app(args: argparse.Namespace) -> int:
    """Run ``throughflow app``."""
    if importlib.util.find_spec("solara") is None:
        raise ValueError('the explorer needs the app extra: pip install "throughflow[app]"')
    if not 0 < args.port < 65536:
        raise ValueError(f"--port must be between 1 and 65535 (got {args.port})")
    if args.workers is not None and args.workers < 1:
        raise ValueError("--workers must be >= 1")
    if args.scale is not None and not 0.01 <= args.scale <= 100:
        raise ValueError("--scale must be between 0.01 and 100")
    if args.months is not None and not 24 <= args.months <= 600:
        raise ValueError("--months must be between 24 and 600")
    if args.seeds is not None and not 1 <= args.seeds <= 8:
        raise ValueError("--seeds must be between 1 and 8")
    from throughflow.app import serve

    serve(args.host, args.port, str(args.results), args.workers, args.scale, args.months, args.seeds)
    return 0
