"""What the pages' forms send, read and checked: where to go back to, which advice and what to
do with it, and the messages shown after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request

from engine.errors import DiagnosticsError
from engine.vocabulary import ACTION_KINDS, DISMISS_REASONS
from engine.web.desk import ACTS

COMMENT_MAX = 500
FIELD_MAX = 200  # the journal's client and advice ids are at most 200 characters


def here(request: Request) -> str:
    """This page's path and query, to come back to after a form."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def back(form: FormData | QueryParams) -> str:
    """Where a form asked to go back to: a path on this site, never another site's address."""
    to = form.get("back")
    ok = isinstance(to, str) and to.startswith("/") and not to.startswith(("//", "/\\"))
    return str(to) if ok else "/"


def signin_url(request: Request, to: str | None = None) -> str:
    root = request.scope.get("root_path", "")
    return f"{root}/signin?back={quote(to or here(request), safe='')}"


@dataclass(frozen=True)
class Asked:
    key: tuple[str, str, str]  # client id, kind, advice id
    what: str  # done, dismiss, snooze
    reason: str | None
    comment: str | None
    until: dt.date | None


def _text(form: FormData, name: str, limit: int = FIELD_MAX) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def act_form(form: FormData) -> Asked | str:
    """The advice and what to do with it, or why the form is not one of ours."""
    client, kind, action_id = (_text(form, "client"), _text(form, "kind"), _text(form, "id"))
    what = _text(form, "what")
    if not client or not action_id or kind not in ACTION_KINDS or what not in ACTS:
        return "bad-form"
    reason = _text(form, "reason") or None
    if what == "dismiss" and reason not in DISMISS_REASONS:
        return "bad-form"
    try:
        until = dt.date.fromisoformat(_text(form, "until")) if what == "snooze" else None
    except ValueError:
        return "bad-form"
    comment = _text(form, "comment", COMMENT_MAX) or None
    return Asked((client, kind, action_id), what, reason if what == "dismiss" else None,
                 comment, until)


def acted(asked: Asked, title: str) -> dict[str, Any]:
    found: dict[str, Any] = {"kind": "ok", "code": asked.what, "title": title}
    if asked.until is not None:
        found["day"] = asked.until.isoformat()
    return found


def failed(exc: DiagnosticsError) -> dict[str, Any]:
    return {"kind": "error", "code": "failed",
            "message": "; ".join(d.message for d in exc.diagnostics)}


def flash_shown(flash: Any) -> dict[str, Any] | None:
    """A message kept in the session for the next page, with its day as a date again."""
    if not isinstance(flash, dict):
        return None
    shown = dict(flash)
    if isinstance(shown.get("day"), str):
        shown["day"] = dt.date.fromisoformat(shown["day"])
    return shown
