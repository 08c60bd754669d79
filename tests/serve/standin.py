"""A stand-in for the CRMs' REST APIs on loopback: the one stand-in the tests allow (a CRM cannot
run here). It answers in the documented shapes:

- amoCRM API v4 ``GET /api/v4/leads/{id}?with=contacts`` with ``Authorization: Bearer TOKEN``:
  200 with the lead (``custom_fields_values`` with ``field_id``, ``field_type`` and ``values``;
  ``_embedded.contacts``), 204 with no body for a lead it does not have, 401 for a wrong token
  and 429 past the rate limit, both as ``application/problem+json``
  (``{"title", "type", "status", "detail"}``);
- Bitrix24 ``crm.deal.get`` through an inbound webhook, ``/rest/1/{code}/crm.deal.get.json?id=``:
  ``{"result": {...}, "time": {...}}``, or ``{"error", "error_description"}``: 400 "Not found",
  401 ``INVALID_CREDENTIALS`` for a wrong code, 503 ``QUERY_LIMIT_EXCEEDED`` past the limit.

``limit(n)`` makes the next n requests hit the rate limit (with ``Retry-After``), ``hold`` makes
every request wait (a CRM that hangs), and ``requests`` lists what was asked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

AMO_TOKEN = "amo-token-0123456789"
BITRIX_CODE = "bx0123456789abcd"
MSK = dt.timezone(dt.timedelta(hours=3))


class StandIn:
    def __init__(self) -> None:
        self.leads: dict[str, dict[str, Any]] = {}
        self.deals: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.limited = 0  # the next requests answered with the rate limit
        self.retry_after = "1"
        self.hold = 0.0  # seconds every request waits before it is answered
        self.lock = threading.Lock()
        self.url = ""

    def limit(self, count: int, retry_after: str = "1") -> None:
        with self.lock:
            self.limited, self.retry_after = count, retry_after

    def take_limit(self) -> bool:
        with self.lock:
            if self.limited > 0:
                self.limited -= 1
                return True
            return False

    @property
    def amo_url(self) -> str:
        return self.url

    @property
    def bitrix_url(self) -> str:
        return f"{self.url}/rest/1"


def amo_lead(lead_id: int, *, name: str, updated_at: int, fields: dict[int, Any],
             responsible: int = 7001, created_at: int = 1750000000) -> dict[str, Any]:
    """A lead as amoCRM API v4 returns it; ``fields``: custom field id -> value (a list for a
    multiselect, a date for a date field)."""
    values = []
    for field_id, value in fields.items():
        if isinstance(value, dt.date):
            kind, items = "date", [int(dt.datetime(value.year, value.month, value.day,
                                                   tzinfo=dt.UTC).timestamp())]
        elif isinstance(value, list):
            kind, items = "multiselect", value
        else:
            kind, items = "text", [value]
        values.append({"field_id": field_id, "field_name": f"field {field_id}",
                       "field_code": None, "field_type": kind,
                       "values": [{"value": v, "enum_id": None, "enum_code": None}
                                  for v in items]})
    return {"id": lead_id, "name": name, "price": 150000, "responsible_user_id": responsible,
            "group_id": 0, "status_id": 142, "pipeline_id": 3300, "loss_reason_id": None,
            "created_by": responsible, "updated_by": responsible, "created_at": created_at,
            "updated_at": updated_at, "closed_at": None, "closest_task_at": None,
            "is_deleted": False, "custom_fields_values": values or None, "score": None,
            "account_id": 29512345, "labor_cost": None,
            "_links": {"self": {"href": f"/api/v4/leads/{lead_id}"}},
            "_embedded": {"tags": [], "companies": [],
                          "contacts": [{"id": 90000 + lead_id, "is_main": True}]}}


def bitrix_deal(deal_id: int, *, title: str, modified: dt.datetime,
                fields: dict[str, Any], assigned: str = "1") -> dict[str, Any]:
    """A deal as crm.deal.get returns it: every value a string (or a list of strings for a
    multiple field), date-times in ISO 8601 with the portal's offset."""
    begin = dt.datetime(2026, 6, 23, tzinfo=MSK).isoformat()
    return {"ID": str(deal_id), "TITLE": title, "TYPE_ID": "SERVICES", "STAGE_ID": "WON",
            "PROBABILITY": None, "CURRENCY_ID": "RUB", "OPPORTUNITY": "180000.00",
            "IS_MANUAL_OPPORTUNITY": "N", "TAX_VALUE": "0.00", "LEAD_ID": None,
            "COMPANY_ID": "12", "CONTACT_ID": "40", "QUOTE_ID": None, "BEGINDATE": begin,
            "CLOSEDATE": None, "ASSIGNED_BY_ID": assigned, "CREATED_BY_ID": "1",
            "MODIFY_BY_ID": assigned, "DATE_CREATE": begin,
            "DATE_MODIFY": modified.astimezone(MSK).isoformat(), "OPENED": "Y",
            "CLOSED": "N", "COMMENTS": None, "ADDITIONAL_INFO": None, "CATEGORY_ID": "0",
            "STAGE_SEMANTIC_ID": "S", "IS_NEW": "N", "IS_RECURRING": "N",
            "IS_RETURN_CUSTOMER": "N", "IS_REPEATED_APPROACH": "N", "SOURCE_ID": "WEB",
            "SOURCE_DESCRIPTION": None, "ORIGINATOR_ID": None, "ORIGIN_ID": None,
            "UTM_SOURCE": None, **fields}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_GET(self) -> None:
        crm = self.server.crm
        parts = urlsplit(self.path)
        with crm.lock:
            crm.requests.append(parts.path)
        if crm.hold:
            time.sleep(crm.hold)
        if parts.path.startswith("/api/v4/leads/"):
            self._amo(crm, parts.path.rsplit("/", 1)[-1])
        elif parts.path.startswith("/rest/1/"):
            self._bitrix(crm, parts.path, parse_qs(parts.query))
        else:
            self._send(404, {"error": "NOT_FOUND"})

    def _amo(self, crm: StandIn, lead_id: str) -> None:
        if self.headers.get("Authorization") != f"Bearer {AMO_TOKEN}":
            self._problem(401, "Unauthorized", "Unauthorized")
        elif crm.take_limit():
            self._problem(429, "Too Many Requests", "Too many requests",
                          {"Retry-After": crm.retry_after})
        elif lead_id not in crm.leads:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(200, crm.leads[lead_id])

    def _bitrix(self, crm: StandIn, path: str, query: dict[str, list[str]]) -> None:
        code, method = path.removeprefix("/rest/1/").split("/", 1)
        if code != BITRIX_CODE:
            self._send(401, {"error": "INVALID_CREDENTIALS",
                             "error_description": "Invalid request credentials"})
        elif method != "crm.deal.get.json":
            self._send(404, {"error": "ERROR_METHOD_NOT_FOUND",
                             "error_description": "Method not found!"})
        elif crm.take_limit():
            self._send(503, {"error": "QUERY_LIMIT_EXCEEDED",
                             "error_description": "Too many requests"},
                       {"Retry-After": crm.retry_after})
        elif query.get("id", [""])[0] not in crm.deals:
            self._send(400, {"error": "", "error_description": "Not found"})
        else:
            now = time.time()
            self._send(200, {"result": crm.deals[query["id"][0]], "time": {
                "start": now, "finish": now + 0.01, "duration": 0.01, "processing": 0.005,
                "date_start": dt.datetime.now(MSK).isoformat(),
                "date_finish": dt.datetime.now(MSK).isoformat(), "operating": 0}})

    def _problem(self, status: int, title: str, detail: str,
                 headers: dict[str, str] | None = None) -> None:
        self._send(status, {"title": title, "type": f"https://httpstatus.es/{status}",
                            "status": status, "detail": detail}, headers,
                   "application/problem+json")

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None,
              kind: str = "application/json") -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a killed caller
            self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, crm: StandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.crm = crm


@contextmanager
def running() -> Iterator[StandIn]:
    """A stand-in CRM listening on 127.0.0.1 at a free port, for the block."""
    crm = StandIn()
    server = _Server(crm)
    crm.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield crm
    finally:
        crm.hold = 0
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
