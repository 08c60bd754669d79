"""`playbook graph`: the journey as Mermaid, DOT, SVG/PNG or JSON, with a client's statuses."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import pytest

import engine
from engine.cli import main
from engine.render import graph as graph_text
from engine.tools import pictures as graph

from ..conftest import DATA, SMALL_KB, golden

GOLDEN = DATA / "golden"
DAY = dt.date(2026, 11, 1)
CLIENT = {"id": "acme", "project_type": "lead_gen", "services": ["context_ads"],
          "completed_steps": ["briefing", "competitor_analysis"],
          "kpis": [{"name": "CPL", "target": 1000, "actual": 1120, "higher_is_better": False}]}
HAS_DOT = shutil.which("dot") is not None


@pytest.fixture
def client_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(CLIENT), encoding="utf-8")
    return path


def test_statuses_come_from_recommend(small_kb: engine.KnowledgeBase) -> None:
    pic = graph.picture(small_kb, "lead_gen", engine.Client.model_validate(CLIENT), DAY)
    status = {s.id: s.status for p in pic.phases for s in p.steps}
    assert status == {"briefing": "done", "competitor_analysis": "done",
                      "landing_pages": "next", "launch_context_ads": "blocked",
                      "optimise_campaigns": "blocked", "serm": "todo"}


def test_phases_in_journey_order(small_kb: engine.KnowledgeBase) -> None:
    pic = graph.picture(small_kb, "lead_gen")
    assert [p.id for p in pic.phases] == ["sales", "preparation", "launch", "growth"]
    assert pic.edges[:2] == (("briefing", "competitor_analysis"), ("briefing", "landing_pages"))
    assert pic.client_id is None and pic.as_of is None


@pytest.mark.parametrize("with_client", [False, True], ids=["journey", "client"])
@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_golden_text(small_kb: engine.KnowledgeBase, fmt: str, with_client: bool) -> None:
    client = engine.Client.model_validate(CLIENT) if with_client else None
    pic = graph.picture(small_kb, "lead_gen", client, DAY)
    text = graph_text.mermaid(pic) if fmt == "mermaid" else graph_text.dot(pic)
    suffix = "mmd" if fmt == "mermaid" else "dot"
    golden(GOLDEN / f"graph_{'client' if with_client else 'journey'}.{suffix}", text)


def test_author_text_is_escaped() -> None:
    step = graph.StepBox("end", 'The "Big" #1 <b>step</b> & more', False, "todo")
    pic = graph.Picture("x", 'A "quoted" title', (graph.Phase("p", (step,)),), ())
    mermaid = graph_text.mermaid(pic)
    assert 'step_end["The #quot;Big#quot; #35;1 #lt;b#gt;step#lt;/b#gt;<br/>#amp; more"]' \
        in mermaid
    assert 'title: "A \\"quoted\\" title (x)"' in mermaid
    dot = graph_text.dot(pic)
    assert '"end" [label=<The &quot;Big&quot; #1 &lt;b&gt;step&lt;/b&gt;<BR/>&amp; more' in dot
    assert "A &quot;quoted&quot; title (x)" in dot


def test_cli_mermaid_with_client(client_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--client", str(client_file),
                 "--as-of", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert out == (GOLDEN / "graph_client.mmd").read_text(encoding="utf-8")


def test_cli_json(client_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--client", str(client_file),
                 "--as-of", "2026-11-01", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["client_id"] == "acme" and data["as_of"] == "2026-11-01"
    assert data["phases"][1]["steps"][1] == {"id": "landing_pages", "title":
                                             "Prepare landing pages", "repeatable": False,
                                             "status": "next"}


def test_cli_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "journey.dot"
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--format", "dot",
                 "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("digraph journey {")
    assert capsys.readouterr().out == ""


def test_cli_unknown_project_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "lead_gne", "--kb", str(SMALL_KB)]) == 1
    assert capsys.readouterr().err == (
        "playbook graph: no journey map for project type 'lead_gne'; known: lead_gen; "
        "did you mean 'lead_gen'?\n")


def test_cli_client_of_another_project_type(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "journey_maps").mkdir()
    for folder in ("rules", "playbooks"):
        shutil.copytree(SMALL_KB / folder, tmp_path / folder)
    text = (SMALL_KB / "journey_maps" / "lead_gen.yaml").read_text(encoding="utf-8")
    for name in ("lead_gen", "monobrand"):
        (tmp_path / "journey_maps" / f"{name}.yaml").write_text(
            text.replace("project_type: lead_gen", f"project_type: {name}"), encoding="utf-8")
    client = tmp_path / "c.yaml"
    client.write_text("id: acme\nproject_type: monobrand\n", encoding="utf-8")
    assert main(["graph", "lead_gen", "--kb", str(tmp_path), "--client", str(client)]) == 1
    assert capsys.readouterr().err == (
        "playbook graph: client 'acme' is a monobrand project, not lead_gen\n")


def test_cli_bad_client_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = tmp_path / "c.yaml"
    client.write_text("id: acme\ncolour: red\n", encoding="utf-8")
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--client", str(client)]) == 1
    assert "error[unknown-key]" in capsys.readouterr().err


def test_missing_dot_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--format", "svg",
                 "--output", str(tmp_path / "never.svg")]) == 1
    err = capsys.readouterr().err
    assert err == ("playbook graph: --format svg needs the Graphviz `dot` program, which is not "
                   f"on PATH: {graph_text.INSTALL_HINT}\n")
    assert "apt install graphviz" in err and "brew install graphviz" in err
    assert not (tmp_path / "never.svg").exists()


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` is not installed")
def test_pictures_need_no_python_graphviz_package(client_file: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # importing it would fail
    out = tmp_path / "journey.svg"
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--client", str(client_file),
                 "--format", "svg", "--output", str(out)]) == 0
    assert b"<svg" in out.read_bytes()


def test_a_failing_dot_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--format", "png",
                 "--output", str(tmp_path / "x.png")]) == 1
    assert capsys.readouterr().err == (f"playbook graph: --format png: {fake} failed: "
                                       "Error: syntax error in line 1\n")


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize(("fmt", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_renders_pictures(client_file: Path, tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"journey.{fmt}"
    assert main(["graph", "lead_gen", "--kb", str(SMALL_KB), "--client", str(client_file),
                 "--format", fmt, "--output", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize("command", [
    ["graph", "lead_gen", "--format", "mermaid", "-o", "/nonexistent/x.mmd"],
    ["coverage", "--write", "/nonexistent/x.mmd"]])
def test_a_path_that_cannot_be_written_is_the_users_mistake(
        command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--kb", str(SMALL_KB)]) == 1
    assert capsys.readouterr().err == (f"playbook {command[0]}: cannot write /nonexistent/x.mmd: "
                                       "No such file or directory\n")
