"""The displacement caveat, from ``displacement_share`` of the headline comparison.

Each run of the compared arm holds ``displacement_share.all``: NEC jobs lost by other job
seekers and by refugees the programme did not reach, per extra NEC job of refugees it
reached, against its paired baseline. The brief prints it per 10 extra jobs: the mean over
replicates with its 95 % interval (and the 5–95 % band over posterior draws when present).
"""

from __future__ import annotations

from throughflow.briefing.context import Context
from throughflow.briefing.document import Para
from throughflow.briefing.estimate import paired
from throughflow.briefing.intervals import band_of, posterior_runs

COLUMN = "displacement_share.all"
PER = 10.0
"""Displacement is stated per this many extra NEC jobs."""


def displacement(c: Context) -> bool:
    """Add the displacement caveat from the headline comparison; whether it could be written."""
    found = c.headline_source
    if found is None:
        return False
    source, _ref, new, _ = found
    assert source.runs is not None
    if COLUMN not in source.runs.columns:
        return False
    key = f"factor:{source.factor}"
    arm = source.runs[source.runs[key].astype(str) == new]
    where = {
        "store": str(source.path),
        "table": "runs.parquet",
        "computation": "displacement per 10 jobs",
        "row": {key: new},
        "column": f"{PER:g} x {COLUMN}, mean over replicates",
    }
    e = paired(PER * arm[COLUMN].to_numpy(dtype=float), where)
    if e.n == 0:
        return False
    x = c.n("displacement.per10", e.mean, "num1", where)
    lo = c.n("displacement.per10.ci_low", e.low, "num1", where)
    hi = c.n("displacement.per10.ci_high", e.high, "num1", where)
    interval = c.t("interval.labelled", seeds=c.t("word.range", low=lo, high=hi))
    draws = posterior_runs(source)
    if draws is not None and COLUMN in draws.columns:
        values = draws[draws[key].astype(str) == new][COLUMN].to_numpy(dtype=float)
        low, high = band_of(PER * values)
        bwhere = {**where, "table": "posterior/runs.parquet", "column": f"{PER:g} x {COLUMN}, 5th and 95th percentiles"}
        band = c.t(
            "word.range",
            low=c.n("displacement.per10.band_low", low, "num1", bwhere),
            high=c.n("displacement.per10.band_high", high, "num1", bwhere),
        )
        interval = c.t("interval.both", band=band, seeds=c.t("word.range", low=lo, high=hi))
    net = c.n(
        "displacement.net", PER - e.mean, "num1", {**where, "column": f"{PER:g} - {PER:g} x {COLUMN}, mean over replicates"}
    )
    c.doc.add(Para(c.t("caveats.displacement", x=x, interval=interval, net=net)))
    return True
