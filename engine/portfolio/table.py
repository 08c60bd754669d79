"""One table of a CRM export (CSV, Parquet), read row by row: made once from its header, with
one converter per column (engine/portfolio/cells.py), the KPIs the mapping builds from columns
(name, target, actual, direction) and the columns no client field reads (left out and named
once, or refused with ``--strict-columns``); two columns that hold the same field are refused
(one of the two values would be lost). A cell that cannot be read is a located error of
its row, naming the column, the cell and what was expected; the row's other cells are still
read, so every mistake of a row is said at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Diagnostic, Location, did_you_mean, quoted, shown
from engine.language.document import PathKey
from engine.models import Client
from engine.portfolio.cells import MISSING, BadCell, Cells, Convert, number, put
from engine.portfolio.mapping import KpiColumns


@dataclass
class _Kpi:
    spec: KpiColumns
    name: int | None  # the column index of the KPI's name, of its target, of its actual
    target: int
    actual: int | None
    comma: tuple[bool, bool]  # decimal commas of the target and actual columns


@dataclass
class Table:
    """How each row of one table (its header given) becomes client data."""

    cells: Cells
    header: list[str]
    path: str
    problems: list[Diagnostic] = field(default_factory=list)  # the header's, if any

    def __post_init__(self) -> None:
        self.columns: list[tuple[int, str, Convert]] = []  # index, field, convert
        self.positions: dict[PathKey, tuple[int, int]] = {}
        left_out = []
        first: dict[str, int] = {}  # field -> the index of the column that holds it
        for i, column in enumerate(self.header):
            if not self.cells.known(column):
                left_out.append(column)
                continue
            name = self.cells.field(column)
            if name is None:
                continue
            if name in first:  # one of the two values would be lost
                self.problems.append(self._duplicate(i, name, first[name]))
                continue
            first[name] = i
            self.columns.append((i, name, self.cells.converter(column)))
            key: PathKey = ("facts", name[6:]) if name.startswith("facts.") else (name,)
            self.positions[key] = (0, i + 1)
        self.kpis = [k for k in map(self._kpi_columns, enumerate(self.cells.mapping.kpis)) if k]
        if "id" not in {name for _, name, _ in self.columns}:
            self.problems.append(self._no_id())
        if left_out and self.cells.strict_columns:
            self.problems += [self._unknown(c) for c in left_out]
        elif left_out and not self.problems:
            self.cells.left_out.setdefault(self.path, tuple(left_out))

    def _kpi_columns(self, numbered: tuple[int, KpiColumns]) -> _Kpi | None:
        k, spec = numbered
        index = {c: i for i, c in enumerate(self.header)}
        missing = [c for c in spec.columns() if c not in index]
        if missing:
            self.problems.append(Diagnostic(
                "missing-column", f"kpis[{k}] reads column {quoted(missing[0])}, which the "
                "file does not have", Location(self.path, 1, 1),
                expected="one of the header's columns", hint=did_you_mean(missing[0],
                                                                          self.header)))
            return None
        self.positions.setdefault(("kpis",), (0, index[spec.target] + 1))
        comma = self.cells.mapping.column
        return _Kpi(spec=spec, name=index.get(spec.name_column or ""),
                    target=index[spec.target], actual=index.get(spec.actual or ""),
                    comma=(bool(comma(spec.target).decimal_comma),
                           bool(comma(spec.actual or spec.target).decimal_comma)))

    def _duplicate(self, i: int, name: str, before: int) -> Diagnostic:
        column, first = self.header[i], self.header[before]
        same = "has the same name as" if column == first else "is mapped to the same field as"
        return Diagnostic(
            "duplicate-column", f"column {i + 1} {quoted(column)} {same} column {before + 1} "
            f"{quoted(first)}: both are the client field {quoted(name)}",
            Location(self.path, 1, i + 1), expected="each client field in one column",
            hint="rename or drop one of them, or leave one out with the mapping file's ignore:")

    def _no_id(self) -> Diagnostic:
        """No column holds the client's id: every row would fail the same way, so the table
        fails once, saying how to map it."""
        like = [c for c in self.header if c.strip().casefold() in ("id", "ид", "идентификатор")]
        return Diagnostic(
            "no-id-column", "no column holds the client's id", Location(self.path, 1, 1),
            expected="a column named id, or a mapping file (--map) whose columns: name the id "
                     f"column{f' (e.g. {like[0]}: id)' if like else ''}",
            hint=f"`playbook map init {self.path}` writes a mapping file for this export")

    def _unknown(self, column: str) -> Diagnostic:
        known = [*Client.model_fields, *self.cells.mapping.columns]
        return Diagnostic(
            "unknown-column", f"column {quoted(column)} is no client field",
            Location(self.path, 1, self.header.index(column) + 1),
            expected="a client field, facts.NAME, or a column the mapping file names "
                     "(columns:) or leaves out (ignore:)", hint=did_you_mean(column, known))

    def row(self, values: Sequence[Any], line: int
            ) -> tuple[dict[str, Any], tuple[Diagnostic, ...]]:
        """One row's client data, and the cells that could not be read."""
        data: dict[str, Any] = {}
        bad: list[Diagnostic] = []
        for i, name, convert in self.columns:
            try:
                value = convert(values[i])
            except BadCell as exc:
                bad.append(self._bad(exc, i, line))
                continue
            if value is not MISSING:
                put(data, name, value, self.cells)
        if self.kpis:
            kpis = [k for k in (self._kpi(kpi, values, line, bad) for kpi in self.kpis) if k]
            if kpis:
                data["kpis"] = kpis
        self.cells.link(data)
        return data, tuple(bad)

    def _kpi(self, kpi: _Kpi, values: Sequence[Any], line: int, bad: list[Diagnostic]
             ) -> dict[str, Any] | None:
        """One KPI of a row; None when the row has none (or it is wrong: said in ``bad``)."""
        name = kpi.spec.name or (_text(values[kpi.name]) if kpi.name is not None else "")
        target = _text(values[kpi.target])
        actual = _text(values[kpi.actual]) if kpi.actual is not None else ""
        if not (target or actual) and (kpi.spec.name or not name):
            return None
        if not name:
            where = kpi.name if kpi.name is not None else kpi.target
            bad.append(self._bad(BadCell("empty, but the row has a KPI target or actual",
                                         expected="the KPI's name"), where, line))
            return None
        if not target:
            bad.append(self._bad(BadCell(f"empty, but the KPI {quoted(name)} needs a target",
                                         expected="the KPI's target, a number"),
                                 kpi.target, line))
            return None
        out: dict[str, Any] = {"name": name, "higher_is_better": kpi.spec.higher(name)}
        for key, index, text, comma in (("target", kpi.target, target, kpi.comma[0]),
                                        ("actual", kpi.actual or 0, actual, kpi.comma[1])):
            try:
                if text:
                    out[key] = number(text, comma)
            except ValueError:
                bad.append(self._bad(BadCell(f"{shown(text)} is not a number",
                                             expected="a number"), index, line))
                return None
        return out

    def _bad(self, exc: BadCell, index: int, line: int) -> Diagnostic:
        return Diagnostic("bad-cell", f"column {quoted(self.header[index])}: {exc.message}",
                          Location(self.path, line, index + 1), expected=exc.expected,
                          hint=exc.hint)


def table(cells: Cells, header: Sequence[str], path: str) -> Table:
    """How to read each row of a table with this header."""
    return Table(cells, list(header), path)


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()
