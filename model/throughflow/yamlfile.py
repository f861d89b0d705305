"""Reading the project's YAML files (scenarios, sweeps, sensitivity declarations) strictly.

Scenario, sweep and declaration files are small, hand-written mappings. The reader refuses
what such a file never needs and what would otherwise be read silently or without bound:

* a file that is not UTF-8 text, or larger than :data:`MAX_BYTES`;
* a key given twice in one mapping (the YAML library keeps the last one silently);
* anchors, aliases and merge keys (``&a``, ``*a``, ``<<``): their expansion is unbounded
  (a few lines can expand to gigabytes), and nothing in these files needs them;
* non-finite numbers (``.inf``, ``.nan``, or an exponent too large for a float);
* nesting deeper than :data:`MAX_DEPTH`.

Every refusal is a :class:`YamlError` whose message is one line naming the line number; the
callers prefix the file's path.
"""

from __future__ import annotations

import math
import pickle
import threading
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node

MAX_BYTES = 1 << 20
"""Largest accepted file (1 MiB); the shipped files are a few kilobytes."""

MAX_DEPTH = 32
"""Deepest accepted nesting of mappings and lists."""


class YamlError(ValueError):
    """A YAML text is malformed or uses something the project's files do not allow (one line)."""


def _line(mark: Any) -> str:
    return f"line {mark.line + 1}" if mark is not None else "somewhere"


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without duplicate keys, anchors, aliases, merge keys or non-finite numbers."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """Compose a node, refusing aliases and anchors and bounding the depth."""
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise YamlError(f"{_line(event.start_mark)}: aliases (*{event.anchor}) are not allowed; write the value out")
        if isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor is not None:
            raise YamlError(f"{_line(event.start_mark)}: anchors (&{event.anchor}) are not allowed; write the value out")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlError(f"{_line(event.start_mark)}: nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Construct a mapping, refusing duplicate keys and merge keys."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(f"{_line(key_node.start_mark)}: merge keys (<<) are not allowed; write the keys out")
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise YamlError(f"{_line(key_node.start_mark)}: a key must be a plain value") from None
            if duplicate:
                raise YamlError(f"{_line(key_node.start_mark)}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_float(self, node: Node) -> float:
        """Construct a float, refusing infinities, NaN and overflowing exponents."""
        value: float = super().construct_yaml_float(node)  # type: ignore[arg-type]
        if not math.isfinite(value):
            raise YamlError(f"{_line(node.start_mark)}: {node.value!r} is not a finite number")
        return value


StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)


def parse(text: str) -> Any:
    """Parse one YAML document strictly (see the module docstring).

    Raises:
        YamlError: One line naming the line number and the problem.
    """
    try:
        return yaml.load(text, Loader=StrictLoader)
    except YamlError:
        raise
    except (ComposerError, ConstructorError) as exc:
        raise YamlError(f"{_line(exc.problem_mark)}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML ({_line(getattr(exc, 'problem_mark', None))})") from None
    except RecursionError:
        raise YamlError(f"nested more than {MAX_DEPTH} levels deep") from None


def read_text(path: Path) -> str:
    """Read a small UTF-8 text file.

    Raises:
        YamlError: One line naming the problem (not found, unreadable, too large, not UTF-8);
            the caller adds the path.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise YamlError("is a folder, not a file") from None
    except OSError as exc:
        raise YamlError(f"cannot read file ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise YamlError(f"file too large (more than {MAX_BYTES // 1024} KiB)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not a UTF-8 text file (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def read(path: Path) -> tuple[Any, str]:
    """Read and parse a YAML file strictly (a text parsed before is not parsed again).

    Returns:
        The parsed document and the file's text.

    Raises:
        YamlError: One line naming the problem; the caller adds the path.
    """
    text = read_text(path)
    document = _PARSED.get(text)
    if document is None:
        document = pickle.dumps(parse(text), protocol=pickle.HIGHEST_PROTOCOL)
        if len(text) <= _PARSED_TEXT:
            with _PARSED_LOCK:
                while len(_PARSED) >= _PARSED_FILES:
                    _PARSED.pop(next(iter(_PARSED)))
                _PARSED[text] = document
    return pickle.loads(document), text


_PARSED: dict[str, bytes] = {}
"""Documents already parsed, by their text (pickled, so that each caller gets its own copy).

A model built from a shipped scenario name reads two or three files (the scenario and those
it extends), and parsing them takes about 5 ms, more than a month of a 3,000-refugee run.
Reading a file again is cheap; its text decides whether it must be parsed again.
"""

_PARSED_FILES = 128
"""Most documents kept (the oldest is dropped first)."""

_PARSED_TEXT = 64 * 1024
"""Longest text kept (characters): the shipped files are a few kilobytes."""

_PARSED_LOCK = threading.Lock()


KINDS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("a scenario", frozenset({"extends", "labour_market", "art60", "one_on_one", "organisation", "labs"}), "throughflow run"),
    ("a sweep declaration", frozenset({"factors", "samples"}), "throughflow sweep"),
    ("a sensitivity declaration", frozenset({"outcomes", "method", "groups"}), "throughflow sensitivity"),
    ("a calibration declaration", frozenset({"targets", "generations", "evidence"}), "throughflow calibrate"),
)
"""Keys that only one kind of the project's files has, and the command that reads that kind."""


def unknown_key(where: str, data: dict[str, Any], known: set[str] | frozenset[str]) -> str | None:
    """The one-line message for a mapping with a key outside ``known``, or ``None`` when every key is known.

    When the keys are those of another kind of file (a scenario given to ``sweep``, say),
    the message says so and names the command that reads it.
    """
    unknown = sorted(map(str, set(data) - known))
    if not unknown:
        return None
    message = f"{where}: {unknown[0]}: unknown key"
    for kind, telltale, command in KINDS:
        if set(unknown) & telltale:
            return f"{message} (this looks like {kind}: use {command})"
    return message
