"""A CRM export through a mapping against the same clients as JSON Lines, side by side:

    python bench/crm.py [--rows 100000] [--rounds 3]

Two pairs of `playbook run` commands, each pair run in turns (CSV, JSON Lines, CSV, JSON
Lines, ...) so the machine's load falls on both alike, and compared on the CPU time of the
command's process (user + system, from the operating system: wait4's rusage):

1. the shared Bitrix24 sample (200 deals, Windows-1251, `;`, dd.mm.yyyy dates, money with
   non-breaking spaces and a decimal comma, KPIs from columns) through its finished mapping
   (tests/data/crm/bitrix24/mapping.yaml), against the same clients as JSON Lines;
2. ``--rows`` generated rows of the example CRM export (tests/portfolio/crm.py, through
   examples/crm/mapping.yaml), against the same clients as JSON Lines.

"The same clients" are the records the mapping reads, written as JSON Lines with their dates as
ISO text: both commands recommend for identical facts and write identical advice. The ratio
(CSV / JSON Lines) is the cost of reading a CRM export: detection, decoding, the mapping's
converters, the KPIs. Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.portfolio.cells import Cells  # noqa: E402
from engine.portfolio.mapping import read_mapping  # noqa: E402
from engine.portfolio.readers import read_all  # noqa: E402
from tests.portfolio.crm import MAPPING, crm_export  # noqa: E402

PLAYBOOK = str(Path(sys.executable).parent / "playbook")
BITRIX = ROOT / "tests" / "data" / "crm" / "bitrix24"


def as_json_lines(export: Path, mapping: Path, target: Path) -> int:
    """The clients the mapping reads from ``export``, as JSON Lines; how many."""
    kb = engine.default_kb()
    found, problems = read_mapping(mapping, kb)
    assert found is not None, problems
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for record in read_all([str(export)], Cells(found, kb)):
            assert not record.problems and not record.bad_cells, record
            out.write(json.dumps(record.data, ensure_ascii=False, default=str) + "\n")
            count += 1
    return count


def cpu(args: list[str]) -> float:
    """The CPU seconds (user + system) of one `playbook` command, which must succeed."""
    process = subprocess.Popen([PLAYBOOK, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    return usage.ru_utime + usage.ru_stime


def pair(name: str, csv_args: list[str], jsonl_args: list[str], rounds: int, rows: int) -> None:
    csv_s, jsonl_s = [], []
    for _ in range(rounds):  # in turns: the same load on both
        csv_s.append(cpu(csv_args))
        jsonl_s.append(cpu(jsonl_args))
    c, j = statistics.median(csv_s), statistics.median(jsonl_s)
    print(f"| {name} | {rows:,} | {c:.2f} | {j:.2f} | {c / j:.3f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--big-rounds", type=int, default=1)
    args = parser.parse_args()
    common = ["--as-of", "2026-12-07"]
    print("| export | rows | CSV + mapping, CPU s | JSON Lines, CPU s | ratio |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sample, mapping = BITRIX / "bitrix24_deals_2026-12-07.csv", BITRIX / "mapping.yaml"
        same = tmp / "bitrix.jsonl"
        rows = as_json_lines(sample, mapping, same)
        out: Any = str(tmp / "out.jsonl")
        pair("Bitrix24 sample (Windows-1251)",
             ["run", str(sample), "--map", str(mapping), *common, "--out", out],
             ["run", str(same), *common, "--out", out], args.rounds, rows)
        if args.rows:
            _, text = crm_export(args.rows, seed=7)
            export = tmp / "export.csv"
            export.write_text(text, encoding="utf-8")
            same = tmp / "export.jsonl"
            rows = as_json_lines(export, MAPPING, same)
            pair("generated (examples/crm)",
                 ["run", str(export), "--map", str(MAPPING), *common, "--out", out],
                 ["run", str(same), *common, "--out", out], args.big_rounds, rows)


if __name__ == "__main__":
    main()
