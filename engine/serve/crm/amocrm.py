"""amoCRM (Kommo): the webhook's lead changes, the lead from REST API v4, a lead as columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from engine.errors import Diagnostic, Location
from engine.journal.hooks import HookEvent, NewEvent
from engine.portfolio.mapping import Mapping as MappingFile
from engine.serve.crm.common import (
    CrmError,
    CrmRecord,
    Refused,
    RestApi,
    get,
    http_error,
    json_of,
    text_of,
    unix_date,
)
from engine.serve.security import same
from engine.serve.settings import AmoCRM

ACTIONS = ("add", "update", "status")  # leads[delete] is not a change to advise on
# amoCRM's webhook names some fields differently from its REST API: the API's names are used
_RENAMED = {"last_modified": "updated_at", "date_create": "created_at",
            "modified_user_id": "updated_by", "created_user_id": "created_by"}
_TIMES = ("created_at", "updated_at", "closed_at", "closest_task_at")
_DATE_TYPES = ("date", "date_time", "birthday")

def events(data: Mapping[str, Any], secret: str | None, settings: AmoCRM
                  ) -> list[NewEvent]:
    """The lead changes of an amoCRM webhook; Refused when the secret or account is wrong."""
    where = Location("/hooks/amocrm")
    if not same(secret, settings.secret):
        raise Refused(Diagnostic("bad-secret", "the webhook's URL does not carry this "
                                 "server's amoCRM secret", where,
                                 expected="/hooks/amocrm/{secret} as configured"))
    account = data.get("account") if isinstance(data.get("account"), dict) else {}
    assert isinstance(account, dict)
    account_id = text_of(account.get("id"))
    if settings.account_id is not None and account_id != settings.account_id:
        raise Refused(Diagnostic("bad-account", "the webhook names another amoCRM account",
                                 where, expected="account[id] of the configured account"))
    leads = data.get("leads")
    events: list[NewEvent] = []
    if not isinstance(leads, dict):
        return events
    for action in ACTIONS:
        items = leads.get(action)
        for lead in items if isinstance(items, list) else []:
            if not isinstance(lead, dict) or not text_of(lead.get("id")):
                continue
            fields = {_RENAMED.get(k, k): v for k, v in lead.items()}
            events.append(NewEvent(
                crm="amocrm", account=account_id or "", record_id=str(lead["id"])[:64],
                action=action, modified=text_of(fields.get("updated_at")),
                payload={"lead": fields, "account": {
                    k: v for k, v in account.items() if k in ("id", "subdomain")}}))
    return events


def from_event(event: HookEvent, mapping: MappingFile) -> CrmRecord:
    """The lead as the webhook gave it."""
    lead = event.payload.get("lead", {})
    return CrmRecord(event.record_id, columns(lead, mapping), text_of(lead.get("updated_at")))


def columns(lead: Mapping[str, Any], mapping: MappingFile) -> dict[str, str | list[str]]:
    """A lead (the REST API's or the webhook's) as columns: its fields by name, custom fields
    by id, times as dates."""
    columns: dict[str, str | list[str]] = {}
    for key, value in lead.items():
        text = text_of(value)
        if text is None:
            continue
        columns[key] = unix_date(text, mapping) if key in _TIMES else text
    custom = lead.get("custom_fields_values") or lead.get("custom_fields") or []
    for field in custom if isinstance(custom, list) else []:
        if not isinstance(field, dict):
            continue
        field_id = text_of(field.get("field_id", field.get("id")))
        values = field.get("values")
        values = values if isinstance(values, list) else []
        texts = [text_of(v.get("value")) if isinstance(v, dict) else text_of(v) for v in values]
        found = [t for t in texts if t is not None]
        if field.get("field_type") in _DATE_TYPES:
            found = [unix_date(t, mapping) for t in found]
        if field_id and found:
            columns[field_id] = found[0] if len(found) == 1 else found
    return columns


class AmoCRMClient(RestApi):
    """The part of amoCRM's REST API (v4) the worker uses: one lead by id."""

    def __init__(self, settings: AmoCRM, timeout: float, transport: httpx.BaseTransport | None
                 = None) -> None:
        assert settings.url and settings.token
        super().__init__(base_url=settings.url.rstrip("/"), timeout=timeout, transport=transport,
                         headers={"Authorization": f"Bearer {settings.token}"})
        self.settings = settings

    def lead(self, lead_id: str) -> CrmRecord:
        where = Location(f"amocrm lead {lead_id}")
        answer = get(self.http, f"/api/v4/leads/{lead_id}", {"with": "contacts"}, where)
        if answer.status_code in (204, 404):
            raise CrmError(Diagnostic("crm-not-found", f"amoCRM has no lead {lead_id}", where,
                                      expected="a lead the webhook named"), retry=False)
        if answer.status_code != 200:
            raise http_error(answer, where, "amoCRM", _amo_detail(answer))
        lead = json_of(answer, where, "amoCRM")
        if not isinstance(lead, dict) or text_of(lead.get("id")) is None:
            raise CrmError(Diagnostic("crm-bad-answer", "amoCRM answered without a lead",
                                      where, expected="a lead object"), retry=True)
        return CrmRecord(lead_id, lead, text_of(lead.get("updated_at")))

    def record_url(self, record_id: str) -> str:
        return f"{(self.settings.url or '').rstrip('/')}/leads/detail/{record_id}"


def _amo_detail(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return ""
    return str(body.get("detail") or body.get("title") or "") if isinstance(body, dict) else ""


