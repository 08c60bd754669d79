"""Start a new knowledge base in a folder, with its JSON Schemas.

Copies the bundled knowledge base (rules/, journey_maps/, playbooks/, with the scenarios next
to the rules), or with --minimal a skeleton of one rule, its scenarios, one journey map and one
playbook entry, into FOLDER (new, or without those folders: a fresh repository is fine; nothing
is overwritten), and writes FOLDER/schemas/ for it: every file's
`$schema=../schemas/...` line works, and editors complete the knowledge base's names. Commands
run inside FOLDER use it without --kb.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.render.authoring import created
from engine.tools import init

NAME = "init"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="FOLDER", type=Path,
                        help="where to start the knowledge base (new, or without rules/, "
                             "journey_maps/, playbooks/ and schemas/)")
    parser.add_argument("--minimal", action="store_true",
                        help="a skeleton of one rule, journey map and playbook entry instead "
                             "of a copy of the bundled knowledge base")


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(created(init.create(args.folder, args.minimal)))
    return 0
