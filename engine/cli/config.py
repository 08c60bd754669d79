"""Show the settings in effect (playbook.toml, PLAYBOOK_*) and where each one comes from.

A playbook.toml found in the current folder or its nearest parent (journal, owner, lang, map,
crm_url), the PLAYBOOK_JOURNAL, PLAYBOOK_OWNER, PLAYBOOK_LANG, PLAYBOOK_MAP and PLAYBOOK_CRM_URL
environment variables over it; a command's flags override both. Then what `playbook serve` would
run with (its [serve] table, PLAYBOOK_API_TOKENS, PLAYBOOK_SERVE_*, the CRMs' secrets) and the
pages' [web] table, each value with its source, every secret shown as ***. A mistake in any of
them is reported as the command that reads it would (file, line, key), and exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from engine.cli.common import add_format, settings
from engine.config import Config, Setting, in_effect

NAME = "config"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="the settings file (default: playbook.toml in the current folder "
                             "or its nearest parent)")
    add_format(parser, "text", "json")


def run(args: argparse.Namespace) -> int:
    from engine.render.config import config_json, config_text

    found = settings(args) if args.config is None else in_effect(file=args.config)
    parts = tables(found)
    sys.stdout.write(config_json(found, parts) if args.format == "json"
                     else config_text(found, parts))
    return 0


def tables(config: Config) -> dict[str, dict[str, Setting]]:
    """The settings of ``playbook serve`` and of the pages, flat (``amocrm.secret``), secrets
    masked, each with its source; a part whose extra is not installed is left out."""
    found: dict[str, dict[str, Setting]] = {}
    try:
        from engine.serve.settings import effective, settings_json
    except ImportError:
        pass
    else:
        served, sources = effective(config, os.environ, {})
        found["serve"] = {key: Setting(value, sources.get(key, "default"))
                          for key, value in _flat(settings_json(served)).items()
                          if key != "config"}
    if config.table("web") or os.environ.get("PLAYBOOK_WEB_SECRET"):
        try:
            from engine.web.settings import SECRET_ENV, settings_from
            from engine.web.settings import settings_json as web_json
        except ImportError:
            return found
        web = settings_from(config.table("web"), str(config.file or "playbook.toml"), config)
        found["web"] = {}
        for key, value in _flat(web_json(web)).items():
            written = config.line("web", *key.split("."))
            source = config.source("web", *key.split(".")) if written else (
                SECRET_ENV if key == "secret_key" else "default")
            found["web"][key] = Setting(value, source)
    return found


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in data.items():
        if isinstance(value, dict) and value:
            out.update(_flat(value, f"{prefix}{key}."))
        elif value is None or isinstance(value, str):
            out[prefix + key] = value
        else:
            out[prefix + key] = json.dumps(value, ensure_ascii=False)
    return out
