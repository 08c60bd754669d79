"""engine.portfolio.run_portfolio: the whole of `playbook run` as a library call, so a program
does what `playbook run --journal` does without starting the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.errors import Diagnostic, DiagnosticsError, UserMistake
from engine.portfolio import argument_mistake, run_portfolio
from engine.portfolio.records import Record

from ..conftest import playbook
from .crm import AS_OF, CRM, MAPPING

EXPORT = str(CRM / "export.csv")


class Collected:
    """An error sink that keeps what it is given."""

    def __init__(self) -> None:
        self.got: list[tuple[int, tuple[str, ...]]] = []
        self.closed = False

    def write(self, record: Record, errors: tuple[Diagnostic, ...]) -> None:
        self.got.append((record.row, tuple(d.code for d in errors)))

    def close(self) -> None:
        self.closed = True


def test_the_library_writes_and_records_what_the_command_does(tmp_path: Path) -> None:
    journal = pytest.importorskip("engine.journal")
    by_command, by_library = tmp_path / "command.jsonl", tmp_path / "library.jsonl"
    done = playbook("run", EXPORT, "--map", str(MAPPING), "--as-of", AS_OF.isoformat(),
                    "--out", str(by_command), "--journal", str(tmp_path / "command.sqlite"),
                    "--format", "json")
    assert done.returncode == 0, done.stderr
    summary = run_portfolio([EXPORT], kb=engine.default_kb(), as_of=AS_OF, mapping=MAPPING,
                            out=str(by_library), journal=tmp_path / "library.sqlite")
    assert by_library.read_bytes() == by_command.read_bytes()
    shown = json.loads(done.stdout)
    assert shown["journal"] == summary.as_dict()["journal"]
    assert {k: v for k, v in shown.items() if not k.endswith("_version")} \
        == summary.as_dict()
    assert summary.journal is not None and summary.journal.total.new > 0
    policy = journal.Policy.of(engine.default_kb())
    todos = sum(policy.role(a["kind"], tuple(a["rules"])) == "todo"
                for line in by_library.read_text(encoding="utf-8").splitlines()
                for a in json.loads(line)["actions"])
    with journal.open(tmp_path / "library.sqlite") as book:
        assert len(book.inbox().items) == todos <= summary.journal.total.new


def test_bad_clients_go_to_the_sink_and_the_rest_is_written(tmp_path: Path) -> None:
    source = tmp_path / "clients.jsonl"
    source.write_text('{"id": "a", "project_type": "lead_gen"}\n{"id": "b", "nps": 11}\n'
                      'not json\n{"id": "c"}\n', encoding="utf-8")
    sink, out, steps = Collected(), tmp_path / "out.jsonl", []
    summary = run_portfolio([str(source)], kb=engine.default_kb(), as_of=AS_OF,
                            out=str(out), errors=sink, step=lambda: steps.append(1))
    assert (summary.read, summary.failed, len(steps)) == (4, 2, 4)
    assert sink.got == [(2, ("bad-value",)), (3, ("json-syntax",))] and sink.closed
    assert [json.loads(line)["client_id"] for line in out.read_text().splitlines()] == ["a", "c"]


def test_arguments_that_cannot_work_are_refused_before_anything_is_read(tmp_path: Path) -> None:
    assert argument_mistake([EXPORT]) is None
    assert argument_mistake([EXPORT], workers=0) == "--workers must be 1 or more"
    with pytest.raises(UserMistake, match=r"cannot tell the format of --out x\.txt"):
        run_portfolio([EXPORT], kb=engine.default_kb(), out="x.txt")
    with pytest.raises(UserMistake, match="give client files, not '-'"):
        run_portfolio(["-"], kb=engine.default_kb(), journal=tmp_path / "j.sqlite")
    wrong = tmp_path / "map.yaml"
    wrong.write_text("columns: {A: no_such_field}\n", encoding="utf-8")
    with pytest.raises(DiagnosticsError):
        run_portfolio([EXPORT], kb=engine.default_kb(), mapping=wrong)


def test_a_journal_knows_a_run_by_its_files_bytes_and_mapping(tmp_path: Path) -> None:
    """The same bytes again is the same run (recorded once); the same facts written otherwise
    is another run that finds nothing changed; a client twice across files is refused, each
    appearance after the first named with where the first was, before anything is written."""
    pytest.importorskip("engine.journal")
    kb, book = engine.default_kb(), tmp_path / "journal.sqlite"
    one, other = tmp_path / "one.jsonl", tmp_path / "other.jsonl"
    one.write_text('{"id": "a", "project_type": "lead_gen"}\n{"id": "b", "nps": 3}\n',
                   encoding="utf-8")
    other.write_text('{"project_type": "lead_gen", "id": "a"}\n{"nps": 3, "id": "b"}\n',
                     encoding="utf-8")

    def recorded(*files: Path, mapping: str | None = None) -> Any:
        summary = run_portfolio([str(f) for f in files], kb=kb, as_of=AS_OF, mapping=mapping,
                                out=str(tmp_path / "out.jsonl"), journal=book)
        assert summary.journal is not None
        return summary.journal

    first, again, reordered = recorded(one), recorded(one), recorded(other)
    assert not first.repeat and first.total.new > 0
    assert again.repeat and again.run_id == first.run_id
    assert not reordered.repeat and reordered.run_id != first.run_id
    assert (reordered.total.new, reordered.total.changed, reordered.total.resolved) == (0, 0, 0)
    mapped = tmp_path / "map.yaml"
    mapped.write_text("ignore: [unused]\n", encoding="utf-8")
    assert not recorded(one, mapping=str(mapped)).repeat  # another mapping: another run

    fresh = tmp_path / "fresh.sqlite"
    with pytest.raises(DiagnosticsError) as refused:
        run_portfolio([str(one), str(other), str(one)], kb=kb, as_of=AS_OF,
                      out=str(tmp_path / "refused.jsonl"), journal=fresh)
    said = sorted((str(d.location), d.message) for d in refused.value.diagnostics)
    assert said == sorted([
        (f"{other}:1:1", f"client 'a' appears twice in the run (first at {one}:1:1)"),
        (f"{other}:2:1", f"client 'b' appears twice in the run (first at {one}:2:1)"),
        (f"{one}:1:1", f"client 'a' appears twice in the run (first at {one}:1:1)"),
        (f"{one}:2:1", f"client 'b' appears twice in the run (first at {one}:2:1)")])
    assert not fresh.exists() and not (tmp_path / "refused.jsonl").exists()
