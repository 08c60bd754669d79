"""Fast start: a command imports only what it runs; --version, python -m engine, py.typed."""

from __future__ import annotations

import gc
import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engine
import engine.cli.validate
from engine.cli import COMMANDS, PLUGINS, YOUNG, main

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


PROBE_PLUGIN = """import os
with open(os.environ["PROBE_MARK"], "a", encoding="utf-8") as mark:
    mark.write("looked for\\n")


class Plugin:
    def new_schema_validator(self, *args, **kwargs):
        return None, None, None


plugin = Plugin()
"""


def plugin_loaded(tmp_path: Path, code: str, **env: str) -> bool:
    """Whether pydantic loaded a plugin installed as a distribution with a ``pydantic`` entry
    point, in a fresh process running ``code``."""
    site = tmp_path / "site"
    info = site / "probe_plugin-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: probe-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nprobe = probe_plugin:plugin\n")
    (site / "probe_plugin.py").write_text(PROBE_PLUGIN)
    mark = tmp_path / "mark"
    mark.unlink(missing_ok=True)
    base = {k: v for k, v in os.environ.items() if k != PLUGINS}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={**base, "PYTHONPATH": f"{site}{os.pathsep}{ROOT}",
                                             "PROBE_MARK": str(mark), **env})
    assert done.returncode == 0, done.stderr
    return mark.exists()


@pytest.mark.slow
def test_the_command_does_not_look_for_pydantic_plugins_unless_the_user_says(
        tmp_path: Path) -> None:
    """Looking for plugins reads every installed distribution's entry points: the command
    skips it (PYDANTIC_DISABLE_PLUGINS=__all__), a user's own setting of the variable is kept,
    and the library (a program importing engine) is left as pydantic has it."""
    command = ("import sys\nfrom engine.cli import main\n"
               f"sys.exit(main(['validate', '--no-cache', '--kb', {str(SMALL_KB)!r}]))")
    library = f"import engine\nengine.load({str(SMALL_KB)!r})"
    assert plugin_loaded(tmp_path, library)  # the probe is found where nothing stops it
    assert not plugin_loaded(tmp_path, command)
    assert plugin_loaded(tmp_path, command, PYDANTIC_DISABLE_PLUGINS="another_plugin")
    assert not plugin_loaded(tmp_path, library, PYDANTIC_DISABLE_PLUGINS="probe")


def test_a_command_starts_lean_and_leaves_the_process_as_it_was(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """While the command runs: no plugin lookup, the collector on with its youngest generation
    collected after 10,000 new objects; after it, the variable, the collector and its thresholds
    as they were (a program or a test may call main() and go on)."""
    seen: list[tuple[str | None, bool, tuple[int, int, int]]] = []

    def run(args: object) -> int:
        seen.append((os.environ.get(PLUGINS), gc.isenabled(), gc.get_threshold()))
        return 0

    monkeypatch.setattr(engine.cli.validate, "run", run)
    monkeypatch.delenv(PLUGINS, raising=False)
    before = gc.isenabled(), gc.get_threshold()
    assert main(["validate", "--kb", str(SMALL_KB)]) == 0
    assert seen == [("__all__", True, YOUNG)]
    assert PLUGINS not in os.environ and (gc.isenabled(), gc.get_threshold()) == before
    monkeypatch.setenv(PLUGINS, "probe")
    assert main(["validate", "--kb", str(SMALL_KB)]) == 0
    assert seen[-1][0] == "probe" and os.environ[PLUGINS] == "probe"


def test_serve_starts_as_the_library_would(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-running service keeps pydantic's plugins (tracing, metrics) and the collector's
    thresholds as they were."""
    import engine.cli.serve

    seen: list[tuple[str | None, tuple[int, int, int]]] = []

    def run(args: object) -> int:
        seen.append((os.environ.get(PLUGINS), gc.get_threshold()))
        return 0

    monkeypatch.setattr(engine.cli.serve, "run", run)
    monkeypatch.delenv(PLUGINS, raising=False)
    assert main(["serve", "--lang", "en"]) == 0
    assert seen == [(None, gc.get_threshold())] and gc.get_threshold() != YOUNG
