"""Calibration by approximate Bayesian computation (ABC-SMC, pyabc) against the published figures.

A calibration declaration (YAML under ``scenarios/calibration/``) names the parameters to fit
(uniform priors over their declared plausible ranges, or narrower ranges given there), the
targets (rows of the packaged ``calibration_targets.csv`` with a model indicator, and rows of
``evaluation_evidence.csv`` for trial outcomes), and the sampling sizes::

    name: baseline
    parameters: [labour_market.separation_per_month, labour_market.p_reentry_per_month]
    # parameters: {labour_market.separation_per_month: [0.008, 0.014]}     # narrower priors
    targets: all              # or a list of target ids; every target with a model indicator
    evidence: []              # ids of evaluation_evidence.csv rows (trial outcomes) to fit
    population: 100           # particles per generation
    generations: 6
    replications: 1           # seeds per particle, averaged
    distance: range           # or centre (see below)
    seed: 20261129
    quick: {population: 24, generations: 3, scale: 0.5}

Each particle runs the scenarios its targets are observed in (the ``scenario`` column of the
target files) with the particle's parameter values, on a seed derived from the values and the
declaration's seed, and returns the model indicators. The distance between a particle and the
targets is a Euclidean distance with each target's term scaled by its published range
(``high - low``): with ``distance: range`` the term is how far the simulated figure lies
outside the published range (0 inside it), so that the posterior is the set of parameter
values whose figures all lie within what the sources support; with ``distance: centre`` (the
default) it is the difference to the published point value. The history is pyabc's SQLite
database in the results folder, so a killed calibration resumes where its last finished
generation ended.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from throughflow import yamlfile
from throughflow.analysis.calibration import evidence, targets
from throughflow.experiments.design import read_yaml_mapping
from throughflow.experiments.run import run
from throughflow.parameters import ScenarioBase
from throughflow.scenario import ScenarioError, load_scenario, parameters

KEYS = {
    "name", "description", "parameters", "targets", "evidence", "population", "generations", "replications", "seed",
    "quick", "distance",
}  # fmt: skip
DISTANCES = ("centre", "range")
"""``centre``: scaled difference to each published value; ``range``: scaled distance outside each published range."""
QUICK_KEYS = {"population", "generations", "replications", "scale"}
LIMITS = {"population": 5000, "generations": 50, "replications": 50}
"""Largest sizes a declaration may ask for (a bad value must not run for days)."""


class CalibrationError(ValueError):
    """A calibration declaration is invalid; the message is one line naming the file and the problem."""


@dataclass(frozen=True)
class Target:
    """One quantity the model must reproduce: a published figure with its range."""

    id: str
    scenario: str
    indicator: str
    value: float
    low: float
    high: float
    source: str
    kind: str  # "target" (calibration_targets.csv) or "evidence" (evaluation_evidence.csv)

    @property
    def scale(self) -> float:
        """The range the distance is scaled by."""
        return max(self.high - self.low, 1e-9)


@dataclass(frozen=True)
class Declaration:
    """A validated calibration declaration."""

    name: str
    description: str
    parameters: dict[str, tuple[float, float]]
    integer: frozenset[str]
    targets: tuple[Target, ...]
    population: int
    generations: int
    replications: int
    seed: int
    scale: float | None = None
    text: str = ""
    quick: dict[str, Any] = field(default_factory=dict)
    distance: str = "centre"

    def quick_version(self) -> Declaration:
        """The declaration with its ``quick`` sizes (a fast check of the whole pipeline)."""
        q = self.quick
        return Declaration(
            name=self.name,
            description=self.description,
            parameters=self.parameters,
            integer=self.integer,
            targets=self.targets,
            population=int(q.get("population", self.population)),
            generations=int(q.get("generations", self.generations)),
            replications=int(q.get("replications", self.replications)),
            seed=self.seed,
            scale=q.get("scale", self.scale),
            text=self.text + "\n# quick",
            quick={},
            distance=self.distance,
        )

    @property
    def digest(self) -> str:
        """A short hash of what the posterior depends on (resuming refuses another calibration).

        The number of generations is left out: resuming with more generations continues the
        same sequence of populations, and with fewer (or as many as are done) writes the
        posterior of the last generation already in the history.
        """
        content = {
            "parameters": {k: list(v) for k, v in sorted(self.parameters.items())},
            "targets": [(t.id, t.scenario, t.indicator, t.value, t.scale) for t in self.targets],
            "population": self.population,
            "replications": self.replications,
            "seed": self.seed,
            "scale": self.scale,
        }
        if self.distance != "centre":  # stores written before the choice existed keep their digest
            content["distance"] = self.distance
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def scenarios(self) -> list[str]:
        """The scenarios the targets are observed in, in a fixed order."""
        return sorted({t.scenario for t in self.targets})


def _count(data: dict[str, Any], key: str, default: int, where: str) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= LIMITS.get(key, 10**9):
        raise CalibrationError(f"{where}: {key} must be an integer from 1 to {LIMITS.get(key, 10**9)} (got {value!r})")
    return value


def _parameters(raw: Any, where: str) -> tuple[dict[str, tuple[float, float]], frozenset[str]]:
    declared = {p.name: p for p in parameters()}
    if isinstance(raw, list):
        raw = {name: None for name in raw}
    if not isinstance(raw, dict) or not raw:
        raise CalibrationError(f"{where}: parameters must be a non-empty list or mapping of declared parameters")
    out: dict[str, tuple[float, float]] = {}
    integer = set()
    for name, bounds in raw.items():
        info = declared.get(str(name))
        if info is None:
            raise CalibrationError(f"{where}: parameters: {name}: not a declared parameter")
        if info.type_name not in ("float", "int"):
            raise CalibrationError(f"{where}: parameters: {name}: only numeric parameters can be fitted")
        if bounds in (None, {}):
            if info.low is None or info.high is None or not info.low < info.high:
                raise CalibrationError(f"{where}: parameters: {name}: no declared range; give [low, high]")
            low, high = float(info.low), float(info.high)
        else:
            if (
                not isinstance(bounds, list)
                or len(bounds) != 2
                or not all(isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b) for b in bounds)
            ):
                raise CalibrationError(f"{where}: parameters: {name}: the range must be [low, high] (got {bounds!r})")
            low, high = float(bounds[0]), float(bounds[1])
            if not low < high:
                raise CalibrationError(f"{where}: parameters: {name}: low must be below high (got {low}, {high})")
            if (info.ge is not None and low < info.ge) or (info.le is not None and high > info.le):
                raise CalibrationError(f"{where}: parameters: {name}: [{low}, {high}] leaves the bounds [{info.ge}, {info.le}]")
        out[str(name)] = (low, high)
        if info.type_name == "int":
            integer.add(str(name))
    return out, frozenset(integer)


def _targets(raw_targets: Any, raw_evidence: Any, where: str) -> tuple[Target, ...]:
    table = targets().dropna(subset=["model_indicator"])
    rows = []
    if raw_targets == "all":
        chosen = list(table["id"])
    elif isinstance(raw_targets, list) and all(isinstance(t, str) for t in raw_targets):
        chosen = raw_targets
    else:
        raise CalibrationError(f"{where}: targets must be 'all' or a list of target ids")
    by_id = table.set_index("id")
    for target in chosen:
        if target not in by_id.index:
            raise CalibrationError(f"{where}: targets: {target}: not a target with a model indicator")
        row = by_id.loc[target].to_dict()
        rows.append(
            Target(
                target,
                str(row["scenario"]),
                str(row["model_indicator"]),
                float(row["value"]),
                float(row["low"]),
                float(row["high"]),
                str(row["source"]),
                "target",
            )
        )
    trials = evidence().set_index("id")
    if not isinstance(raw_evidence, list) or not all(isinstance(t, str) for t in raw_evidence):
        raise CalibrationError(f"{where}: evidence must be a list of evaluation ids")
    for item in raw_evidence:
        if item not in trials.index:
            raise CalibrationError(f"{where}: evidence: {item}: not an evaluation of evaluation_evidence.csv")
        row = trials.loc[item].to_dict()
        rows.append(
            Target(
                item,
                row["scenario"],
                row["model_indicator"],
                float(row["effect_pp"]) / 100,
                float(row["low_pp"]) / 100,
                float(row["high_pp"]) / 100,
                str(row["source"]),
                "evidence",
            )
        )
    if not rows:
        raise CalibrationError(f"{where}: no targets")
    return tuple(rows)


def load_declaration(path: Path | str) -> Declaration:
    """Read and validate a calibration declaration.

    Raises:
        CalibrationError: One line naming the file and the problem.
    """
    path = Path(path)
    data, text = read_yaml_mapping(path, CalibrationError)
    where = str(path)
    problem = yamlfile.unknown_key(where, data, KEYS)
    if problem:
        raise CalibrationError(problem)
    quick = data.get("quick") or {}
    if not isinstance(quick, dict) or set(quick) - QUICK_KEYS:
        raise CalibrationError(f"{where}: quick: only {', '.join(sorted(QUICK_KEYS))} are known")
    for key in ("population", "generations", "replications"):
        if key in quick:
            _count(quick, key, 1, f"{where}: quick")
    scale = quick.get("scale")
    if scale is not None and (not isinstance(scale, int | float) or isinstance(scale, bool) or not 0.05 <= scale <= 10):
        raise CalibrationError(f"{where}: quick: scale must be a number from 0.05 to 10 (got {scale!r})")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        raise CalibrationError(f"{where}: name must be a plain identifier (got {name!r})")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise CalibrationError(f"{where}: seed must be a non-negative integer (got {seed!r})")
    fitted, integer = _parameters(data.get("parameters"), where)
    kind = data.get("distance", "centre")
    if kind not in DISTANCES:
        raise CalibrationError(f"{where}: distance must be one of {', '.join(DISTANCES)} (got {kind!r})")
    return Declaration(
        name=name,
        description=str(data.get("description", "")),
        parameters=fitted,
        integer=integer,
        targets=_targets(data.get("targets", "all"), data.get("evidence", []), where),
        population=_count(data, "population", 100, where),
        generations=_count(data, "generations", 6, where),
        replications=_count(data, "replications", 1, where),
        seed=seed,
        text=text,
        quick=quick,
        distance=kind,
    )


def particle_seed(values: dict[str, float], seed: int, replicate: int) -> int:
    """A seed fixed by a particle's values, the declaration's seed and the replicate."""
    payload = json.dumps({k: float(v) for k, v in sorted(values.items())}) + f"|{seed}|{replicate}"
    return int.from_bytes(hashlib.sha256(payload.encode()).digest()[:7], "big")


def _scenario(name: str, values: dict[str, Any], scale: float | None) -> ScenarioBase:
    overrides = dict(values)
    if scale is not None:
        overrides["population.scale"] = scale
    return load_scenario(name, **overrides)


def simulate(declaration: Declaration, values: dict[str, float]) -> dict[str, float]:
    """The model's value of every target for one parameter set (mean over the declaration's replications).

    Args:
        declaration: The calibration declaration.
        values: Dotted parameter names and values.

    Returns:
        ``{target id: value}`` (NaN where the model gives none).
    """
    cast = {k: (round(v) if k in declaration.integer else float(v)) for k, v in values.items()}
    sums: dict[str, list[float]] = {t.id: [] for t in declaration.targets}
    for replicate in range(declaration.replications):
        seed = particle_seed(cast, declaration.seed, replicate)
        for scenario in declaration.scenarios():
            spec = _scenario(scenario, cast, declaration.scale)
            result = run(spec, seed=seed, paired_baseline=False, record_events=False, timeseries=False)
            for t in declaration.targets:
                if t.scenario == scenario:
                    sums[t.id].append(float(result.indicators[t.indicator]["all"]))
    return {k: float(np.nanmean(v)) if np.isfinite(v).any() else float("nan") for k, v in sums.items()}


def distance(declaration: Declaration, simulated: dict[str, float]) -> float:
    """Euclidean distance to the targets, each term scaled by the target's published range.

    The term is the difference to the published value (``distance: centre``) or how far the
    simulated figure lies outside the published range, 0 inside it (``distance: range``).
    """
    total = 0.0
    for t in declaration.targets:
        value = simulated.get(t.id, float("nan"))
        if not math.isfinite(value):
            return float("inf")
        gap = max(t.low - value, 0.0, value - t.high) if declaration.distance == "range" else value - t.value
        total += (gap / t.scale) ** 2
    return math.sqrt(total)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of weighted values (the weighted median at 0.5)."""
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cumulative = np.cumsum(w) - 0.5 * w
    cumulative /= w.sum()
    return float(np.interp(q, cumulative, v))


def point_estimate(posterior: pd.DataFrame, names: list[str], integer: frozenset[str] = frozenset()) -> dict[str, float]:
    """The posterior's weighted median of each parameter."""
    weights = posterior["weight"].to_numpy(dtype=float)
    out: dict[str, float] = {}
    for name in names:
        value = weighted_quantile(posterior[name].to_numpy(dtype=float), weights, 0.5)
        out[name] = round(value) if name in integer else round(value, 6)
    return out


def _key(name: str) -> str:
    """Pyabc's parameter key for a dotted parameter name (pyabc reads dots as nesting)."""
    return name.replace(".", "__")


QUICK_PREDICTIVE_DRAWS = 16
"""Posterior draws of the predictive check of a ``--quick`` run (a pipeline check, not a result)."""

KERNEL_SCALE = 2.0
"""Perturbation variance as a multiple of each parameter's variance in the population (Beaumont et al. 2009: twice)."""


def broad_kernel() -> Any:
    """The perturbation kernel: Gaussian and diagonal, with twice each parameter's variance in the population.

    pyabc's default kernel (the population's weighted covariance shrunk by Silverman's factor,
    about 0.56 of it with 18 parameters) makes a narrow proposal; with 18 parameters its
    density varies over orders of magnitude between proposals, so do the importance weights
    (uniform prior / proposal density), and the effective sample size of the shipped
    declaration fell to about 1.5 of 80-100 particles within two generations. A diagonal
    kernel with twice each parameter's variance (the componentwise kernel of Beaumont,
    Cornuet, Marin & Robert 2009) is broader and ignores the poorly estimated correlations of
    a few dozen particles in 18 dimensions; on the quick declaration the effective sample
    size stayed at 14 and 9 of 24 instead of 1.1.
    """
    import pyabc
    from scipy import stats

    class BroadKernel(pyabc.MultivariateNormalTransition):
        def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
            super().fit(X, w)
            variance = X.to_numpy(dtype=float).var(axis=0, ddof=1)
            self.cov = np.diag(np.maximum(variance, 1e-12)) * KERNEL_SCALE
            self.normal = stats.multivariate_normal(cov=self.cov, allow_singular=True)

    return BroadKernel()


def _sampler(executor: str, workers: int | None, scheduler: str | None) -> Any:
    import pyabc

    if executor == "serial":
        return pyabc.sampler.SingleCoreSampler(), None
    if executor == "processes":
        return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers), None
    if executor == "dask":
        from distributed import Client, LocalCluster

        cluster = None
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0")
            client = Client(cluster)
        return pyabc.sampler.DaskDistributedSampler(dask_client=client), (client, cluster)
    raise CalibrationError(f"unknown executor {executor!r} (choose from serial, processes, dask)")


RESULTS = Path("results")


def calibrate(
    path: Path | str,
    out: Path | None = None,
    quick: bool = False,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    predictive_draws: int = 40,
) -> dict[str, Any]:
    """Run (or resume) an ABC-SMC calibration and write its posterior, predictive check and figures.

    Args:
        path: The calibration declaration.
        out: Results folder (default ``results/calibration-<name>``, ``-quick`` with ``quick``).
        quick: Use the declaration's ``quick`` sizes.
        executor: ``serial``, ``processes`` or ``dask`` (pyabc's single-core, multicore and
            Dask samplers; only the serial one gives the same posterior on every run).
        workers: Worker processes.
        scheduler: Address of a running Dask scheduler.
        progress: Show a progress bar over generations.
        predictive_draws: Posterior draws simulated for the posterior-predictive check
            (at most ``QUICK_PREDICTIVE_DRAWS`` with ``quick``).

    Returns:
        ``{"posterior": DataFrame, "predictive": DataFrame, "point": {name: value}, "out": Path}``.

    Raises:
        CalibrationError: A bad declaration, or a results folder holding another calibration.
    """
    import pyabc
    from tqdm import tqdm

    declaration = load_declaration(path)
    if quick:
        declaration = declaration.quick_version()
    out = Path(out or RESULTS / f"calibration-{declaration.name}{'-quick' if quick else ''}")
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        stored = json.loads(manifest_path.read_text(encoding="utf-8"))
        if stored.get("declaration_hash") != declaration.digest:
            raise CalibrationError(f"{out}: holds another calibration (declaration hash {stored.get('declaration_hash')})")
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "name": declaration.name,
        "declaration": declaration.text,
        "declaration_hash": declaration.digest,
        "quick": quick,
        "parameters": {k: list(v) for k, v in declaration.parameters.items()},
        "targets": [t.id for t in declaration.targets],
        "population": declaration.population,
        "generations": declaration.generations,
        "replications": declaration.replications,
        "scale": declaration.scale,
        "executor": executor,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    names = list(declaration.parameters)
    prior = pyabc.Distribution(**{_key(n): pyabc.RV("uniform", lo, hi - lo) for n, (lo, hi) in declaration.parameters.items()})

    def model(parameter: Any) -> dict[str, float]:
        return simulate(declaration, {n: float(parameter[_key(n)]) for n in names})

    def measure(x: dict[str, float], x0: dict[str, float]) -> float:
        return distance(declaration, x)

    sampler, dask = _sampler(executor, workers, scheduler)
    np.random.seed(declaration.seed % 2**32)  # noqa: NPY002 -- pyabc draws from numpy's global generator
    db = f"sqlite:///{(out / 'history.db').resolve()}"
    observed = {t.id: t.value for t in declaration.targets}

    def smc() -> Any:
        return pyabc.ABCSMC(
            model, prior, measure, population_size=declaration.population, sampler=sampler, transitions=broad_kernel()
        )

    try:
        history = None
        if (out / "history.db").exists():
            try:
                history = smc().load(db, 1, observed_sum_stat=observed)
            except Exception:  # an empty or unusable database: start again
                history = None
        if history is None or history.n_populations == 0:
            (out / "history.db").unlink(missing_ok=True)
            history = smc().new(db, observed)
        done = history.n_populations
        bar = tqdm(
            total=declaration.generations, initial=min(done, declaration.generations), unit="generation", disable=not progress
        )
        while done < declaration.generations:
            # one generation per call, each from the stored history (as a resume would): calling run()
            # again on the same object would keep the first generation's epsilon for every later one
            abc = smc()
            abc.load(db, 1, observed_sum_stat=observed)
            history = abc.run(max_nr_populations=1)
            done = history.n_populations
            bar.update(1)
            bar.set_postfix(epsilon=f"{history.get_all_populations()['epsilon'].iloc[-1]:.3g}")
        bar.close()
    finally:
        if dask is not None:
            client, cluster = dask
            client.close()
            if cluster is not None:
                cluster.close()
    frame, weights = history.get_distribution(t=history.max_t)
    posterior = pd.DataFrame({n: frame[_key(n)].to_numpy() for n in names})
    posterior["weight"] = weights / weights.sum()
    posterior["generation"] = history.max_t
    posterior.to_parquet(out / "posterior.parquet", index=False)
    point = point_estimate(posterior, names, declaration.integer)
    (out / "point.json").write_text(json.dumps(point, indent=2), encoding="utf-8")
    draws = min(predictive_draws, QUICK_PREDICTIVE_DRAWS) if quick else predictive_draws
    predictive = predictive_check(declaration, posterior, names, draws)
    predictive.to_csv(out / "predictive.csv", index=False)
    populations = history.get_all_populations()
    populations.to_csv(out / "generations.csv", index=False)
    manifest["generations_done"] = int(history.n_populations)
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return {"posterior": posterior, "predictive": predictive, "point": point, "out": out, "declaration": declaration}


def predictive_check(declaration: Declaration, posterior: pd.DataFrame, names: list[str], draws: int) -> pd.DataFrame:
    """Simulate posterior draws on new seeds: each target's range, predictive mean and 90 % band.

    Args:
        declaration: The calibration declaration.
        posterior: Parameter sets with a ``weight`` column.
        names: The fitted parameters.
        draws: Number of weighted draws from the posterior.

    Returns:
        target, kind, scenario, indicator, value, low, high, mean, q05, q95, within (mean in range).
    """
    rng = np.random.default_rng(declaration.seed + 1)
    picks = rng.choice(len(posterior), size=draws, p=posterior["weight"].to_numpy(dtype=float))
    check = Declaration(**{**declaration.__dict__, "replications": 1, "seed": declaration.seed + 7919})
    simulated = pd.DataFrame([simulate(check, posterior.iloc[i][names].to_dict()) for i in picks])
    rows = []
    for t in declaration.targets:
        values = simulated[t.id].to_numpy(dtype=float)
        mean = float(np.nanmean(values))
        rows.append(
            {
                "target": t.id,
                "kind": t.kind,
                "scenario": t.scenario,
                "indicator": t.indicator,
                "value": t.value,
                "low": t.low,
                "high": t.high,
                "mean": mean,
                "q05": float(np.nanpercentile(values, 5)),
                "q95": float(np.nanpercentile(values, 95)),
                "within": bool(t.low <= mean <= t.high),
                "draws": int(np.isfinite(values).sum()),
            }
        )
    return pd.DataFrame(rows)


CALIBRATED = "calibrated.yaml"
"""The shipped scenario with the calibrated values (the baseline extends it)."""


def calibrated_yaml(point: dict[str, float], source: str) -> str:
    """The text of the calibrated-values scenario for a point estimate."""
    nested: dict[str, Any] = {}
    for name, value in point.items():
        node = nested
        *parents, leaf = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    head = (
        "# Calibrated values: the weighted median of the posterior of an ABC-SMC calibration.\n"
        f"# Generated by `throughflow calibrate ... --apply` from {source}; do not edit by hand.\n"
        "# Every shipped scenario extends baseline.yaml, which extends this file.\n"
    )
    body = yaml.safe_dump({"name": "calibrated", **nested}, sort_keys=False)
    return head + body


def apply_point(point: dict[str, float], source: str, shipped: Path) -> Path:
    """Write the calibrated values into the shipped scenarios folder (``calibrated.yaml``)."""
    path = shipped / CALIBRATED
    text = calibrated_yaml(point, source)
    try:
        load_scenario(yaml.safe_load(text) | {})
    except ScenarioError as exc:
        raise CalibrationError(f"{path}: the calibrated values are not a valid scenario: {exc}") from None
    path.write_text(text, encoding="utf-8")
    return path
