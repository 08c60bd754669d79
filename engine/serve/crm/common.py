"""What the CRM clients share: the HTTP client, the errors, a record as columns, reading answers
and cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from engine.errors import Diagnostic, Location
from engine.models import Client
from engine.portfolio.mapping import Mapping as MappingFile


class RestApi:
    """A client of one CRM's REST API: the HTTP connection its calls share."""

    def __init__(self, *, base_url: str, timeout: float,
                 transport: httpx.BaseTransport | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport,
                                 headers=headers)

    def close(self) -> None:
        self.http.close()


class Refused(Exception):
    """A webhook that is not from the CRM configured (bad secret, account or token)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class CrmError(Exception):
    """A CRM's REST API did not give the record. ``retry``: it may later (rate limit, server
    error, network, a token being fixed); otherwise it never will (the record is gone)."""

    def __init__(self, diagnostic: Diagnostic, *, retry: bool,
                 retry_after: float | None = None) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic
        self.retry = retry
        self.retry_after = retry_after


@dataclass(frozen=True)
class CrmRecord:
    """A record as the CRM has it: its columns and when it was last modified."""

    record_id: str
    columns: dict[str, str | list[str]]
    modified: str | None


def text_of(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def get(http: httpx.Client, path: str, params: dict[str, str], where: Location
         ) -> httpx.Response:
    try:
        return http.get(path, params=params)
    except httpx.TimeoutException:
        raise CrmError(Diagnostic("crm-unreachable", "the CRM did not answer in time", where),
                       retry=True) from None
    except httpx.TransportError as exc:  # its text would name the URL (and a token in it)
        raise CrmError(Diagnostic("crm-unreachable", f"cannot reach the CRM "
                                  f"({type(exc).__name__})", where), retry=True) from None


def json_of(answer: httpx.Response, where: Location, crm: str) -> Any:
    try:
        return answer.json()
    except ValueError:
        raise CrmError(Diagnostic("crm-bad-answer", f"{crm} answered {answer.status_code} "
                                  "with a body that is not JSON", where), retry=True) from None


def http_error(answer: httpx.Response, where: Location, crm: str, detail: str) -> CrmError:
    status = answer.status_code
    limited = status in (429, 503)
    code = ("crm-rate-limited" if limited else "crm-refused" if status in (401, 403)
            else "crm-error")
    said = f": {detail[:200]}" if detail else ""
    return CrmError(Diagnostic(code, f"{crm} answered {status}{said}", where),
                    retry=status in (401, 403, 408, 429) or status >= 500,
                    retry_after=_retry_after(answer) if limited else None)


def _retry_after(answer: httpx.Response) -> float | None:
    value = answer.headers.get("Retry-After", "")
    try:
        return min(float(value), 3600.0) if value else None
    except ValueError:
        return None


def unix_date(text: str, mapping: MappingFile) -> str:
    """A unix time (amoCRM's times and date fields) as a date in the mapping's format."""
    if text.isdigit():
        return dt.datetime.fromtimestamp(int(text), dt.UTC).date().strftime(mapping.date_format)
    return text


def kept(columns: Mapping[str, str | list[str]], mapping: MappingFile
         ) -> Iterator[tuple[str, str | list[str]]]:
    """The columns the mapping names and those named as client fields."""
    for column, cell in columns.items():
        if column in mapping.ignore:
            continue
        if column in mapping.columns or column in Client.model_fields:
            yield column, cell
