"""Write the fixed-seed regression baseline of the indicators: ``python tests/refresh_baselines.py --reason TEXT``.

Run it only on purpose — after a deliberate change of the model or of parameter defaults
(calibration) — and commit the new ``tests/baselines/indicators.json`` with that change.
``tests/test_baselines.py`` compares fresh runs with the stored values to 1e-9.

Every refresh adds a section to ``tests/baselines/CHANGES.md``: the reason given, and every
headline number (group ``all``) that changed, old beside new, so that a reviewer sees what a
change of the model did to the pinned runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import to_plain
from throughflow import load_scenario, run
from throughflow.scenario import scenario_hash

BASELINE_FILE = Path(__file__).resolve().parent / "baselines" / "indicators.json"
CHANGES_FILE = BASELINE_FILE.parent / "CHANGES.md"

CASES: dict[str, dict[str, Any]] = {
    "baseline": {"scenario": "baseline", "overrides": {"population.scale": 0.5, "months": 120}, "seed": 20240},
    "mentoring": {"scenario": "mentoring", "overrides": {"population.scale": 0.5, "months": 120}, "seed": 20240},
    "juul_kamin": {"scenario": "juul_kamin", "overrides": {}, "seed": 7},
}
"""Named runs whose indicators are pinned: scenario, dotted overrides and seed."""


def compute_case(case: dict[str, Any]) -> dict[str, Any]:
    """Run one case and return its record (scenario hash and indicators as plain JSON)."""
    spec = load_scenario(case["scenario"], **case["overrides"])
    result = run(spec, seed=case["seed"])
    return {**case, "scenario_hash": scenario_hash(spec), "indicators": to_plain(result.indicators)}


def _scalars(indicators: dict[str, Any]) -> dict[str, float | None]:
    """The group-``all`` value of every scalar indicator."""
    out: dict[str, float | None] = {}
    for name, values in indicators.items():
        value = values.get("all") if isinstance(values, dict) else values
        if value is None or isinstance(value, (int, float)):
            out[name] = value
    return out


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, float | None, float | None]]:
    """(case, indicator, old, new) for every scalar group-``all`` indicator whose value changed beyond 1e-9."""
    rows = []
    for case in sorted(set(old) | set(new)):
        before = _scalars(old.get(case, {}).get("indicators", {}))
        after = _scalars(new.get(case, {}).get("indicators", {}))
        for name in sorted(set(before) | set(after)):
            a, b = before.get(name), after.get(name)
            same = (a is None and b is None) or (
                a is not None and b is not None and (math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))
            )
            if not same:
                rows.append((case, name, a, b))
    return rows


def change_section(reason: str, rows: list[tuple[str, str, float | None, float | None]], when: str) -> str:
    """A Markdown section: the reason and the table of changed numbers."""

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.4g}"

    lines = [f"## {when}", "", reason.strip(), ""]
    if not rows:
        return "\n".join([*lines, "No pinned number changed.", ""])
    lines += ["| case | indicator (group all) | before | after |", "|---|---|---:|---:|"]
    lines += [f"| {c} | `{n}` | {fmt(a)} | {fmt(b)} |" for c, n, a, b in rows]
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    """Recompute every case, overwrite the baseline file and record what changed and why."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reason", required=True, help="why the pinned numbers change (written to CHANGES.md)")
    args = parser.parse_args(argv)
    old = json.loads(BASELINE_FILE.read_text(encoding="utf-8")) if BASELINE_FILE.exists() else {}
    records = {name: compute_case(case) for name, case in CASES.items()}
    BASELINE_FILE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE_FILE.write_text(json.dumps(records, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    rows = changes(old, records)
    head = "# Changes of the pinned baseline runs\n\nNewest first; written by `tests/refresh_baselines.py --reason TEXT`.\n\n"
    previous = CHANGES_FILE.read_text(encoding="utf-8").removeprefix(head) if CHANGES_FILE.exists() else ""
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    CHANGES_FILE.write_text(head + change_section(args.reason, rows, when) + "\n" + previous, encoding="utf-8")
    print(f"wrote {BASELINE_FILE} ({len(records)} cases); {len(rows)} numbers changed, listed in {CHANGES_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
