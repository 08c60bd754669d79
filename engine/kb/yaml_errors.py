"""YAML syntax errors said so that a person can fix them: the line that is wrong and what to do.

The parsers' own words (``expected <block end>, but found '<block sequence start>'``, or
libyaml's ``did not find expected key``) are replaced, from the text itself, with what went
wrong: a tab where YAML wants spaces, a line indented to the wrong column (with the column it
should start at, lined up with a line above), a ``:`` inside a value that needs quotes. Anything
else keeps the parser's words. Works the same for the pure-Python and the libyaml parser.
"""

from __future__ import annotations

import yaml

from engine.errors import Diagnostic, Location

INDENTATION = ("expected <block end>", "did not find expected key",
               "did not find expected '-' indicator")
COLON = ("mapping values are not allowed",)


def syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Diagnostic("yaml-syntax", str(exc.problem or exc.context), Location(path),
                          expected="valid YAML")
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    where = Location(path, mark.line + 1, mark.column + 1)
    problem = str(exc.problem or exc.context)
    tab = line.find("\t")
    if "\t" in line and (tab <= mark.column or "cannot start any token" in problem):
        return _tab(path, mark.line, tab, line)
    if problem.startswith(INDENTATION) or (problem.startswith(COLON)
                                           and line.find(":") == mark.column):
        # a key deeper than its neighbours reads as the continuation of the value above it
        return _indentation(where, lines, mark.line, problem)
    if problem.startswith(COLON):
        return Diagnostic("yaml-syntax", "a ':' followed by a space inside a value", where,
                          expected="a value with ': ' in it written in quotes",
                          hint="put the value in quotes ('...'), or start the key on a line "
                               "of its own")
    return Diagnostic("yaml-syntax", problem, where, expected="valid YAML")


def _tab(path: str, index: int, column: int, line: str) -> Diagnostic:
    leading = not line[:column].strip()
    return Diagnostic(
        "yaml-tab", "a tab " + ("indents this line" if leading else "is used in this line"),
        Location(path, index + 1, column + 1), expected="spaces: YAML indents with spaces only",
        hint="replace the tab with spaces (set the editor to insert spaces for Tab)")


def _indentation(where: Location, lines: list[str], index: int, problem: str) -> Diagnostic:
    line = lines[index] if index < len(lines) else ""
    column = len(line) - len(line.lstrip(" "))
    found = _aligned(lines, index, column, line.lstrip(" ").startswith("- "))
    if found is None:
        return Diagnostic("yaml-syntax", problem, where, expected="valid YAML")
    want, above = found
    shown = lines[above].strip()
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    steps = abs(column - want)
    move = f"{steps} space{'s' if steps > 1 else ''} {'left' if column > want else 'right'}"
    return Diagnostic(
        "yaml-indentation", f"this line starts at column {column + 1}, which lines up with "
        "nothing above it", Location(where.path, index + 1, column + 1),
        expected=f"column {want + 1}, lined up with line {above + 1} ({shown})",
        hint=f"move it {move}: items of one list, and keys of one mapping, start in the same "
             "column")


def _aligned(lines: list[str], index: int, column: int, item: bool) -> tuple[int, int] | None:
    """The open indentation level nearest to ``column`` at line ``index`` (of list items when
    the line is one), and the line above that set it."""
    levels: list[tuple[int, int, bool]] = []  # (indent, line, is a list item)
    deepest = 10**6
    for above in range(index - 1, -1, -1):
        text = lines[above]
        body = text.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(text) - len(body)
        if indent < deepest or (indent == deepest and body.startswith("- ")):
            is_item = body.startswith("- ")
            levels.append((indent, above, is_item))
            if is_item:  # the keys of the item's mapping start after "- "
                levels.append((indent + 2, above, False))
            deepest = indent
    kind = [lv for lv in levels if lv[2] == item] or levels
    if not kind:
        return None
    indent, above, _ = min(kind, key=lambda lv: (abs(lv[0] - column), -lv[0]))
    return (indent, above) if indent != column else None
