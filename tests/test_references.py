"""Every file or module the docs and docstrings name exists: ``engine/...`` paths in Python
sources and Markdown, and dotted ``engine.x.y`` names in the docs (a module, or a name in one)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from .conftest import ROOT

PATH = re.compile(r"\bengine/[A-Za-z0-9_/]+(?:\.[a-z]+)?")
DOTTED = re.compile(r"(?<![\w/.])engine(?:\.[a-z_][a-z0-9_]*)+")
BUILT = ("engine/_kb",)  # made when the wheel is built (pyproject.toml, force-include)


def texts() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for folder in ("engine", "bench", "tests"):
        found += sorted(p for p in (ROOT / folder).rglob("*.py") if "data" not in p.parts)
    return found


def test_every_engine_path_named_exists() -> None:
    missing = [f"{path.relative_to(ROOT)}: {name}" for path in texts()
               for name in PATH.findall(path.read_text(encoding="utf-8"))
               if not name.startswith(BUILT) and not (ROOT / name).exists()]
    assert missing == []


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


@pytest.mark.parametrize("doc", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))],
                         ids=lambda p: p.name)
def test_every_dotted_engine_name_in_the_docs_resolves(doc: Path) -> None:
    names = sorted(set(DOTTED.findall(doc.read_text(encoding="utf-8"))))
    assert [n for n in names if not _resolves(n.rstrip("."))] == []
