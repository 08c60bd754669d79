"""Bitrix24: the outbound webhook's deal events, crm.deal.get, a deal as columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import httpx

from engine.errors import Diagnostic, Location
from engine.journal.hooks import NewEvent
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
)
from engine.serve.security import same
from engine.serve.settings import Bitrix24

EVENTS = ("ONCRMDEALADD", "ONCRMDEALUPDATE")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")

def events(data: Mapping[str, Any], settings: Bitrix24) -> list[NewEvent]:
    """The deal change of a Bitrix24 event; Refused when its application token is wrong."""
    where = Location("/hooks/bitrix24")
    auth = data.get("auth") if isinstance(data.get("auth"), dict) else {}
    assert isinstance(auth, dict)
    if not same(text_of(auth.get("application_token")), settings.application_token):
        raise Refused(Diagnostic("bad-token", "the event's application_token is not this "
                                 "server's", where,
                                 expected="auth[application_token] as configured"))
    member = text_of(auth.get("member_id"))
    if settings.member_id is not None and member != settings.member_id:
        raise Refused(Diagnostic("bad-account", "the event names another Bitrix24 portal",
                                 where, expected="auth[member_id] of the configured portal"))
    event = text_of(data.get("event"))
    body = data.get("data") if isinstance(data.get("data"), dict) else {}
    assert isinstance(body, dict)
    fields = body.get("FIELDS") if isinstance(body.get("FIELDS"), dict) else {}
    assert isinstance(fields, dict)
    record_id = text_of(fields.get("ID"))
    if event is None or event.upper() not in EVENTS or not record_id:
        return []
    return [NewEvent(crm="bitrix24", account=member or text_of(auth.get("domain")) or "",
                     record_id=record_id[:64], action=event.upper(), modified=None,
                     payload={"event": event, "ts": text_of(data.get("ts")),
                              "domain": text_of(auth.get("domain")), "fields": fields})]


def columns(deal: Mapping[str, Any], mapping: MappingFile
                     ) -> dict[str, str | list[str]]:
    """A deal as columns: its fields by name, times as dates, multiple fields as lists."""
    columns: dict[str, str | list[str]] = {}
    for key, value in deal.items():
        if isinstance(value, list):
            texts = [_bitrix_cell(text_of(v), mapping) for v in value]
            columns[key] = [t for t in texts if t is not None]
            continue
        text = _bitrix_cell(text_of(value), mapping)
        if text is not None:
            columns[key] = text
    return columns


def _bitrix_cell(text: str | None, mapping: MappingFile) -> str | None:
    if text is not None and _ISO_TIME.match(text):
        try:
            return dt.datetime.fromisoformat(text).date().strftime(mapping.date_format)
        except ValueError:
            return text
    return text


class Bitrix24Client(RestApi):
    """The part of Bitrix24's REST API the worker uses: ``crm.deal.get``."""

    def __init__(self, settings: Bitrix24, timeout: float, transport: httpx.BaseTransport | None
                 = None) -> None:
        assert settings.url and settings.token
        # the inbound webhook's code is part of the path: never logged, never in a message
        super().__init__(base_url=f"{settings.url.rstrip('/')}/{settings.token}",
                         timeout=timeout, transport=transport)
        self.settings = settings

    def deal(self, deal_id: str) -> CrmRecord:
        where = Location(f"bitrix24 deal {deal_id}")
        answer = get(self.http, "/crm.deal.get.json", {"id": deal_id}, where)
        body = json_of(answer, where, "Bitrix24") if answer.content else {}
        error = str(body.get("error") or "") if isinstance(body, dict) else ""
        detail = str(body.get("error_description") or "") if isinstance(body, dict) else ""
        if answer.status_code == 400 and "not found" in detail.lower():
            raise CrmError(Diagnostic("crm-not-found", f"Bitrix24 has no deal {deal_id}", where,
                                      expected="a deal the event named"), retry=False)
        if answer.status_code != 200 or error:
            raise http_error(answer, where, "Bitrix24", " ".join(filter(None, (error, detail))))
        result = body.get("result") if isinstance(body, dict) else None
        if not isinstance(result, dict):
            raise CrmError(Diagnostic("crm-bad-answer", "crm.deal.get answered without a deal",
                                      where, expected='{"result": {...}}'), retry=True)
        return CrmRecord(deal_id, result, text_of(result.get("DATE_MODIFY")))

    def record_url(self, record_id: str) -> str:
        portal = (self.settings.url or "").rstrip("/").split("/rest")[0]
        return f"{portal}/crm/deal/details/{record_id}/"


