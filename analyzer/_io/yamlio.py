"""Safe YAML reading that remembers where every value came from.

Only ``yaml.SafeLoader`` is used, so tags such as ``!!python/object`` are refused. Files over
``MAX_BYTES`` and documents whose aliases expand past ``MAX_NODES`` values ("billion laughs")
are refused before anything is built from them. Every mapping key and value keeps its line and
column, so validation errors can point at the exact place in the file.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analyzer.errors import InputError, Problem

#: libyaml's C parser when PyYAML was built with it (faster), else the pure-Python one;
#: both are safe loaders and report the same marks and errors.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000
MAX_NODES = 50_000
#: Collections nested deeper than this are refused before a node tree is built: a questionnaire
#: needs five levels, and PyYAML's composer recurses once per level.
MAX_DEPTH = 32

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Marks:
    """1-based (line, column) of each value and each mapping key, by path from the root."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: Loc, *, prefer_key: bool = False) -> tuple[int, int]:
        """The closest known position for ``loc``: itself, else its nearest ancestor."""
        path = tuple(loc)
        while True:
            table = (self.keys, self.values) if prefer_key else (self.values, self.keys)
            for marks in table:
                if path in marks:
                    return marks[path]
            if not path:
                return (1, 1)
            path = path[:-1]


@dataclass(frozen=True)
class LoadedYaml:
    """A parsed YAML document with the positions of its nodes."""

    path: Path
    data: Any
    marks: Marks


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of values the node stands for once aliases are expanded (memoised, so linear)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive aliases
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = min(size, MAX_NODES * 10)
    return memo[key]


def _record(
    node: yaml.Node, loc: Loc, marks: Marks, problems: list[Problem], name: str, depth: int = 0
) -> None:
    if depth > 64:
        return
    marks.values.setdefault(loc, _mark(node))
    if isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _record(child, (*loc, i), marks, problems, name, depth + 1)
    elif isinstance(node, yaml.MappingNode):
        seen: set[Hashable] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            if key in seen:
                line, col = _mark(key_node)
                path = _format_loc((*loc, key))
                problems.append(
                    Problem(name, f"duplicate key '{key}' (only one is allowed)", line, col, path)
                )
            seen.add(key)
            marks.keys.setdefault((*loc, key), _mark(key_node))
            _record(value_node, (*loc, key), marks, problems, name, depth + 1)


def _format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


format_loc = _format_loc


def _too_deep(text: str, name: str) -> Problem | None:
    """A Problem at the first collection nested deeper than MAX_DEPTH (the parser does not
    recurse, so this is safe on any input), else None."""
    depth = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return Problem(
                    name,
                    f"values are nested more than {MAX_DEPTH} levels deep; refusing to read them",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based line and column, or '' past the end."""
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


def parse_yaml(text: str, name: str) -> tuple[Any, Marks]:
    """Parse one YAML document from ``text``; raise InputError naming ``name`` on any problem."""
    try:
        return _parse_yaml(text, name)
    except RecursionError:  # a last guard: aliases can nest values deeper than the text does
        raise InputError(
            [Problem(name, "values are nested too deeply; refusing to read them")]
        ) from None


def _parse_yaml(text: str, name: str) -> tuple[Any, Marks]:
    loader = SAFE_LOADER(text)
    try:
        try:
            deep = _too_deep(text, name)
            if deep is not None:
                raise InputError([deep])
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
            message = exc.problem or "invalid YAML"
            if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
                message = "a tab character; YAML indents with spaces only"
            if "expected a single document" in str(exc.context or ""):
                message = "the file holds more than one YAML document; keep exactly one"
            raise InputError([Problem(name, f"YAML syntax error: {message}", line, col)]) from None
        except yaml.YAMLError as exc:
            raise InputError([Problem(name, f"YAML error: {exc}")]) from None
        if node is None:
            raise InputError([Problem(name, "the file is empty; start from `analyzer init`", 1, 1)])
        if _expanded_size(node, {}) > MAX_NODES:
            raise InputError(
                [
                    Problem(
                        name,
                        f"the document expands to more than {MAX_NODES:,} values through "
                        "anchors and aliases; refusing to read it",
                        *_mark(node),
                    )
                ]
            )
        marks = Marks()
        problems: list[Problem] = []
        _record(node, (), marks, problems, name)
        if problems:
            raise InputError(problems)
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
            message = str(exc.problem or "could not read a value")
            if "could not determine a constructor" in message:
                message = (
                    f"{message.split(' for the tag ')[-1]} tags are not allowed; "
                    "write plain values"
                )
            raise InputError([Problem(name, f"YAML error: {message}", line, col)]) from None
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise InputError([Problem(name, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    return data, marks


def read_text(path: Path, *, max_bytes: int = MAX_BYTES, what: str = "file") -> str:
    """Read a UTF-8 text file, refusing missing, oversized, binary or undecodable files."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError([Problem(name, f"no such {what}")]) from None
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read the {what}: {exc.strerror}")]) from None
    if path.is_dir():
        raise InputError([Problem(name, f"is a folder, not a {what}")])
    if size > max_bytes:
        raise InputError(
            [Problem(name, f"the {what} is {size:,} bytes; the limit is {max_bytes:,} bytes")]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read the {what}: {exc.strerror}")]) from None
    if b"\x00" in raw:
        raise InputError([Problem(name, f"the {what} is binary, not YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(name, f"not valid UTF-8 text (byte {exc.start:,})", line)]
        ) from None
    return text


def load_yaml(path: str | Path, *, what: str = "file") -> LoadedYaml:
    """Read and parse a YAML file safely, keeping node positions."""
    p = Path(path)
    text = read_text(p, what=what)
    data, marks = parse_yaml(text, str(p))
    return LoadedYaml(p, data, marks)
