"""The pages account managers and their heads open every morning, as an ASGI app.

    from engine import journal
    from engine.web import Desk, load_settings, pages_app
    app = pages_app(load_settings("playbook.toml"), Desk(journal.open("journal.db"), kb))

My day (``/``), the client card (``/clients/{id}``) and the head's view (``/team``), with
done / dismiss / snooze written to the journal; in English and Russian. Who is signed in:
a trusted header from the agency's reverse proxy, or a user of the config with an argon2
password hash (engine/web/settings.py); sessions in signed cookies, a CSRF token on every form,
a Content-Security-Policy allowing no script. The HTML itself is made in engine/render/pages.
Needs the ``web`` extra. See docs/web.md.
"""

from __future__ import annotations

from engine.web.app import pages_app
from engine.web.desk import Desk
from engine.web.settings import WebSettings, load_settings, settings_from

__all__ = ["Desk", "WebSettings", "load_settings", "pages_app", "settings_from"]
