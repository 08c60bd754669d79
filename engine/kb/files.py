"""A knowledge base's files: where they are, and each read and validated against its model."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from engine.errors import Diagnostic, KnowledgeBaseError, Location
from engine.kb.echoes import declared
from engine.kb.limits import Limits
from engine.language.document import Document
from engine.models import JourneyMapFile, PlaybookFile, RulesFile

# folder -> (attribute of Parsed, model of each file)
FOLDERS: dict[str, tuple[str, type[BaseModel]]] = {
    "rules": ("rules", RulesFile),
    "journey_maps": ("journeys", JourneyMapFile),
    "playbooks": ("playbooks", PlaybookFile),
}
SCENARIO_SUFFIX = ".test.yaml"
M = TypeVar("M", bound=BaseModel)


@dataclass
class Parsed:
    """The valid files of a knowledge base, with their documents for locations."""

    root: Path
    rules: list[tuple[Document, RulesFile]] = field(default_factory=list)
    journeys: list[tuple[Document, JourneyMapFile]] = field(default_factory=list)
    playbooks: list[tuple[Document, PlaybookFile]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    digest: str = ""
    unsure: set[str] = field(default_factory=set)  # declared by files that did not load


def bundled_root() -> Path:
    """The bundled knowledge base: inside the installed package, or beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for root in (package / "_kb", package.parent):
        if (root / "rules").is_dir() and (root / "journey_maps").is_dir():
            return root
    raise KnowledgeBaseError([Diagnostic(
        "no-knowledge-base", "the bundled knowledge base is not installed",
        Location(str(package)), expected="rules/, journey_maps/ and playbooks/ folders",
        hint="reinstall playbook-engine, or pass --kb DIR")])


def is_root(folder: Path) -> bool:
    """Whether ``folder`` holds a knowledge base: rules/, journey_maps/ and playbooks/."""
    return all((folder / name).is_dir() for name in FOLDERS)


def enclosing(start: Path | None = None) -> Path | None:
    """The nearest folder holding a knowledge base: ``start`` (default: the current folder)
    or the nearest of its parents."""
    here = Path(os.path.abspath(start or os.getcwd()))
    return next((folder for folder in (here, *here.parents) if is_root(folder)), None)


def shown_path(path: Path) -> str:
    """A path as the user should see it: relative to where the user stands when it is below
    the current folder or below the knowledge base the current folder is in; else absolute."""
    relative = os.path.relpath(path)
    if not relative.startswith(".."):
        return relative
    above = enclosing()
    if above is not None and Path(os.path.abspath(path)).is_relative_to(above):
        return relative
    return str(path)


def knowledge_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(folder, file) of every knowledge-base file, sorted; scenarios are not part of it."""
    for folder in FOLDERS:
        for path in sorted((root / folder).glob("*.yaml")):
            if not path.name.endswith(SCENARIO_SUFFIX):
                yield folder, path


def scenario_files(root: Path) -> list[Path]:
    return sorted((root / "rules").glob(f"*{SCENARIO_SUFFIX}"))


def parse_model(path: Path, model: type[M]) -> tuple[Document, M | None, list[Diagnostic]]:
    """Read one file and validate it against its model."""
    from engine.kb.model_errors import diagnostics  # the YAML reader: only when files are read
    from engine.kb.source import read

    doc, problems = read(path, shown_path(path))
    if problems:
        return doc, None, problems
    if not isinstance(doc.data, dict):
        found = "an empty file" if doc.data is None else type(doc.data).__name__
        return doc, None, [Diagnostic("bad-file", f"expected a mapping at the top, found {found}",
                                      doc.loc(), expected=f"the keys of {model.__name__}")]
    try:
        return doc, model.model_validate(doc.data), []
    except ValidationError as exc:
        return doc, None, diagnostics(exc, model, doc)


def parse_all(root: Path) -> Parsed:
    parsed = Parsed(root)
    if not root.is_dir():
        parsed.problems.append(Diagnostic("not-a-knowledge-base", "no such folder", Location(
            shown_path(root)), expected="a folder with rules/, journey_maps/ and playbooks/"))
        return parsed
    missing = [f for f in FOLDERS if not (root / f).is_dir()]
    if missing:
        parsed.problems.append(Diagnostic(
            "not-a-knowledge-base",
            f"{shown_path(root)} has no {', '.join(f + '/' for f in missing)}",
            Location(shown_path(root)),
            expected="a folder with rules/, journey_maps/ and playbooks/"))
        return parsed
    digest = hashlib.sha256()
    for folder, path in knowledge_files(root):
        digest.update(f"{folder}/{path.name}\0".encode())
        digest.update(_version_bytes(path))
        attribute, model_type = FOLDERS[folder]
        doc, model, problems = parse_model(path, model_type)
        parsed.problems.extend(problems)
        if model is not None:
            getattr(parsed, attribute).append((doc, model))
        else:
            parsed.unsure |= declared(folder, doc.data)
    parsed.digest = digest.hexdigest()[:12]
    return parsed


def _version_bytes(path: Path) -> bytes:
    """What a file adds to the knowledge base's version: its bytes, read only when it is a
    regular file within the size limit (a larger one is refused when it is parsed; its size
    stands in for it here, so it is never read whole)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return b""
        if info.st_size > Limits.from_env().max_bytes:
            return f"<{info.st_size} bytes>".encode()
        return path.read_bytes()
    except OSError:
        return b""
