"""Advice as an Excel workbook (``playbook run --out advice.xlsx``; the 'xlsx' extra,
XlsxWriter): one row per action, with who and where the client is first (name, owner, the CRM
record as a link), then priority, kind, title and reason; the header row frozen and filters on
every column, so a manager sorts and filters by owner or kind at once.

Written row by row in XlsxWriter's constant-memory mode: memory does not grow with the number
of clients. A sheet holds at most 1,048,575 rows and 65,530 links (Excel's limits): the rows go
on in a new sheet ("advice 2", ...). Text is written as text, never as a formula; text a
spreadsheet would read as one (``formula_safe`` of engine/portfolio/writers.py would change it)
gets Excel's quote prefix, so it stays text when edited, unless ``allow_formulas``.
Only http and https links are made links; any other CRM link is shown as text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from engine.models import Recommendation
from engine.portfolio.readers import ExtraUnavailable

# (column code, width in characters)
COLUMNS = (("client", 32), ("owner", 22), ("crm", 14), ("priority", 8), ("kind", 14),
           ("title", 44), ("reason", 90), ("client_id", 14), ("id", 26), ("missing", 30),
           ("sources", 12), ("as_of", 11))
MAX_ROWS = 1_048_575  # data rows under the header
MAX_LINKS = 65_530
MAX_URL = 2_079  # Excel's longest link
SHEET = "advice"


class Xlsx:
    """The workbook at ``path``, written as recommendations come."""

    def __init__(self, path: Path, labels: Mapping[str, str],
                 safe: Callable[[Any], Any] | None = None) -> None:
        """``safe``: what makes a cell text a spreadsheet would not run (writers.formula_safe);
        a text it would change gets the quote prefix. None: every text as it is."""
        try:
            import xlsxwriter
        except ImportError:
            raise ExtraUnavailable("writing XLSX needs the 'xlsx' extra: "
                                   "pip install 'playbook-engine[xlsx]'") from None
        self.labels, self.safe = labels, safe
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                                    "strings_to_formulas": False,
                                                    "strings_to_urls": False})
        self.bold = self.book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
        self.text_quoted = self.book.add_format({"quote_prefix": True})
        self.link = self.book.add_format({"font_color": "blue", "underline": 1})
        self.sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.sheets += 1
        self.sheet: Any = self.book.add_worksheet(
            SHEET if self.sheets == 1 else f"{SHEET} {self.sheets}")
        self.row = self.links = 0
        for col, (code, width) in enumerate(COLUMNS):
            self.sheet.set_column(col, col, width)
            self.sheet.write_string(0, col, self.labels.get(code, code), self.bold)
        self.sheet.freeze_panes(1, 0)

    def _end_sheet(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row, 1), len(COLUMNS) - 1)

    def write(self, rec: Recommendation) -> None:
        client = rec.client_name or rec.client_id
        for action in rec.actions:
            if self.row >= MAX_ROWS or (rec.crm_url and self.links >= MAX_LINKS):
                self._end_sheet()
                self._new_sheet()
            self.row += 1
            r = self.row
            self._text(r, 0, client)
            self._text(r, 1, rec.owner or "")
            self._crm(r, rec)
            self.sheet.write_number(r, 3, action.priority)
            self._text(r, 4, self.labels.get(action.kind, action.kind))
            for col, text in ((5, action.title), (6, action.reason), (7, rec.client_id),
                              (8, action.id), (9, ", ".join(action.missing)),
                              (10, ", ".join(action.sources)), (11, rec.as_of.isoformat())):
                self._text(r, col, text)

    def _text(self, row: int, col: int, text: str) -> None:
        if text:
            quoted = self.safe is not None and self.safe(text) is not text
            self.sheet.write_string(row, col, text, self.text_quoted if quoted else None)

    def _crm(self, row: int, rec: Recommendation) -> None:
        url = rec.crm_url
        shown = rec.crm_id or rec.client_id
        if url and url.lower().startswith(("http://", "https://")) and len(url) <= MAX_URL:
            self.sheet.write_url(row, 2, url, self.link, string=shown)
            self.links += 1
        elif url:
            self._text(row, 2, url)

    def close(self) -> None:
        self._end_sheet()
        self.book.close()
