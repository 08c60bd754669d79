"""The pages on their own, for uvicorn: ``uvicorn --factory engine.web.run:app``.

Reads the settings as every command does (``engine.config``): ``playbook.toml`` found from the
current folder upward, or the file ``PLAYBOOK_WEB_CONFIG`` names; its ``[web]`` table and its
``journal`` (or ``PLAYBOOK_JOURNAL``: a SQLite path or a database URL); ``PLAYBOOK_KB`` (the
knowledge base folder; default: the one the current folder stands in, else the bundled one).
``playbook serve`` mounts the same pages in the service's app.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from starlette.applications import Starlette

from engine import journal
from engine.api import load
from engine.config import in_effect
from engine.errors import Diagnostic, DiagnosticsError
from engine.kb.discover import choose
from engine.web.app import pages_app
from engine.web.desk import Desk
from engine.web.settings import settings_from


def app() -> Starlette:
    """The app; a mistake in the settings is said in one message and exits 1."""
    try:
        return _app()
    except DiagnosticsError as exc:
        sys.stderr.write("".join(d.render() + "\n" for d in exc.diagnostics))
        raise SystemExit(1) from None


def _app() -> Starlette:
    named = os.environ.get("PLAYBOOK_WEB_CONFIG")
    config = in_effect(file=Path(named) if named else None)
    settings = settings_from(config.table("web"), str(config.file or "playbook.toml"), config)
    target = config.get("journal")
    if not target:
        raise DiagnosticsError([Diagnostic(
            "bad-config", "no journal: PLAYBOOK_JOURNAL is not set, nor 'journal' in the "
            "settings file", expected="a SQLite path or a database URL")])
    opened = journal.open(target)
    kb = load(choose(os.environ.get("PLAYBOOK_KB")).root)
    return pages_app(settings, Desk(opened, kb, crm_url=config.get("crm_url")),
                     closing=opened.close)
