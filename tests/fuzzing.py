"""Mutants of knowledge-base and client files, and what may happen to them.

Used by tests/test_fuzz.py (hypothesis drives the ``random.Random``, a few thousand cases) and
by bench/fuzz.py (a seeded ``random.Random``, 10^5 cases). A mutant is text: either the file's
text edited (lines dropped, doubled, swapped, re-indented, cut, hostile tokens put in) or its
data changed (a value replaced by a hostile one, a key renamed or dropped, an item doubled) and
written back as YAML or JSON. The only exceptions allowed are KnowledgeBaseError and
ClientError; anything else is a bug (``Outcome.crash``).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import math
import pickle
import random
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import engine
from engine.errors import ClientError, KnowledgeBaseError
from engine.kb.files import FOLDERS
from engine.kb.knowledge_base import KnowledgeBase
from engine.render import reporter
from engine.render.text import explanation_summary
from engine.runtime.clients import read_clients
from engine.tools.explain import explain

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
ROOT = Path(__file__).resolve().parents[1]
TOKENS = [".nan", ".inf", "-.inf", "1" + "0" * 400, "1" + "0" * 5000, "5e-324", "1e5",
          "1.0e+400", "[[a], b]", "{gt: 5, lt: 3}", "*a", "&a", "&a [*a]", "&a {x: *a}",
          "!!python/name:os.system", "!!set {a}", '"\\e]0;x\\a"', "\t", "{", "}", "[", "]",
          ":", "- ", "? ", "|", ">", "~", "null", "11", "13", "-1", "0", "''", "$nope",
          "$kpi_band_low", "2026-13-45", "2026-02-29", "{all: []}", "{any: [{}]}", "{not: {}}",
          "{nps: 11}", "{one_of: []}", "{between: [5, 3]}", '"' + "k" * 1100 + '"', "@", "`",
          "%YAML 1.1", "---", "...", "\x00", "\ud83d", "<<: {a: 1}", "int: 1", "a[b]: 1"]
VALUES: list[Any] = [None, True, False, 0, -1, 11, 13, 10**400, 1e300, 5e-324, 1e-10, math.nan,
                     math.inf, -math.inf, "", "x" * 2000, "\x1b[31m", "$missing", "$kpi_band_low",
                     [], [[]], [["a"]], {}, {"gt": 5, "lt": 3}, {"all": []}, {"any": [{}]},
                     {"not": None}, {"one_of": [[1], 2]}, "2026-13-45", dt.date(2026, 1, 1),
                     [1] * 50, {"nps": 11}, {"\x1b": 1}, "lead_gen", "K07", "briefing"]
KEYS = ["int", "str", "a[b]", "\x1b]0;x\x07", "when", "then", "all", "any", "not", "nps", "", "1"]


@dataclass
class Outcome:
    ok: int = 0          # loaded (or read) and used without error
    refused: int = 0     # refused with diagnostics: KnowledgeBaseError / ClientError
    crash: list[str] | None = None

    def add(self, other: Outcome) -> None:
        self.ok += other.ok
        self.refused += other.refused
        self.crash = (self.crash or []) + (other.crash or []) or None


def mutate_text(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 3)):
        i = rnd.randrange(len(lines))
        kind = rnd.randrange(7)
        if kind == 0 and len(lines) > 1:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[i])
        elif kind == 2 and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind == 3:
            lines[i] = " " * rnd.randint(1, 2) + lines[i] if rnd.random() < .5 else lines[i][1:]
        elif kind == 4:
            col = rnd.randint(0, len(lines[i]))
            lines[i] = lines[i][:col] + rnd.choice(TOKENS) + lines[i][col:]
        elif kind == 5 and ": " in lines[i]:
            lines[i] = lines[i].split(": ", 1)[0] + ": " + rnd.choice(TOKENS)
        else:
            lines = lines[:i + 1]
    return "\n".join(lines)


def mutate_data(data: Any, rnd: random.Random) -> Any:
    for _ in range(rnd.randint(1, 3)):
        paths = list(_paths(data, ()))
        if not paths:
            return copy.deepcopy(rnd.choice(VALUES))
        path = rnd.choice(paths)
        parent = _get(data, path[:-1])
        last = path[-1]
        kind = rnd.randrange(4)
        if kind == 0 or not path:
            parent[last] = copy.deepcopy(rnd.choice(VALUES))
        elif kind == 1:
            del parent[last]
        elif kind == 2 and isinstance(parent, dict):
            parent[rnd.choice(KEYS)] = parent.pop(last)
        elif isinstance(parent, list):
            parent.insert(last, parent[last])
        else:
            parent[last] = [parent[last]]
    return data


def _paths(data: Any, here: tuple[Any, ...]) -> Any:
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(
        data, list) else ()
    for key, value in list(items):
        yield (*here, key)
        yield from _paths(value, (*here, key))


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def mutant(text: str, rnd: random.Random, as_json: bool = False) -> str:
    """A mutant of a file's text: edited as text, or changed as data and written back."""
    if rnd.random() < 0.5:
        return mutate_text(text, rnd)
    data = mutate_data(pickle.loads(_data(text)), rnd)
    if as_json:
        return json.dumps(data, default=str, ensure_ascii=rnd.random() < .5)
    try:
        return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return mutate_text(text, rnd)


@functools.lru_cache(maxsize=64)
def _data(text: str) -> bytes:
    return pickle.dumps(yaml.load(text, Loader=LOADER))


def kb_case(root: Path, rnd: random.Random, clients: list[dict[str, Any]]) -> Outcome:
    """Mutate one file of the knowledge base at ``root`` in place, load it, use it, restore it."""
    files = sorted(p for folder in FOLDERS for p in (root / folder).glob("*.yaml")
                   if not p.name.endswith(".test.yaml"))
    path = rnd.choice(files)
    original = path.read_bytes()
    try:
        path.write_text(mutant(original.decode("utf-8"), rnd), encoding="utf-8",
                        errors="surrogatepass")
        return _load_and_use(root, clients)
    finally:
        path.write_bytes(original)


def _load_and_use(root: Path, clients: list[dict[str, Any]]) -> Outcome:
    try:
        kb = engine.load(root)
    except KnowledgeBaseError:
        return Outcome(refused=1)
    except Exception:
        return Outcome(crash=[traceback.format_exc()])
    out = Outcome(ok=1)
    for client in clients:
        out.add(_use(kb, client))
    return out


def _use(kb: KnowledgeBase, client: Any) -> Outcome:
    try:
        rec = engine.recommend(client, kb=kb, as_of=dt.date(2026, 10, 15))
        for fmt in ("markdown", "json"):  # the table (rich) is slow, and shows the same text
            reporter(fmt).recommendations([(rec, None)], kb, "en", None)
        explanation_summary(explain(kb, client, dt.date(2026, 10, 15), "ru"), "ru")
    except ClientError:
        return Outcome(refused=1)
    except Exception:
        return Outcome(crash=[traceback.format_exc()])
    return Outcome()


def client_case(kb: KnowledgeBase, base: Path, target: Path, rnd: random.Random) -> Outcome:
    """A mutant of a client file, read as the command line reads it, recommended and shown."""
    as_json = rnd.random() < 0.3
    path = target.with_suffix(".json" if as_json else ".yaml")
    path.write_text(mutant(base.read_text(encoding="utf-8"), rnd, as_json), encoding="utf-8",
                    errors="surrogatepass")
    try:
        clients, problems = read_clients(path, kb)
        reporter("text").diagnostics(problems)
        reporter("json").diagnostics(problems)
    except Exception:
        return Outcome(crash=[traceback.format_exc()])
    out = Outcome(refused=1) if problems else Outcome(ok=1)
    for client in clients:
        out.add(_use(kb, client))
    return out
