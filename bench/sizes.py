"""The largest modules and functions of the engine: a report for maintainers, not a test.

    python bench/sizes.py [--top 15]

Modules are cut by idea, not by a line count (README, "Layout"); this shows where size has
gathered, so a maintainer can ask whether a module still holds one idea.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def sizes() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    modules, functions = [], []
    for path in sorted(ENGINE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ENGINE.parent))
        modules.append((len(source.splitlines()), where))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                functions.append((length, f"{where}:{node.lineno} {node.name}()"))
    return sorted(modules, reverse=True), sorted(functions, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    modules, functions = sizes()
    print(f"{len(modules)} modules, {sum(n for n, _ in modules)} lines; the largest:")
    for n, where in modules[:args.top]:
        print(f"  {n:5} {where}")
    print(f"{len(functions)} functions; the longest:")
    for n, where in functions[:args.top]:
        print(f"  {n:5} {where}")


if __name__ == "__main__":
    main()
