"""``playbook init``: a new knowledge base in a folder, with the JSON Schemas its files name.

The new knowledge base is a copy of the bundled one, or a minimal skeleton (one rule with its
scenarios, one journey map, one playbook entry; engine/tools/skeleton/). Every file's first line
points at ``../schemas/KIND.schema.json``; the schemas are written for the new knowledge base,
so those lines work and editors complete its names.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from engine.api import load
from engine.errors import UserMistake
from engine.kb.files import FOLDERS, bundled_root
from engine.kb.knowledge_base import KnowledgeBase
from engine.tools import schemas

SKELETON = Path(__file__).resolve().parent / "skeleton"


@dataclass(frozen=True)
class Created:
    root: Path
    files: tuple[Path, ...]  # the knowledge-base files copied, sorted
    schemas: tuple[Path, ...]
    kb: KnowledgeBase


def create(target: Path, minimal: bool = False) -> Created:
    """Copy the bundled knowledge base (or the skeleton) into ``target`` and write its schemas
    into ``target/schemas``."""
    _must_be_empty(target)
    source = SKELETON if minimal else bundled_root()
    try:
        files = tuple(_copy(source, target))
        kb = load(target)
        written = tuple(schemas.write_all(target / "schemas", kb))
    except OSError as exc:
        raise UserMistake(f"cannot write into {target}: {exc.strerror or exc}") from None
    return Created(target, files, written, kb)


def _must_be_empty(target: Path) -> None:
    """``target`` is new, or a folder without a knowledge base's folders (a fresh repository
    with its README is fine); nothing is ever overwritten."""
    if target.exists() and not target.is_dir():
        raise UserMistake(f"{target} is a file: give a folder")
    taken = [name for name in (*FOLDERS, "schemas") if (target / name).exists()]
    if taken:
        raise UserMistake(f"{target} already has {', '.join(n + '/' for n in taken)}: give a "
                          "folder without them")


def _copy(source: Path, target: Path) -> list[Path]:
    copied = []
    for folder in FOLDERS:
        (target / folder).mkdir(parents=True, exist_ok=True)
        for path in sorted((source / folder).glob("*.yaml")):
            copied.append(Path(shutil.copyfile(path, target / folder / path.name)))
    return copied
