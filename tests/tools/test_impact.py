"""playbook impact: what a knowledge-base change does to a portfolio's advice, checked against a
diff computed here independently, through the real command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import engine
from engine.tools.generate import random_clients

from ..conftest import playbook

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 10, 15)
FOLDERS = ("rules", "journey_maps", "playbooks")


def copy_kb(target: Path) -> Path:
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, target / folder)
    return target


def move_band(kb_dir: Path) -> None:
    """The KPI band of rules/settings.yaml from 10-15% to 8-15%."""
    settings = kb_dir / "rules" / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "  kpi_band_low:\n    value: 10\n" in text
    settings.write_text(text.replace("  kpi_band_low:\n    value: 10\n",
                                     "  kpi_band_low:\n    value: 8\n"), encoding="utf-8")


@pytest.fixture(scope="module")
def clients_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clients") / "portfolio.json"
    clients = list(random_clients(engine.default_kb(), 2000, seed=15, known=0.7))
    path.write_text(json.dumps(clients, default=str), encoding="utf-8")
    return path


def independent_diff(base: engine.KnowledgeBase, new: engine.KnowledgeBase,
                     clients: list[dict[str, Any]]) -> tuple[set[str], dict[str, int]]:
    affected, totals = set(), {"added": 0, "removed": 0, "changed": 0}
    for client in clients:
        old = {(a.kind, a.id): a.model_dump() for a in
               engine.recommend(client, kb=base, as_of=DAY).actions}
        now = {(a.kind, a.id): a.model_dump() for a in
               engine.recommend(client, kb=new, as_of=DAY).actions}
        counts = {"added": len(now.keys() - old.keys()), "removed": len(old.keys() - now.keys()),
                  "changed": sum(old[k] != now[k] for k in old.keys() & now.keys())}
        if any(counts.values()):
            affected.add(client["id"])
        totals = {k: totals[k] + v for k, v in counts.items()}
    return affected, totals


@pytest.mark.slow
def test_a_threshold_change_counts_what_an_independent_diff_counts(
        tmp_path: Path, clients_file: Path) -> None:
    new_dir = copy_kb(tmp_path / "new")
    move_band(new_dir)
    result = playbook("impact", "--base", str(ROOT), "--kb", str(new_dir), str(clients_file),
                      "--as-of", DAY.isoformat(), "--format", "json", "--by", "importance")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    clients = json.loads(clients_file.read_text(encoding="utf-8"))
    affected, totals = independent_diff(engine.default_kb(), engine.load(new_dir), clients)
    assert report["clients"] == 2000 and report["clients_affected"] == len(affected) > 0
    assert report["totals"] == totals
    assert {c["client_id"] for c in report["changes"]} == affected
    assert {s["fact"] for s in report["segments"]} == {"project_type", "importance"}
    schema = json.loads(playbook("schema", "impact").stdout)
    jsonschema.validate(report, schema)


@pytest.mark.slow
def test_an_unchanged_kb_affects_nobody_and_exits_0(tmp_path: Path, clients_file: Path) -> None:
    same = copy_kb(tmp_path / "same")
    result = playbook("impact", "--base", str(same), str(clients_file), "--as-of", "2026-10-15",
                      "--fail-on-change")
    assert result.returncode == 0, result.stderr
    assert "0 of 2000 clients affected (0.0%): +0 added, -0 removed, ~0 changed" in result.stdout


@pytest.mark.slow
def test_gates_exit_3_and_markdown_puts_the_summary_first(tmp_path: Path) -> None:
    new_dir = copy_kb(tmp_path / "new")
    move_band(new_dir)
    args = ["impact", "--base", str(ROOT), "--kb", str(new_dir), "examples/lead_gen_kpi_off.yaml",
            "--as-of", "2026-10-15"]
    assert playbook(*args, "--fail-on-change").returncode == 3
    assert playbook(*args, "--max-changed-pct", "100").returncode == 0
    markdown = playbook(*args, "--format", "markdown").stdout
    assert markdown.startswith("### Impact of this knowledge-base change: 1 of 1 clients "
                               "affected (100.0%)")
    assert markdown.index("| kind |") < markdown.index("<details>")
    assert "~ client smile_dental" in markdown and "reason changed" in markdown


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.slow
def test_a_git_ref_base_is_read_without_touching_the_work_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    copy_kb(repo / "kb")
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    move_band(repo / "kb")
    before = git(repo, "status", "--porcelain")
    result = playbook("impact", "--base", "HEAD", "--kb", str(repo / "kb"),
                      str(ROOT / "examples" / "lead_gen_kpi_off.yaml"), "--as-of", "2026-10-15",
                      "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["clients_affected"] == 1
    assert git(repo, "status", "--porcelain") == before == " M kb/rules/settings.yaml\n"
    bad = playbook("impact", "--base", "no-such-ref", "--kb", str(repo / "kb"),
                   str(ROOT / "examples" / "lead_gen_kpi_off.yaml"))
    assert bad.returncode == 1 and "error[bad-base] cannot read the knowledge base at git ref" \
        in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_workers_a_crm_export_and_the_journals_clients_give_the_same_report(
        tmp_path: Path) -> None:
    new_dir = copy_kb(tmp_path / "new")
    move_band(new_dir)
    crm = ROOT / "examples" / "crm"
    common = ["impact", "--base", str(ROOT), "--kb", str(new_dir), "--as-of", "2026-10-15",
              "--format", "json"]
    one = playbook(*common, str(crm / "export.csv"), "--map", str(crm / "mapping.yaml"))
    two = playbook(*common, str(crm / "export.csv"), "--map", str(crm / "mapping.yaml"),
                   "--workers", "2")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout and json.loads(one.stdout)["clients"] > 0
    journal = tmp_path / "journal.sqlite"
    recorded = playbook("run", str(crm / "export.csv"), "--map", str(crm / "mapping.yaml"),
                        "--as-of", "2026-10-15", "--journal", str(journal),
                        "--out", str(tmp_path / "out.jsonl"))
    assert recorded.returncode == 0, recorded.stderr
    from_journal = playbook(*common, "--from-journal", str(journal))
    assert from_journal.returncode == 0, from_journal.stderr
    assert json.loads(from_journal.stdout) == json.loads(one.stdout)


def test_clients_or_a_journal_must_be_given() -> None:
    result = playbook("impact", "--base", str(ROOT))
    assert result.returncode == 1
    assert result.stderr.endswith("playbook impact: give client files or --from-journal (one of "
                                  "them), and --workers 1 or more\n")
