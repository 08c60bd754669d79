"""Print the JSON Schema of a kind of YAML file, for editors and other tools.

Kinds: rules (rules/*.yaml), journey (journey_maps/*.yaml), playbook (playbooks/*.yaml),
scenario (rules/*.test.yaml), client (client files), mapping (CRM mapping files of
`playbook run --map`); and of JSON outputs: impact (`playbook impact --format json`). An
editor with yaml-language-server checks a file as it is typed when the file starts with, for
example:

  # yaml-language-server: $schema=../schemas/rules.schema.json

--write DIR writes every schema as DIR/KIND.schema.json (the repository keeps them in schemas/).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.tools import schemas as schema

NAME = "schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", nargs="?", choices=tuple(schema.KINDS), metavar="KIND",
                        help=f"one of {', '.join(schema.KINDS)}")
    parser.add_argument("--write", type=Path, metavar="DIR",
                        help="write every schema as DIR/KIND.schema.json instead of printing one")


def run(args: argparse.Namespace) -> int:
    if args.kind is None and args.write is None:
        sys.stderr.write(f"playbook schema: name a kind ({', '.join(schema.KINDS)}) "
                         f"or give --write DIR\n")
        return 1
    try:
        if args.write is not None:
            for path in schema.write_all(args.write):
                sys.stdout.write(f"wrote {path}\n")
        if args.kind is not None:
            sys.stdout.write(schema.render(args.kind))
    except schema.SchemaUnavailable as exc:
        sys.stderr.write(f"playbook schema: {exc}\n")
        return 2
    return 0
