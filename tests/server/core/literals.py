"""The whole string literals of Python and JavaScript sources, and the maps written with them.

Enough of a reader for the "no second spelling" test: Python through ``ast``; JavaScript
through a small tokenizer that knows strings, template literals, comments and regular
expressions. Fragments (the text around ``{...}`` in an f-string or ``${...}`` in a template)
are not whole literals and are left out.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Literal:
    """A whole string literal; ``key`` is the dict or object key it is the value of, if any."""

    path: str
    line: int
    text: str
    key: str | None = None


@dataclass
class Mapping:
    """A dict or object literal (``owner``: the name it is assigned to): its string keys with
    the string, or the tuple of strings, each maps to."""

    path: str
    line: int
    owner: str | None = None
    pairs: list[tuple[str, str | tuple[str, ...]]] = field(default_factory=list)


@dataclass(frozen=True)
class Sequence:
    """A list, tuple, set or array literal of strings only."""

    path: str
    line: int
    items: tuple[str, ...]


Found = tuple[list[Literal], list[Mapping], list[Sequence]]


def python_source(path: Path, root: Path) -> Found:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = path.relative_to(root).as_posix()
    fragments = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    keys, owners = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys[id(value)] = key.value
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                owners[id(node.value)] = targets[0].id
    literals, mappings, sequences = [], [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in fragments:
            literals.append(Literal(name, node.lineno, node.value, keys.get(id(node))))
        elif isinstance(node, ast.Dict):
            found = Mapping(name, node.lineno, owners.get(id(node)))
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found.pairs.append((key.value, value.value))
                    elif texts := _python_texts(value):
                        found.pairs.append((key.value, texts))
            mappings.append(found)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = _python_texts(node) if node.elts else ()
            if items:
                sequences.append(Sequence(name, node.lineno, items))
    return literals, mappings, sequences


def _python_texts(node: ast.AST) -> tuple[str, ...]:
    """The strings of a list, tuple or set literal of strings only, else ()."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return tuple(e.value for e in node.elts)
    return ()


# After one of these, a "/" starts a regular expression, not a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", "case", "of", "in", "=>", ""}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\", "`": "`", "0": "\0"}


def js_source(path: Path, root: Path) -> Found:
    """String tokens (with the object key each is the value of), the `key: 'text'` pairs of each
    object literal, and the arrays of strings only."""
    src = path.read_text(encoding="utf-8")
    name = path.relative_to(root).as_posix()
    tokens = list(_js_tokens(src))
    literals, mappings, sequences = [], [], []
    # Open brackets: a Mapping for an object, a list of its strings for an array, None for ( or
    # an array that holds anything but strings.
    stack: list[Mapping | list | None] = []
    for i, (kind, text, line) in enumerate(tokens):
        top = stack[-1] if stack else None
        before = tokens[i - 1][1] if i else ""
        if kind == "str":
            keyed = i >= 3 and tokens[i - 1][1] == ":" and tokens[i - 3][1] in ("{", ",")
            key = tokens[i - 2][1] if keyed and tokens[i - 2][0] in ("str", "word") else None
            literals.append(Literal(name, line, text, key if isinstance(top, Mapping) else None))
            after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
            if isinstance(top, Mapping) and key is not None and after in (",", "}"):
                top.pairs.append((key, text))
            if isinstance(top, list) and before in ("[", ",") and after in (",", "]"):
                top.append(text)
            elif isinstance(top, list):
                stack[-1] = None
        elif kind == "punct" and text == "{":
            owner = tokens[i - 2][1] if i >= 2 and before == "=" and tokens[i - 2][0] == "word" else None
            stack.append(Mapping(name, line, owner))
        elif kind == "punct" and text == "[":
            stack.append([])
            stack[-1].append(line)
        elif kind == "punct" and text == "(":
            stack.append(None)
        elif kind == "punct" and text in ")]}":
            closed = stack.pop() if stack else None
            if isinstance(closed, Mapping):
                mappings.append(closed)
            elif isinstance(closed, list) and len(closed) > 1:
                sequences.append(Sequence(name, closed[0], tuple(closed[1:])))
        elif isinstance(top, list) and not (kind == "punct" and text == ","):
            stack[-1] = None  # an array of more than strings
    return literals, mappings, sequences


def _js_tokens(src: str):
    """(kind, text, line): kind is "str" (a whole string), "word" or "punct".

    The code inside a template's ``${...}`` is tokenized like any other: a stack tells the
    ``}`` that closes it from one that closes a block.
    """
    i, line, prev, n = 0, 1, "", len(src)
    braces: list[str] = []
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif src.startswith("//", i):
            end = src.find("\n", i)
            i = n if end < 0 else end
        elif src.startswith("/*", i):
            end = src.index("*/", i + 2) + 2
            line += src.count("\n", i, end)
            i = end
        elif c in "'\"":
            text, i = _js_string(src, i, c)
            yield "str", text, line
            prev = "str"
        elif c == "`" or (c == "}" and braces and braces[-1] == "${"):
            if c == "}":
                braces.pop()
            start = i
            text, i, ended = _js_template_part(src, i + 1)
            if not ended:
                braces.append("${")
            elif c == "`":
                yield "str", text, line  # no ${...}: a whole literal
            line += src.count("\n", start, i)
            prev = "str" if ended else "("
        elif c == "/" and prev in _REGEX_AFTER:
            i = _js_regex_end(src, i)
            prev = "regex"
        elif c.isalnum() or c in "_$":
            m = _WORD.match(src, i)
            yield "word", m.group(), line
            prev = m.group()
            i = m.end()
        elif src.startswith("=>", i):
            prev, i = "=>", i + 2
        else:
            if c == "{":
                braces.append("{")
            elif c == "}" and braces:
                braces.pop()
            yield "punct", c, line
            prev = c
            i += 1


_WORD = re.compile(r"[\w$]+")


def _js_string(src: str, i: int, quote: str) -> tuple[str, int]:
    out, i = [], i + 1
    while src[i] != quote:
        if src[i] == "\\":
            out.append(_ESCAPES.get(src[i + 1], src[i + 1]))
            i += 2
        else:
            out.append(src[i])
            i += 1
    return "".join(out), i + 1


def _js_template_part(src: str, i: int) -> tuple[str, int, bool]:
    """Template text from ``i`` to the closing backtick (ended) or to a ``${`` (not ended)."""
    out = []
    while True:
        if src[i] == "\\":
            out.append(_ESCAPES.get(src[i + 1], src[i + 1]))
            i += 2
        elif src[i] == "`":
            return "".join(out), i + 1, True
        elif src.startswith("${", i):
            return "".join(out), i + 2, False
        else:
            out.append(src[i])
            i += 1


def _js_regex_end(src: str, i: int) -> int:
    i, in_class = i + 1, False
    while True:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            i += 1
            break
        i += 1
    while i < len(src) and src[i].isalpha():
        i += 1
    return i
