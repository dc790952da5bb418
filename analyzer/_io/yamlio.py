"""Safe YAML reading that remembers where every value came from.

Only ``yaml.SafeLoader`` is used, so tags such as ``!!python/object`` are refused. Files over
``MAX_BYTES`` and documents whose aliases expand past ``MAX_NODES`` values ("billion laughs")
are refused before anything is built from them. Every mapping key and value keeps its line and
column, so validation errors can point at the exact place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analyzer._io.safeio import describe_encoding, read_bytes_limited
from analyzer.errors import InputError, Problem

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
#: YAML 1.2 core-schema numbers (https://yaml.org/spec/1.2.2/#1032-tag-resolution), decimal only:
#: ``1e3`` is 1000 (YAML 1.1 reads it as text), and no sexagesimal, octal, hex or underscores.
_INT_12 = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT_12 = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z"
    r"|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z"
)
#: Plain values YAML 1.1 reads as numbers a person rarely means (``1:30`` is 90, ``010`` is 8,
#: ``0x10`` is 16, ``1_0`` is 10): refused with their location rather than guessed.
_AMBIGUOUS = re.compile(
    r"[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"  # sexagesimal
    r"|0[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"  # a leading zero (octal in YAML 1.1)
    r"|0[bB][01_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+"  # binary, octal, hex
    r"|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"  # underscores
    r"|[0-9]*\.[0-9_]*_[0-9_]*(?:[eE][-+]?[0-9]+)?)\Z"
)


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader with YAML 1.2 core-schema numbers instead of YAML 1.1's."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, _INT_12, list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, _FLOAT_12, list("-+.0123456789"))

#: libyaml's C parser when PyYAML was built with it (faster), else the pure-Python one;
#: both are safe loaders and report the same marks and errors.
SAFE_LOADER: Any = _Loader


def needs_quotes(text: str) -> bool:
    """Whether ``text`` written plain would not read back as this text (a number, a boolean,
    null, a date, or a value refused as ambiguous): then a writer must quote it."""
    tag = _Loader.resolve(_Loader, yaml.ScalarNode, text, (True, False))
    return tag != "tag:yaml.org,2002:str" or ambiguous_number(text)


def ambiguous_number(text: str) -> bool:
    """Whether a plain value is one YAML 1.1 would read as a number nobody means (``1:30``)."""
    return _AMBIGUOUS.match(text) is not None

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


def _distinct_nodes(root: yaml.Node) -> int:
    """Number of distinct nodes (an alias counted once), stopping past MAX_NODES."""
    seen: set[int] = set()
    stack = [root]
    while stack and len(seen) <= MAX_NODES:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    return len(seen)


def _record(
    node: yaml.Node, loc: Loc, marks: Marks, problems: list[Problem], name: str, depth: int = 0
) -> None:
    if depth > 64:
        return
    marks.values.setdefault(loc, _mark(node))
    if isinstance(node, yaml.ScalarNode):
        if not node.style and ambiguous_number(node.value):
            line, col = _mark(node)
            problems.append(
                Problem(
                    name,
                    f"'{node.value}' is ambiguous (YAML 1.1 reads it as a number in base 60, 8 "
                    "or 16, or without its underscores); write a plain decimal number, or put "
                    "it in quotes if it is text",
                    line,
                    col,
                    _format_loc(loc) or None,
                )
            )
    elif isinstance(node, yaml.SequenceNode):
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
            how = (
                f"holds more than {MAX_NODES:,} values"
                if _distinct_nodes(node) > MAX_NODES
                else f"expands to more than {MAX_NODES:,} values through anchors and aliases"
            )
            raise InputError(
                [Problem(name, f"the document {how}; refusing to read it", *_mark(node))]
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


def read_text(
    path: Path, *, max_bytes: int = MAX_BYTES, what: str = "file", kind: str = "YAML text"
) -> str:
    """Read a UTF-8 text file, refusing missing, oversized, binary or undecodable files;
    ``kind`` names the text expected (a binary file is "not YAML text", "not CSV text")."""
    name = str(path)
    raw = read_bytes_limited(path, max_bytes=max_bytes, what=what)
    encoding = describe_encoding(raw)
    if encoding is not None:
        raise InputError([Problem(name, f"the {what} is {encoding} text; save it as UTF-8")])
    if b"\x00" in raw:
        raise InputError([Problem(name, f"the {what} is binary, not {kind}")])
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
