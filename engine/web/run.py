"""The pages on their own, for uvicorn: ``uvicorn --factory engine.web.run:app``.

Reads ``PLAYBOOK_WEB_CONFIG`` (the TOML file with the ``[web]`` table; default
``playbook.toml`` in the current folder), ``PLAYBOOK_JOURNAL`` (the journal: a SQLite path or a
database URL) and ``PLAYBOOK_KB`` (the knowledge base folder; default: the one the current
folder stands in, else the bundled one). ``playbook serve`` mounts the same pages in the
service's app.
"""

from __future__ import annotations

import os
import sys

from starlette.applications import Starlette

from engine import journal
from engine.api import load
from engine.errors import Diagnostic, DiagnosticsError
from engine.kb.discover import choose
from engine.web.app import pages_app
from engine.web.desk import Desk
from engine.web.settings import load_settings


def app() -> Starlette:
    """The app; a mistake in the settings is said in one message and exits 1."""
    try:
        return _app()
    except DiagnosticsError as exc:
        sys.stderr.write("".join(d.render() + "\n" for d in exc.diagnostics))
        raise SystemExit(1) from None


def _app() -> Starlette:
    settings = load_settings(os.environ.get("PLAYBOOK_WEB_CONFIG", "playbook.toml"))
    target = os.environ.get("PLAYBOOK_JOURNAL")
    if not target:
        raise DiagnosticsError([Diagnostic("bad-config", "PLAYBOOK_JOURNAL is not set",
                                           expected="a SQLite path or a database URL")])
    opened = journal.open(target)
    kb = load(choose(os.environ.get("PLAYBOOK_KB")).root)
    return pages_app(settings, Desk(opened, kb), closing=opened.close)
