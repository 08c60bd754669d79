"""Fast start: a command imports only what it runs; --version, python -m engine, py.typed."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.cli import COMMANDS, main

from .conftest import ROOT, SMALL_KB

HEAVY = ("networkx", "rich", "jsonschema", "argcomplete")


def imported_by(tmp_path: Path, *argv: str) -> set[str]:
    """The modules a command imports, run in a fresh interpreter."""
    code = ("import json, sys\nfrom engine.cli import main\nsys.stdout = open(sys.argv[1], 'w')\n"
            "main(sys.argv[2:])\nsys.stdout = sys.__stdout__\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out"), *argv],
                          capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return set(json.loads(done.stdout.splitlines()[-1]))


def top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_the_command_table_matches_the_modules() -> None:
    for name, (module_name, help_line) in COMMANDS.items():
        module = importlib.import_module(f"engine.cli.{module_name}")
        assert name == module.NAME
        assert (module.__doc__ or "").strip().splitlines()[0] == help_line


def test_help_imports_no_subcommand_and_nothing_heavy(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "--help")
    assert (tmp_path / "out").read_text().startswith("usage: playbook [-h] [--version]")
    assert not {m for m in modules if m.startswith("engine.cli.")}
    assert not top(modules) & {*HEAVY, "pydantic", "yaml"}


def test_a_command_imports_only_itself(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "validate", "--kb", str(SMALL_KB))
    assert {m for m in modules if m.startswith("engine.cli.")} == {
        "engine.cli.validate", "engine.cli.common"}


def test_a_cached_validate_imports_nothing_heavy(tmp_path: Path) -> None:
    imported_by(tmp_path, "validate", "--kb", str(SMALL_KB))  # fills the cache
    modules = imported_by(tmp_path, "validate", "--kb", str(SMALL_KB))
    assert top(modules) & set(HEAVY) == set()


def test_a_cached_dry_run_of_a_client_file_imports_only_its_path(tmp_path: Path) -> None:
    """A dry run of a YAML client reads no export: the portfolio's readers, mapping and run
    loop (its process pool) are imported only for CSV and Parquet or --map; no settings file
    means no TOML reader."""
    argv = ("dry-run", str(ROOT / "examples" / "seasonal_store.yaml"), "--as-of", "2026-10-15")
    imported_by(tmp_path, *argv)  # fills the cache
    modules = imported_by(tmp_path, *argv)
    assert (tmp_path / "out").read_text().startswith("toyland (Toyland)")
    assert not {m for m in modules if m.startswith("engine.portfolio.")}
    assert not top(modules) & {"multiprocessing", "concurrent", "tomllib", "networkx"}


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"playbook {engine.__version__}\n"
    assert engine.__version__ == importlib.metadata.version("playbook-engine")


def test_python_dash_m_engine_is_the_command(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "engine", "validate", "--kb", str(SMALL_KB),
                           "--format", "json"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True


@pytest.mark.slow
def test_engine_is_typed_for_its_users(tmp_path: Path) -> None:
    """mypy on a user's script finds the package's types (py.typed), and checks calls."""
    assert (ROOT / "engine" / "py.typed").is_file()
    script = tmp_path / "user.py"
    script.write_text("import engine\n\nrec = engine.recommend({'id': 'c'})\n"
                      "reveal_type(rec.actions)\nx: int = engine.load('kb')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           str(script)], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "MYPYPATH": ""})
    assert "missing library stubs or py.typed marker" not in done.stdout
    assert "Revealed type is \"list[engine.models.Action]\"" in done.stdout
    assert 'Incompatible types in assignment (expression has type "KnowledgeBase"' in done.stdout


def test_unknown_attribute_of_engine_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'engine' has no attribute 'nope'"):
        engine.nope  # noqa: B018
    assert "recommend" in dir(engine)
