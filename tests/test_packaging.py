"""The wheel carries the bundled knowledge base, and an installed engine finds it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                             str(out), str(ROOT)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{result.stderr[-2000:]}")
    return next(out.glob("playbook_engine-*.whl"))


@pytest.mark.slow
def test_wheel_contains_the_knowledge_base(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("rules", "journey_maps", "playbooks"):
        bundled = {Path(n).name for n in names if n.startswith(f"engine/_kb/{folder}/")}
        assert bundled == {p.name for p in (ROOT / folder).glob("*.yaml")}, folder
    assert any(n.endswith("entry_points.txt") for n in names)


@pytest.mark.slow
def test_wheel_carries_the_journal_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {str(p.relative_to(ROOT)) for p in (ROOT / "engine/journal/migrations").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert {"engine/journal/migrations/env.py",
            "engine/journal/migrations/versions/v0001_initial.py"} <= shipped <= names


@pytest.mark.slow
def test_wheel_carries_the_pages_templates_words_and_stylesheet(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    pages = ROOT / "engine/render/pages"
    shipped = {str(p.relative_to(ROOT)) for p in pages.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert {"engine/render/pages/templates/day.html", "engine/render/pages/static/style.css",
            "engine/render/pages/locale/ru/LC_MESSAGES/pages.po"} <= shipped <= names


@pytest.mark.slow
def test_installed_engine_finds_its_knowledge_base(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import engine, sys; kb = engine.default_kb(); "
            "print(kb.root.relative_to(sys.argv[1]), len(kb.rules))")
    result = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True,
                            text=True, cwd=tmp_path, env={"PYTHONPATH": str(site)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "engine/_kb"
