"""The compiled-knowledge-base cache: a cached load equals a fresh one; a corrupt, stale or
foreign entry is never used; --no-cache neither reads nor writes it."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

import engine
from engine.cli import main
from engine.kb import cache

from ..conftest import SMALL_KB


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return cache.folder()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL_KB, tmp_path / "kb"))


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def test_a_cached_load_equals_a_fresh_load(cache_home: Path, kb_copy: Path) -> None:
    fresh = engine.load(kb_copy)
    first = engine.load(kb_copy, cache=True)
    assert len(entries(cache_home)) == 1
    cached = engine.load(kb_copy, cache=True)
    assert cached == fresh == first and cached is not first
    assert cached.warnings == fresh.warnings and cached.locations == fresh.locations
    client = {"id": "c", "project_type": "lead_gen", "completed_steps": ["briefing"]}
    assert engine.recommend(client, kb=cached) == engine.recommend(client, kb=fresh)


def test_the_entry_is_what_a_fresh_compile_gives(cache_home: Path, kb_copy: Path) -> None:
    engine.load(kb_copy, cache=True)
    (entry,) = entries(cache_home)
    key, stored = pickle.loads(entry.read_bytes())
    assert entry.stem == key
    assert stored == engine.check(kb_copy)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05\x95garbage"])
def test_a_corrupt_entry_is_ignored_and_rewritten(cache_home: Path, kb_copy: Path,
                                                  damage: bytes) -> None:
    fresh = engine.load(kb_copy, cache=True)
    (entry,) = entries(cache_home)
    entry.write_bytes(damage)
    assert engine.load(kb_copy, cache=True) == fresh
    assert pickle.loads(entry.read_bytes())[1][0] == fresh


def test_an_entry_under_another_key_is_not_used(cache_home: Path, kb_copy: Path) -> None:
    """A file whose stored key differs from its name (copied, or an old format) is ignored."""
    good = engine.load(kb_copy, cache=True)
    (entry,) = entries(cache_home)
    entry.write_bytes(pickle.dumps(("another key", (None, []))))
    assert engine.load(kb_copy, cache=True) == good


def test_an_edited_file_is_never_served_from_the_cache(cache_home: Path, kb_copy: Path) -> None:
    before = engine.load(kb_copy, cache=True)
    rules = kb_copy / "rules" / "main.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("priority: 60", "priority: 61"),
                     encoding="utf-8")
    after = engine.load(kb_copy, cache=True)
    assert after != before and after == engine.load(kb_copy)
    assert len(entries(cache_home)) == 2


def test_mistakes_are_cached_as_they_were_found(cache_home: Path, kb_copy: Path) -> None:
    (kb_copy / "rules" / "main.yaml").write_text("rules: [\n", encoding="utf-8")
    fresh = engine.check(kb_copy, lint=False)
    assert (engine.check(kb_copy, lint=False, cache=True) == fresh
            == engine.check(kb_copy, lint=False, cache=True))
    assert fresh[0] is None and fresh[1][0].code == "yaml-syntax"


def test_an_unwritable_cache_folder_means_no_cache(tmp_path: Path, kb_copy: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert engine.load(kb_copy, cache=True) == engine.load(kb_copy)


def test_the_key_names_matcher_folder_and_where_the_user_stands(
        kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = cache.key(kb_copy, "compile", "python")
    assert base is not None and base == cache.key(kb_copy, "compile", "python")
    assert cache.key(kb_copy, "compile", "durable") != base
    assert cache.key(shutil.copytree(kb_copy, tmp_path / "kb2"), "compile", "python") != base
    monkeypatch.chdir(tmp_path)
    assert cache.key(kb_copy, "compile", "python") != base
    assert cache.key(tmp_path / "not-a-kb", "compile", "python") is None


@pytest.mark.parametrize("command", [
    ["validate"], ["test"], ["coverage"], ["graph", "lead_gen", "--format", "json"],
    ["explain", "CLIENT"], ["dry-run", "CLIENT"]])
def test_no_cache_on_every_command(command: list[str], cache_home: Path, kb_copy: Path,
                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = tmp_path / "c.yaml"
    client.write_text("id: c\nproject_type: lead_gen\n", encoding="utf-8")
    argv = [str(client) if a == "CLIENT" else a for a in command] + ["--kb", str(kb_copy)]
    assert main([*argv, "--no-cache"]) == 0
    without = capsys.readouterr()
    assert entries(cache_home) == []
    assert main(argv) == 0
    assert len(entries(cache_home)) == 1
    assert main(argv) == 0  # from the cache this time
    assert capsys.readouterr() == (without.out * 2, without.err * 2)


def test_the_library_does_not_cache_unless_asked(cache_home: Path, kb_copy: Path) -> None:
    engine.load(kb_copy)
    engine.check(kb_copy)
    assert not os.path.exists(cache_home)


def test_an_edited_engine_source_file_changes_the_key(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every .py file below the engine, at any depth, counts by its path, size and time."""
    source = tmp_path / "engine"
    (source / "kb" / "deep").mkdir(parents=True)
    for name in ("api.py", "kb/files.py", "kb/deep/x.py", "kb/notes.txt"):
        (source / name).write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "ENGINE", source)

    def fingerprint() -> str:
        monkeypatch.setattr(cache, "_fingerprint", [])
        return cache.engine_fingerprint()

    first = fingerprint()
    assert fingerprint() == first
    (source / "kb" / "notes.txt").write_text("not source\n", encoding="utf-8")
    assert fingerprint() == first
    (source / "kb" / "deep" / "x.py").write_text("x = 22\n", encoding="utf-8")
    second = fingerprint()
    assert second != first
    os.utime(source / "api.py", ns=(1, 1))
    assert fingerprint() not in (first, second)
    (source / "kb" / "deep" / "x.py").rename(source / "kb" / "deep" / "y.py")
    assert len({first, second, fingerprint()}) == 3
