"""Print the JSON Schema of a kind of YAML file, for editors and other tools.

Kinds: rules (rules/*.yaml), journey (journey_maps/*.yaml), playbook (playbooks/*.yaml),
scenario (rules/*.test.yaml), client (client files), mapping (CRM mapping files of
`playbook run --map`); and of JSON outputs: impact (`playbook impact
--format json`). The schemas are written for one knowledge base (--kb, else the one the current
folder is in, else the bundled one): they list its fact names with their operators and values,
its step ids, playbook entries, services and project types, so an editor completes them. An
editor with yaml-language-server checks a file as it is typed when it starts with, for example:

  # yaml-language-server: $schema=../schemas/rules.schema.json

--write DIR writes every schema as DIR/KIND.schema.json (a knowledge base keeps them in its
schemas/ folder; write them again after adding a fact, step or entry).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import add_kb, load_kb
from engine.errors import UserMistake
from engine.kb.knowledge_base import KnowledgeBase
from engine.tools import schemas as schema

NAME = "schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", nargs="?", choices=tuple(schema.KINDS), metavar="KIND",
                        help=f"one of {', '.join(schema.KINDS)}")
    parser.add_argument("--write", type=Path, metavar="DIR",
                        help="write every schema as DIR/KIND.schema.json instead of printing one")
    add_kb(parser)


def run(args: argparse.Namespace) -> int:
    if args.kind is None and args.write is None:
        sys.stderr.write(f"playbook schema: name a kind ({', '.join(schema.KINDS)}) "
                         f"or give --write DIR\n")
        return 1
    kb = load_kb(args)
    try:
        if args.write is not None:
            for path in _write_all(args.write, kb):
                sys.stdout.write(f"wrote {path}\n")
        if args.kind is not None:
            sys.stdout.write(schema.render(args.kind, kb))
    except schema.SchemaUnavailable as exc:
        sys.stderr.write(f"playbook schema: {exc}\n")
        return 2
    return 0


def _write_all(folder: Path, kb: KnowledgeBase) -> list[Path]:
    try:
        return schema.write_all(folder, kb)
    except OSError as exc:
        raise UserMistake(f"cannot write the schemas into {folder}: "
                          f"{exc.strerror or exc}") from None
