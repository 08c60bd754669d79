"""The folder tree is the architecture: layers import only downward, and nothing imports in a
circle (imports inside functions and under TYPE_CHECKING count)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is part of the test extra"
    return subprocess.run([exe, "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          check=False)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every engine module ``path`` imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {name for name in found if name.startswith("engine")}


def import_graph() -> nx.DiGraph[str]:
    modules = {module_name(p): p for p in ENGINE.rglob("*.py")}
    graph: nx.DiGraph[str] = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in imports(path)
                             if target in modules and target != name)
    return graph


def test_the_layers_contract_holds() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_module_imports_in_a_circle() -> None:
    graph = import_graph()
    # a package's __init__ re-exporting its modules is not a cycle of meaning
    graph.remove_edges_from([(a, b) for a, b in list(graph.edges) if b.startswith(a + ".")])
    assert list(nx.simple_cycles(graph)) == []


@pytest.mark.slow
def test_a_new_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "*.pyc"))
    target = copy / "engine" / "language" / "templates.py"
    target.write_text(target.read_text(encoding="utf-8")
                      + "\nfrom engine.runtime import recommend as _upward  # noqa\n")
    result = subprocess.run([sys.executable, "-c", "import importlinter.cli as c, sys; "
                             "sys.exit(c.lint_imports(no_cache=True))"], cwd=copy,
                            capture_output=True, text=True, check=False,
                            env={"PYTHONPATH": str(copy), "PATH": ""})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "engine.language.templates -> engine.runtime" in result.stdout


# Names defined in several modules on purpose, each with one meaning: the library's calls with
# their defaults (engine/api.py) over the run time's; Dask's mirror of the local portfolio run;
# a file reader's and the matcher's ``build``; parsing text (YAML/JSON text, a reason template);
# each CRM's webhook events and records.
SAME_MEANING = {
    "recommend": {"engine.api", "engine.runtime.recommend"},
    "evaluate": {"engine.api", "engine.runtime.recommend"},
    "run": {"engine.portfolio.run", "engine.portfolio.dask", "engine.tools.scenarios"},
    "recommend_many": {"engine.portfolio.run", "engine.portfolio.dask"},
    "build": {"engine.kb.yaml_reader", "engine.kb.json_reader", "engine.matchers"},
    "parse": {"engine.kb.source", "engine.language.templates"},
    # each CRM's webhook events and a record as columns (engine/serve/crm/)
    "events": {"engine.serve.crm.amocrm", "engine.serve.crm.bitrix24"},
    "columns": {"engine.serve.crm.amocrm", "engine.serve.crm.bitrix24"},
    # a part's settings as JSON with every secret as '***' (what `playbook config` shows)
    "settings_json": {"engine.serve.settings", "engine.web.settings"},
}


def test_one_meaning_per_word() -> None:
    """Outside the command modules (each has ``run`` and ``add_arguments``), the reporters (one
    function per kind of result in each format) and the migrations, a public name is defined
    in one module, unless it is listed above with the same meaning everywhere."""
    where: dict[str, set[str]] = {}
    for path in sorted(ENGINE.rglob("*.py")):
        name = module_name(path)
        if name.startswith(("engine.cli.", "engine.render.", "engine.journal.migrations")):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, (ast.FunctionDef, ast.ClassDef))
                    and not node.name.startswith("_")):
                where.setdefault(node.name, set()).add(name)
    twice = {word: modules for word, modules in where.items()
             if len(modules) > 1 and modules != SAME_MEANING.get(word)}
    assert twice == {}


CORE = ("engine.api", "engine.language", "engine.kb", "engine.matchers", "engine.runtime",
        "engine.lint", "engine.portfolio", "engine.tools", "engine.models", "engine.errors")


def test_the_core_builds_its_values_with_keywords() -> None:
    """A value of the engine's own made with more than four positional arguments reads as a
    row of unnamed values: from the fifth on, they are named."""
    ours = {node.name for path in ENGINE.rglob("*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ClassDef)}
    found = []
    for path in sorted(ENGINE.rglob("*.py")):
        if not module_name(path).startswith(CORE):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and len(node.args) > 4:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in ours:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert found == []
