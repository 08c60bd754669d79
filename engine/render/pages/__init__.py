"""The pages account managers and their heads open in a browser, as HTML.

Jinja2 templates (``templates/``, every value escaped for HTML: ``autoescape`` everywhere),
their words in English (the messages themselves) and Russian (``locale/ru/LC_MESSAGES/
pages.po``, a gettext catalog read with Babel), dates and numbers in the language's format
(Babel), and the one stylesheet (``static/style.css``). No page has a script: forms post and
the server redirects back. The HTTP side (who is signed in, sessions, CSRF, headers) is
``engine/web``; this package only turns the data it is handed into text.

After changing a template's words, bring the catalog up to date and translate what is new:

    pybabel extract -F engine/render/pages/babel.cfg -o /tmp/pages.pot engine/render/pages
    pybabel update -i /tmp/pages.pot -d engine/render/pages/locale -D pages -l ru

(tests/web/test_pages.py fails while a message has no translation or the catalog holds one no
template uses).
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Details, Recommendation
from engine.render import advice
from engine.render.groups import groups
from engine.render.words import KIND_LABEL
from engine.vocabulary import LANGUAGES

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
CATALOGS = HERE / "locale"
DOMAIN = "pages"


def catalog_path(lang: str) -> Path:
    return CATALOGS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(lang: str) -> gettext.NullTranslations:
    """The language's messages; English is the messages themselves."""
    path = catalog_path(lang)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _date(lang: str) -> Any:
    def shown(day: dt.date | None, form: str = "medium") -> str:
        return "—" if day is None else format_date(day, form, locale=lang)
    return shown


def _number(lang: str) -> Any:
    def shown(value: float | int) -> str:
        return str(format_decimal(Decimal(str(value)), locale=lang))
    return shown


def environment(lang: str) -> Environment:
    """One environment per language (its gettext is installed once, so rendering is
    thread-safe)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        date=_date(lang), number=_number(lang), kind=lambda k: KIND_LABEL[lang].get(k, k),
        path=lambda text: quote(str(text), safe=""), query=lambda text: quote(str(text)))
    env.globals["lang"] = lang
    return env


class Pages:
    """The templates, ready in every language."""

    def __init__(self) -> None:
        self.environments = {lang: environment(lang) for lang in LANGUAGES}

    def render(self, template: str, *, lang: str, **context: Any) -> str:
        return self.environments[lang].get_template(template).render(**context)


@dataclass(frozen=True)
class GroupView:
    """A group of actions as the client card shows it (the rows of ``playbook dry-run``)."""

    kinds: tuple[str, ...]
    priority: int
    members: list[tuple[str, str]]  # (title, ids)
    sections: list[tuple[str | None, str, list[Details]]]  # (title, reason, playbook content)
    waiting: list[str]  # what each blocked step waits for


def group_views(rec: Recommendation, kb: KnowledgeBase, lang: str) -> Sequence[GroupView]:
    """The recommendation grouped as ``dry-run`` groups it, with the playbook content."""
    return [GroupView(g.kinds, g.priority, advice.members(g, lang),
                      advice.sections(g, brief=False), advice.waiting_lines(g, lang))
            for g in groups(rec.actions, kb)]
