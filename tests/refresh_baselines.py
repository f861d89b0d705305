"""Write the fixed-seed regression baseline of the indicators: ``python tests/refresh_baselines.py``.

Run it only on purpose — after a deliberate change of the model or of parameter defaults
(calibration) — and commit the new ``tests/baselines/indicators.json`` with that change.
``tests/test_baselines.py`` compares fresh runs with the stored values to 1e-9.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import to_plain
from throughflow import load_scenario, run
from throughflow.scenario import scenario_hash

BASELINE_FILE = Path(__file__).resolve().parent / "baselines" / "indicators.json"

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


def main() -> int:
    """Recompute every case and overwrite the baseline file."""
    records = {name: compute_case(case) for name, case in CASES.items()}
    BASELINE_FILE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE_FILE.write_text(json.dumps(records, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE_FILE} ({len(records)} cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
