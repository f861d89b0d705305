"""Scenario files: loading, ``extends:`` inheritance, overrides, validation and export.

A scenario file is YAML holding any subset of the sections declared in
:mod:`throughflow.parameters`. ``extends: other.yaml`` (a path relative to the file, or the
name of a shipped scenario) inherits another file and overrides only what differs. Unknown
keys, wrong types, out-of-range values and shares that do not sum to 1 raise
:class:`ScenarioError`, whose message is one line naming the file and the key.

Validation is strict: ``true`` or ``"12"`` where a number belongs is an error (an integer is
accepted where a real number belongs), as are non-finite numbers, keys that are not text,
texts longer than :data:`~throughflow.limits.MAX_TEXT`, a ``name`` that is not a plain name
(it becomes a folder under ``results/``), a story home outside the region, and a world too
large to build (:func:`throughflow.limits.too_large`). Files are read with
:mod:`throughflow.yamlfile` (no duplicate keys, anchors or aliases).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from throughflow import yamlfile
from throughflow.limits import MAX_TEXT, plain_name, too_large
from throughflow.parameters import ScenarioBase
from throughflow.schema import Scenario

SHIPPED_DIR = Path(__file__).resolve().parent / "scenarios"
"""Scenarios shipped with the package (the repository's ``scenarios/`` links here)."""


class ScenarioError(ValueError):
    """A scenario file or override is invalid; the message is one line."""


@dataclass(frozen=True)
class ParameterInfo:
    """Declaration of one parameter, flattened to a dotted name."""

    name: str
    default: Any
    unit: str
    low: float | None
    high: float | None
    source: str
    kind: str
    doc: str
    ge: float | None
    le: float | None
    type_name: str
    price: bool = False


def _resolve(ref: str, base_dir: Path | None) -> Path:
    candidates = []
    path = Path(ref)
    if base_dir is not None and not path.is_absolute():
        candidates.append(base_dir / path)
    candidates.append(path)
    if path.suffix == "":
        candidates.append(SHIPPED_DIR / f"{ref}.yaml")
    candidates.append(SHIPPED_DIR / path)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ScenarioError(f"{ref}: scenario file not found")


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def _read_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path.resolve() in seen:
        raise ScenarioError(f"{path}: extends: circular inheritance")
    try:
        data, _ = yamlfile.read(path)
    except yamlfile.YamlError as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: top level must be a mapping of sections")
    parent = data.pop("extends", None)
    data.setdefault("name", path.stem)  # a file without a name is named after itself, not its parent
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: must be a file name")
    try:
        parent_path = _resolve(parent, path.parent)
    except ScenarioError:
        raise ScenarioError(f"{path}: extends: scenario file not found: {parent}") from None
    return _deep_merge(_read_raw(parent_path, (*seen, path.resolve())), data)


def _one_line(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(scenario)"
    kind = first["type"]
    if kind == "extra_forbidden":
        message = "unknown key"
    else:
        message = first["msg"]
        if "input" in first and kind != "value_error" and not isinstance(first["input"], dict):
            message += f" (got {first['input']!r})"
    message = message.replace("Value error, ", "")
    return f"{origin}: {key}: {message}"


def _plain(value: Any, key: str, origin: str) -> Any:
    """``value`` with numpy scalars as Python values; refuses non-finite numbers, long texts, non-text keys."""
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                hint = " (quote keys such as yes, no, on, off)" if isinstance(k, bool) else ""
                raise ScenarioError(f"{origin}: {key}{k!r}: keys must be text{hint}")
            out[k] = _plain(v, f"{key}{k}.", origin)
        return out
    if isinstance(value, np.generic):
        value = value.item()
    where = key.rstrip(".") or "(scenario)"
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(f"{origin}: {where}: not a finite number ({value})")
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise ScenarioError(f"{origin}: {where}: text longer than {MAX_TEXT} characters")
    if isinstance(value, list | tuple):
        return [_plain(v, key, origin) for v in value]
    return value


def _checks(scenario: ScenarioBase) -> str | None:
    """Checks across parameters that the declarations cannot express; the first problem, if any.

    The mechanisms' own checks (e.g. the story's home municipality) run when the scenario is
    validated (:meth:`~throughflow.mechanism.Mechanism.check`).
    """
    problem = plain_name(scenario.name)
    if problem:
        return f"name: {problem}"
    return too_large(scenario)


def validate(data: Mapping[str, Any], origin: str = "<scenario>", schema: type[ScenarioBase] = Scenario) -> ScenarioBase:
    """Validate a nested mapping into a :class:`Scenario`, strictly (see the module docstring).

    Args:
        data: Nested sections as in a scenario file.
        origin: Name used in error messages (the file).
        schema: The scenario class (default: every registered mechanism's sections).

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: One line naming ``origin`` and the offending key.

    """
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{origin}: top level must be a mapping of sections")
    plain = _plain(data, "", origin)
    try:
        scenario = schema.model_validate(plain, strict=True)
    except ValidationError as exc:
        raise ScenarioError(_one_line(exc, origin)) from None
    problem = _checks(scenario)
    if problem:
        raise ScenarioError(f"{origin}: {problem}")
    return scenario


def check_horizon(scenario: ScenarioBase, months: int | None, origin: str = "<scenario>") -> None:
    """Refuse a horizon override under which the scenario's world would be too large.

    Raises:
        ScenarioError: One line naming ``origin`` and the largest contributor.
    """
    if months is None:
        return
    problem = too_large(scenario, months)
    if problem:
        raise ScenarioError(f"{origin}: {problem}")


def load_scenario(
    source: str | Path | ScenarioBase | Mapping[str, Any] | None = None,
    *,
    schema: type[ScenarioBase] | None = None,
    **overrides: Any,
) -> ScenarioBase:
    """Load a scenario from a file, a shipped name, a mapping or a scenario.

    Args:
        source: Path to a YAML file, the name of a shipped scenario (``"mentoring"``),
            a nested mapping, a :class:`Scenario`, or ``None`` for the defaults.
        schema: The scenario class to validate with (default: a scenario's own class, else
            the class of every registered mechanism, :data:`throughflow.schema.Scenario`).
        **overrides: Dotted parameter names and values, e.g.
            ``load_scenario("baseline", **{"labour_market.bias": 0.4})``.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: If the file is missing or malformed or a value is invalid.

    """
    chosen: type[ScenarioBase] = Scenario
    if isinstance(source, ScenarioBase):
        data: dict[str, Any] = source.model_dump()
        origin = f"<scenario {source.name}>"
        chosen = type(source)
    elif isinstance(source, Mapping):
        data = dict(source)
        origin = "<mapping>"
    elif source is None:
        data, origin = {}, "<defaults>"
    else:
        path = _resolve(str(source), None)
        data, origin = _read_raw(path), str(source)
    if overrides:
        data = _deep_merge(data, unflatten(overrides))
        origin = f"{origin} (overrides)"
    return validate(data, origin, schema or chosen)


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ``{"a.b": 1}`` into ``{"a": {"b": 1}}``."""
    nested: dict[str, Any] = {}
    for dotted, value in flat.items():
        node = nested
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def with_values(scenario: ScenarioBase, values: Mapping[str, Any]) -> ScenarioBase:
    """Return a copy of ``scenario`` with dotted parameters replaced (validated).

    Args:
        scenario: The base scenario.
        values: Dotted names and new values.

    Returns:
        A new validated scenario.

    """
    return validate(_deep_merge(scenario.model_dump(), unflatten(values)), f"<scenario {scenario.name}>", type(scenario))


def _walk(model: type[BaseModel], prefix: str) -> Iterator[ParameterInfo]:
    for field_name, field in model.model_fields.items():
        annotation = field.annotation
        dotted = f"{prefix}{field_name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _walk(annotation, f"{dotted}.")
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        ge = le = None
        for meta in field.metadata:
            ge = getattr(meta, "ge", ge)
            le = getattr(meta, "le", le)
        yield ParameterInfo(
            name=dotted,
            default=field.default,
            unit=str(extra.get("unit", "")),
            low=extra.get("low"),  # type: ignore[arg-type]
            high=extra.get("high"),  # type: ignore[arg-type]
            source=str(extra.get("source", "assumption")),
            kind=str(extra.get("kind", "")),
            doc=field.description or "",
            ge=ge,
            le=le,
            type_name=getattr(annotation, "__name__", str(annotation)),
            price=bool(extra.get("price", False)),
        )


def parameters(schema: type[ScenarioBase] = Scenario) -> list[ParameterInfo]:
    """All declared parameters, flattened to dotted names, in declaration order."""
    return list(_walk(schema, ""))


def flatten(scenario: ScenarioBase) -> dict[str, Any]:
    """The scenario's values keyed by dotted parameter name."""
    out: dict[str, Any] = {}

    def visit(node: Any, prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                visit(value, f"{prefix}{key}.")
            else:
                out[f"{prefix}{key}"] = value

    visit(scenario.model_dump(), "")
    return out


def to_yaml(scenario: ScenarioBase) -> str:
    """The fully resolved scenario as YAML (every parameter, no ``extends``)."""
    return yaml.safe_dump(scenario.model_dump(), sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: ScenarioBase) -> str:
    """A short stable hash of the resolved scenario (for provenance)."""
    payload = json.dumps(scenario.model_dump(), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
