"""YAML syntax errors name the wrong line and say what to do, the same from either parser."""

from __future__ import annotations

import pytest
import yaml

from engine.errors import Diagnostic
from engine.kb.yaml_errors import syntax_error

RULES = """\
rules:
  - id: a
    priority: 1
    when: {nps: 3}
    then:
      - next_step: b
  - id: c
    priority: 2
"""
BROKEN = {  # name -> (text, code, line:col, expected)
    "tab": (RULES.replace("    priority: 1", "\tpriority: 1"), "yaml-tab", (3, 1),
            "spaces: YAML indents with spaces only"),
    "item one space left": (RULES.replace("  - id: c", " - id: c"), "yaml-indentation", (7, 2),
                            "column 3, lined up with line 2 (- id: a)"),
    "key two spaces right": (RULES.replace("    priority: 2", "      priority: 2"),
                             "yaml-indentation", (8, 7),
                             "column 5, lined up with line 7 (- id: c)"),
    "key one space left": (RULES.replace("    then:", "   then:"), "yaml-indentation", (5, 4),
                           "column 5, lined up with line 4 (when: {nps: 3})"),
    "colon in a value": (RULES.replace("priority: 1", "priority: 1: 2"), "yaml-syntax", (3, 16),
                         "a value with ': ' in it written in quotes"),
}
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


def diagnose(text: str, loader: type) -> Diagnostic:
    with pytest.raises(yaml.MarkedYAMLError) as info:
        yaml.compose(text, Loader=loader)
    return syntax_error(info.value, text, "r.yaml")


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("case", list(BROKEN))
def test_a_syntax_error_says_where_and_what(case: str, loader: type) -> None:
    text, code, (line, col), expected = BROKEN[case]
    found = diagnose(text, loader)
    assert (found.code, found.location and (found.location.line, found.location.col),
            found.expected) == (code, (line, col), expected)


def test_the_indentation_hint_says_which_way() -> None:
    found = diagnose(BROKEN["item one space left"][0], yaml.SafeLoader)
    assert found.message == "this line starts at column 2, which lines up with nothing above it"
    assert found.hint == ("move it 1 space right: items of one list, and keys of one mapping, "
                          "start in the same column")


def test_other_syntax_errors_keep_the_parsers_words() -> None:
    found = diagnose('rules: "unclosed\n', yaml.SafeLoader)
    assert found.code == "yaml-syntax" and found.expected == "valid YAML"
    assert "found unexpected end of stream" in found.message
