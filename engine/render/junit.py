"""A scenario run as JUnit XML (``playbook test --junit-xml FILE``), the report CI servers read.

One ``testsuite`` per scenario file (its ``file``), one ``testcase`` per case run; a failed
case carries a ``failure`` with every expectation that did not hold, each after the case's
file:line. A scenario file with mistakes is a suite with one ``error`` per mistake (its cases
did not run). The attributes are those of the JUnit schema Jenkins reads
(tests/data/junit-10.xsd). No times are written: the same run gives the same file, byte for byte.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from engine.errors import Diagnostic
from engine.tools.scenario_results import CaseResult, TestRun

SUITES = "playbook test"


def junit_xml(run: TestRun) -> str:
    root = ET.Element("testsuites", name=SUITES, tests=str(len(run.cases)),
                      failures=str(run.failed), errors=str(len(run.problems)))
    for path, cases in groupby(run.cases, key=lambda c: c.location.path):
        _suite(root, path, list(cases))
    for path, problems in groupby(run.problems, key=lambda d: d.location.path if d.location
                                  else ""):
        _broken(root, path, list(problems))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(root: ET.Element, path: str, cases: list[CaseResult]) -> None:
    failed = sum(not c.passed for c in cases)
    suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(cases)),
                          failures=str(failed), errors="0", skipped="0", file=path)
    for case in cases:
        element = ET.SubElement(suite, "testcase", name=case.name, classname=_classname(path))
        if case.failures:
            failure = ET.SubElement(element, "failure", type="expectation",
                                    message=case.failures[0].message)
            failure.text = "\n".join(f"{case.location.path}:{case.location.line}: {f.message}"
                                      for f in case.failures)


def _broken(root: ET.Element, path: str, problems: list[Diagnostic]) -> None:
    suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(problems)), failures="0",
                          errors=str(len(problems)), skipped="0", file=path)
    for problem in problems:
        line = problem.location.line if problem.location else 0
        element = ET.SubElement(suite, "testcase", name=f"{path}:{line}: {problem.code}",
                                classname=_classname(path))
        error = ET.SubElement(element, "error", type=problem.code, message=problem.message)
        error.text = problem.render()


def _classname(path: str) -> str:
    """``rules/ads.test.yaml`` -> ``rules.ads``, as CI servers group test classes."""
    return path.removesuffix(".test.yaml").removesuffix(".yaml").replace("/", ".")
