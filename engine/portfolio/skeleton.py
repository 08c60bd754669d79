"""``playbook map init EXPORT``: what a mapping file for a CRM export should say, found from the
export itself. It reads the header and a sample of rows (in the detected encoding and with the
detected delimiter), and proposes, as data:

- for each column, the client field it likely holds (by its label: engine/portfolio/labels.py,
  or by a field's own name), how its dates are written, how its lists are split;
- the file's date format, list separator and whether numbers have a decimal comma;
- KPIs built from columns (a name column with target and actual columns, or "CPL план" /
  "CPL факт" pairs);
- for each field with a fixed set of values, the distinct values of its column with the value
  each likely is (a word of the field's own, a CRM word of labels.py, a journey step's title),
  or none, and the values the field allows.

The words of the YAML skeleton are written in engine/render/skeleton.py.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as member
from pathlib import Path

from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.portfolio.cells import DATE_FORMATS
from engine.portfolio.labels import (
    FIELD_LABELS,
    KPI_ACTUAL,
    KPI_ACTUAL_WORDS,
    KPI_NAME,
    KPI_TARGET,
    KPI_TARGET_WORDS,
    VALUE_WORDS,
    folded,
)
from engine.portfolio.mapping import COST_KPIS, allowed_values, is_list_field
from engine.portfolio.sniff import SAMPLE, delimiter_of, encoding_of, label, sample_lines

ROWS = 2000  # rows read for the sample
MAX_VALUES = 60  # distinct values listed per column
LIST_SEPARATORS = (", ", ",", ";", "|", " / ")
_DECIMAL_COMMA = re.compile(r"^[^,.]*\d,\d{1,2}(?:\s*\S{0,4})?$")


@dataclass
class ColumnGuess:
    column: str
    field: str | None  # None: no client field found
    date_format: str | None = None  # the column's own, when it has dates
    list_separator: str | None = None  # the column's own, when it holds a list field
    distinct: list[str] = member(default_factory=list)  # its values, first seen first (capped)
    samples: list[str] = member(default_factory=list)  # a few non-empty cells
    filled: int = 0  # rows with a value
    unique: bool = False  # every row has a value, each a different one
    cells: list[str] = member(default_factory=list, repr=False)  # the sample's non-empty cells
    guessed: bool = False  # matched by its values, not its label: check it


@dataclass
class KpiGuess:
    name: str | None
    name_column: str | None
    target: str
    actual: str | None
    names: list[str]  # the KPI names seen
    lower_is_better: list[str]


@dataclass
class ValueGuess:
    crm: str  # the CRM's word
    value: str | None  # the value it likely is; None: not known


@dataclass
class Skeleton:
    path: str
    encoding: str  # as people name it (windows-1251)
    delimiter: str
    rows: int  # rows sampled
    date_format: str
    list_separator: str
    decimal_comma: bool
    columns: list[ColumnGuess]
    kpis: list[KpiGuess]
    values: dict[str, list[ValueGuess]]  # field -> its column's values
    allowed: dict[str, tuple[str, ...]]  # field -> the values it allows
    problems: list[str] = member(default_factory=list)  # what could not be read


def skeleton_of(path: Path, kb: KnowledgeBase) -> Skeleton:
    """A mapping proposal for the CSV export at ``path``."""
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE)
    encoding = encoding_of(sample)
    delimiter = delimiter_of(sample_lines(sample, encoding)) or ","
    header, rows = _read(path, encoding, delimiter)
    columns = [_column(c, [r[i] if i < len(r) else "" for r in rows])
               for i, c in enumerate(header)]
    kpis = _kpis(columns)
    used = {c for k in kpis for c in (k.name_column, k.target, k.actual) if c}
    _match(columns, used, kb)
    date_format = _most([c.date_format for c in columns if c.field and c.date_format
                         and " " not in c.date_format] or ["%Y-%m-%d"])
    lists = [c for c in columns if c.field and is_list_field(kb, c.field)]
    separator = _most([c.list_separator for c in lists if c.list_separator] or [";"])
    for c in columns:  # a column's own only where it differs from the file's
        c.date_format = c.date_format if c.date_format != date_format else None
        c.list_separator = c.list_separator if c.list_separator != separator else None
    values = {c.field: _values(c, kb, separator) for c in columns
              if c.field and allowed_values(kb, c.field)}
    return Skeleton(path=str(path), encoding=label(encoding), delimiter=delimiter,
                    rows=len(rows), date_format=date_format, list_separator=separator,
                    decimal_comma=_decimal_comma(columns), columns=columns, kpis=kpis,
                    values=values, allowed={f: allowed_values(kb, f) for f in values})


def _read(path: Path, encoding: str, delimiter: str) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding=encoding, errors="replace", newline="") as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        header = next(reader, [])
        if header:
            header[0] = header[0].lstrip("\ufeff")
        rows = []
        for row in reader:
            if any(c.strip() for c in row):
                rows.append(row)
            if len(rows) >= ROWS:
                break
    return header, rows


def _column(column: str, cells: list[str]) -> ColumnGuess:
    filled = [c.strip() for c in cells if c.strip()]
    distinct = list(dict.fromkeys(filled))
    proposal = ColumnGuess(column, None, distinct=distinct[:MAX_VALUES],
                              samples=distinct[:3], filled=len(filled),
                              unique=bool(filled) and len(distinct) == len(filled) == len(cells),
                              cells=filled)
    if filled:
        proposal.date_format = next((f for f in DATE_FORMATS if _all_dates(filled, f)), None)
        proposal.list_separator = _separator(filled)
    return proposal


def _all_dates(cells: list[str], form: str) -> bool:
    import datetime as dt

    try:
        for cell in cells:
            dt.datetime.strptime(cell, form)
    except ValueError:
        return False
    return True


def _separator(cells: list[str]) -> str | None:
    counts = Counter(s for c in cells for s in LIST_SEPARATORS if s in c)
    if not counts:
        return None
    best, seen = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))
    return best.strip() or best if seen >= max(2, len(cells) // 10) else None


def _most(items: list[str]) -> str:
    return Counter(items).most_common(1)[0][0]


def _decimal_comma(columns: list[ColumnGuess]) -> bool:
    return any(_DECIMAL_COMMA.match(s) for c in columns if c.field for s in c.samples)


def _match(columns: list[ColumnGuess], used: set[str], kb: KnowledgeBase) -> None:
    """Each column's likeliest field, a field for one column at most: a column named as a
    field first, then by how high its label stands in the field's list, then left to right."""
    fields = [*Client.model_fields, *(n for n in kb.facts if n.startswith("facts."))]
    by_name = {folded(f.removeprefix("facts.").replace("_", " ")): f for f in fields}
    candidates: list[tuple[int, int, str]] = []  # (label rank, column index, field)
    for i, c in enumerate(columns):
        key = folded(c.column).replace("_", " ")
        if c.column in used:
            continue
        if key in by_name:
            candidates.append((-1, i, by_name[key]))
            continue
        for name, labels in FIELD_LABELS.items():
            rank = next((r for r, lbl in enumerate(labels) if folded(lbl) == key), None)
            if rank is not None and name in fields:
                candidates.append((rank, i, name))
    taken: set[str] = set()
    for _, i, name in sorted(candidates):
        if name not in taken and columns[i].field is None:
            columns[i].field = name
            taken.add(name)
    if "id" not in taken:  # the first column whose values are all there and all different
        found = next((c for c in columns if c.field is None and c.column not in used
                      and c.unique), None)
        if found is not None:
            found.field, found.guessed = "id", True


def _kpis(columns: list[ColumnGuess]) -> list[KpiGuess]:
    by_label = {folded(c.column): c for c in columns}
    out = []
    name = next((by_label[k] for k in map(folded, KPI_NAME) if k in by_label), None)
    target = next((by_label[k] for k in map(folded, KPI_TARGET) if k in by_label), None)
    actual = next((by_label[k] for k in map(folded, KPI_ACTUAL) if k in by_label), None)
    if name is not None and target is not None:
        out.append(KpiGuess(name=None, name_column=name.column, target=target.column,
                            actual=actual.column if actual else None, names=name.distinct,
                            lower_is_better=_costs(name.distinct)))
    pairs: dict[str, dict[str, str]] = {}
    for c in columns:
        words = folded(c.column).split()
        if len(words) != 2 or c in (name, target, actual):
            continue
        for role, vocabulary in (("target", KPI_TARGET_WORDS), ("actual", KPI_ACTUAL_WORDS)):
            if words[0] in vocabulary or words[1] in vocabulary:
                kpi = c.column.split()[1] if words[0] in vocabulary else c.column.split()[0]
                pairs.setdefault(kpi, {})[role] = c.column
    for kpi, found in pairs.items():
        if "target" in found:
            out.append(KpiGuess(name=kpi, name_column=None, target=found["target"],
                                actual=found.get("actual"), names=[kpi],
                                lower_is_better=_costs([kpi])))
    return out


def _costs(names: list[str]) -> list[str]:
    costs = {folded(c) for c in COST_KPIS}
    return [n for n in names if folded(n) in costs]


def _values(column: ColumnGuess, kb: KnowledgeBase, separator: str) -> list[ValueGuess]:
    """The column's distinct values (items, for a list field) with what each likely is."""
    allowed = allowed_values(kb, column.field or "")
    many = is_list_field(kb, column.field or "")
    sep = column.list_separator or separator
    items: dict[str, None] = {}
    for value in dict.fromkeys(column.cells):
        for item in (value.split(sep) if many else [value]):
            if item.strip():
                items[item.strip()] = None
    words = _words(column.field or "", kb)
    return [ValueGuess(crm, _guess(crm, allowed, words)) for crm in list(items)[:MAX_VALUES]]


def _words(field: str, kb: KnowledgeBase) -> dict[str, str]:
    """CRM words for a field's values: the labels table's, and journey titles for steps and
    project types (in every language)."""
    words = {folded(k): v for k, v in VALUE_WORDS.get(field, {}).items()}
    if field == "project_type":
        for pt, journey in kb.journeys.items():
            words.update({folded(journey.spec.title.en): pt, folded(journey.spec.title.ru): pt})
    if field == "completed_steps":
        for journey in kb.journeys.values():
            for step in journey.spec.steps:
                words.setdefault(folded(step.title.ru), step.id)
                words.setdefault(folded(step.title.en), step.id)
    return words


def _guess(crm: str, allowed: tuple[str, ...], words: dict[str, str]) -> str | None:
    key = folded(crm)
    if key in allowed:
        return key
    if key.replace(" ", "_") in allowed:
        return key.replace(" ", "_")
    found = words.get(key)
    if found in allowed:
        return found
    close = difflib.get_close_matches(key, list(words), n=1, cutoff=0.85)
    return words[close[0]] if close and words[close[0]] in allowed else None
