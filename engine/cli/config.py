"""Show the settings in effect (playbook.toml, PLAYBOOK_*) and where each one comes from.

A playbook.toml found in the current folder or its nearest parent (journal, owner, lang, map,
crm_url), the PLAYBOOK_JOURNAL, PLAYBOOK_OWNER, PLAYBOOK_LANG, PLAYBOOK_MAP and PLAYBOOK_CRM_URL
environment variables over it; a command's flags override both.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import add_format, settings

NAME = "config"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format(parser, "text", "json")


def run(args: argparse.Namespace) -> int:
    from engine.render.config import config_json, config_text

    found = settings(args)
    sys.stdout.write(config_json(found) if args.format == "json" else config_text(found))
    return 0
