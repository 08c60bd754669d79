"""The CRM mapping file of ``playbook run --map``: how a CRM export is read (its encoding and
delimiter, when they are not to be detected), which CRM column is which client fact, which CRM
value is which value, how lists, dates and numbers are written (for the whole file, or per
column), which columns make KPIs, and the link to a client's CRM record.

    encoding: windows-1251            # default: detected (UTF-8, UTF-8 with BOM, Windows-1251...)
    delimiter: ";"                    # default: detected (; , tab)
    columns:
      ID: id
      Компания: name
      Ответственный: owner
      Дата создания: {field: client_since, date_format: "%d.%m.%Y %H:%M:%S"}
      Услуги: {field: services, list_separator: ","}
    values: {temperament: {Холерик: choleric}, completed_steps: {Оплачен: [contract_signed,
             payment_received]}}
    kpis: [{name_column: KPI, target: План KPI, actual: Факт KPI}]
    crm_url: https://agency.bitrix24.ru/crm/deal/details/{id}/
    date_format: "%d.%m.%Y"
    decimal_comma: true

Values are matched without regard to case or surrounding spaces. Columns the mapping does not
name and that are no client field are left out (``playbook run`` names them once;
``--strict-columns`` refuses them); ``ignore`` leaves columns out without naming them.
``check_mapping`` holds a mapping against a knowledge base when it is read: a fact the knowledge
base does not declare or a value it does not know is one error in the mapping file, not one per
row.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, Discriminator, Field, Tag, ValidationError, model_validator

from engine.errors import Diagnostic, did_you_mean, one_of, quoted, shown
from engine.kb.model_errors import diagnostics
from engine.kb.source import read
from engine.language.document import Document
from engine.models import Client, Model

if TYPE_CHECKING:
    from engine.kb.knowledge_base import KnowledgeBase

FIELD_PATTERN = r"^([a-z][a-z0-9_]*|facts\.[a-z][a-z0-9_]*)$"
# KPIs where less is better (costs and shares of cost), matched ignoring case
COST_KPIS = ("CPL", "CPA", "CPO", "CPC", "CPM", "CPI", "CAC", "CPS", "ДРР", "DRR", "ACOS")
URL_PATTERN = r"^https?://[^\s{}]*\{(crm_id|id)\}[^\s{}]*$"


def _client_field(name: str) -> str:
    if not name.startswith("facts.") and name not in Client.model_fields:
        hint = did_you_mean(name, Client.model_fields)
        raise ValueError(f"'{name}' is not a client field" + (f" ({hint})" if hint else ""))
    return name


def _encoding(name: str) -> str:
    try:
        codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding '{name}': expected e.g. utf-8, utf-8-sig, "
                         "windows-1251, koi8-r") from None
    return name


ClientField = Annotated[str, Field(pattern=FIELD_PATTERN), AfterValidator(_client_field)]
NonEmpty = Annotated[str, Field(min_length=1)]
Scalar = str | int | float | bool


class Column(Model):
    """One CRM column in full: the client field it holds, and how its cells are written where
    that differs from the file's defaults."""

    field: ClientField = Field(description="the client field, or facts.NAME for a custom fact")
    date_format: NonEmpty | None = Field(
        default=None, description="how this column's dates are written (strftime codes)")
    list_separator: NonEmpty | None = Field(
        default=None, description="how this column's list cells are split")
    decimal_comma: bool | None = Field(
        default=None, description="this column's numbers are written 1 234,5")


# a column is a field's name or a Column: only the shape written is validated, so a mistake is
# reported once (the tags are named as the checks' messages drop them: engine/kb/model_errors.py)
ColumnSpec = Annotated[Annotated[ClientField, Tag("str")] | Annotated[Column, Tag("dict")],
                       Discriminator(lambda v: "str" if isinstance(v, str) else "dict")]


class KpiColumns(Model):
    """A KPI built from columns: its name (fixed, or a column's cell), its target and actual
    (columns), and whether higher is better (fixed, or by name: the names in
    ``lower_is_better`` are costs). A row whose name, target and actual cells are empty has no
    such KPI."""

    name: NonEmpty | None = Field(default=None, description="the KPI's name, e.g. CPL")
    name_column: NonEmpty | None = Field(
        default=None, description="the column holding the KPI's name (instead of name)")
    target: NonEmpty = Field(description="the column holding the KPI's target")
    actual: NonEmpty | None = Field(default=None,
                                    description="the column holding the KPI's actual value")
    higher_is_better: bool | None = Field(
        default=None, description="the direction of every KPI of this entry; default: by name "
        "(lower_is_better)")
    lower_is_better: list[NonEmpty] = Field(
        default=list(COST_KPIS), description="KPI names (any case) where less is better; the "
        "others are better higher")

    @model_validator(mode="after")
    def _one_name(self) -> KpiColumns:
        if (self.name is None) == (self.name_column is None):
            raise ValueError("a KPI has a fixed name or a name_column, exactly one of them")
        return self

    def columns(self) -> list[str]:
        return [c for c in (self.name_column, self.target, self.actual) if c]

    def higher(self, name: str) -> bool:
        if self.higher_is_better is not None:
            return self.higher_is_better
        return name.strip().casefold() not in {n.casefold() for n in self.lower_is_better}


class Mapping(Model):
    """How a CRM export names and writes client facts."""

    encoding: Annotated[str, AfterValidator(_encoding)] | None = Field(
        default=None, description="the file's text encoding (utf-8, utf-8-sig, windows-1251, "
        "...); default: detected")
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] | None = Field(
        default=None, description="the CSV cell delimiter; default: detected (; , or tab)")
    columns: dict[NonEmpty, ColumnSpec] = Field(
        default={}, description="CRM column -> client field (facts.NAME for a custom fact), or "
        "{field, date_format, list_separator, decimal_comma}; columns not listed keep their "
        "name")
    values: dict[ClientField, dict[str, Scalar | list[Scalar]]] = Field(
        default={}, description="client field -> {CRM value: value}; matched ignoring case "
        "and surrounding spaces; for list fields, each item is mapped, to one value or a list")
    kpis: list[KpiColumns] = Field(default=[], description="KPIs built from columns")
    crm_url: Annotated[str, Field(pattern=URL_PATTERN)] | None = Field(
        default=None, description="the link to a client's CRM record, with {crm_id} or {id} "
        "where the client's goes; used when the export has no crm_url column")
    list_separator: NonEmpty = Field(default=";", description="how list cells are split")
    date_format: NonEmpty = Field(
        default="%Y-%m-%d", description="how dates are written, in strftime codes "
        "(e.g. %d.%m.%Y); a cell with a time after the date is read as its date")
    decimal_comma: bool = Field(default=False, description="numbers are written 1 234,5")
    true_values: list[NonEmpty] = Field(default=["true", "yes", "1", "да"],
                                        description="cells read as true (any case)")
    false_values: list[NonEmpty] = Field(default=["false", "no", "0", "нет"],
                                         description="cells read as false (any case)")
    ignore: list[NonEmpty] = Field(default=[], description="CRM columns to leave out")

    def field(self, column: str) -> str:
        """The client field a CRM column holds."""
        spec = self.columns.get(column, column)
        return spec.field if isinstance(spec, Column) else spec

    def column(self, column: str) -> Column:
        """The column in full, the file's defaults filled in (its field: the column's name
        when the mapping does not name one)."""
        spec = self.columns.get(column)
        own = spec if isinstance(spec, Column) else None
        return Column.trusted({
            "field": own.field if own else spec or column,
            "date_format": (own and own.date_format) or self.date_format,
            "list_separator": (own and own.list_separator) or self.list_separator,
            "decimal_comma": self.decimal_comma if own is None or own.decimal_comma is None
            else own.decimal_comma})

    def kpi_columns(self) -> set[str]:
        return {c for k in self.kpis for c in k.columns()}

    def value_map(self, field: str) -> dict[str, object]:
        """The field's CRM values, keyed by their case-folded, stripped form."""
        return {k.strip().casefold(): v for k, v in self.values.get(field, {}).items()}


DEFAULT = Mapping.model_construct()  # every default: no validator built for it at import


def read_mapping(path: Path, kb: KnowledgeBase | None = None
                 ) -> tuple[Mapping | None, list[Diagnostic]]:
    """A mapping file, or every mistake in it (with ``kb``: also against that knowledge base)."""
    doc, problems = read(path)
    if problems:
        return None, problems
    try:
        mapping = Mapping.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        return None, diagnostics(exc, Mapping, doc)
    problems = list(check_mapping(mapping, doc, kb)) if kb is not None else []
    problems += _twice(mapping, doc)
    return (None, problems) if problems else (mapping, [])


def _twice(mapping: Mapping, doc: Document) -> list[Diagnostic]:
    """Two columns (or a column and a KPI) naming one client field: one value would be lost."""
    seen: dict[str, str] = {}
    problems = []
    for column in mapping.columns:
        field = mapping.field(column)
        if field in seen:
            problems.append(Diagnostic(
                "duplicate-field", f"columns {quoted(seen[field])} and {quoted(column)} both "
                f"hold {quoted(field)}", doc.loc(("columns", column)),
                expected="each client field from one column",
                hint="map one of them to another field, or leave it out (ignore:)"))
        seen.setdefault(field, column)
    if mapping.kpis and "kpis" in seen:
        problems.append(Diagnostic(
            "duplicate-field", f"column {quoted(seen['kpis'])} holds 'kpis', which kpis: builds "
            "from columns", doc.loc(("columns", seen["kpis"])),
            expected="KPIs from one place", hint="leave out one of them"))
    return problems


def check_mapping(mapping: Mapping, doc: Document, kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """The mapping's facts and values against the knowledge base: each mistake once."""
    declared = sorted(n.removeprefix("facts.") for n in kb.facts if n.startswith("facts."))
    for column in mapping.columns:
        field = mapping.field(column)
        if field.startswith("facts.") and field not in kb.facts:
            yield _undeclared(field, doc, ("columns", column), declared)
    for field, values in mapping.values.items():
        if field.startswith("facts.") and field not in kb.facts:
            yield _undeclared(field, doc, ("values", field), declared)
            continue
        allowed = allowed_values(kb, field)
        for crm, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                if allowed and item not in allowed:
                    yield Diagnostic(
                        "unknown-value", f"{field}: {shown(item)} is not a value of {field}",
                        doc.loc(("values", field, crm)), expected=one_of(allowed),
                        hint=did_you_mean(item, allowed))
            if isinstance(value, list) and not is_list_field(kb, field):
                yield Diagnostic(
                    "bad-value", f"{field}: one CRM value maps to a list, but {field} is not a "
                    "list", doc.loc(("values", field, crm)), expected="one value")


def _undeclared(field: str, doc: Document, key: tuple[str, ...], declared: list[str]
                ) -> Diagnostic:
    name = field.removeprefix("facts.")
    return Diagnostic("unknown-fact", f"{field}: the knowledge base declares no fact "
                      f"{quoted(name)}", doc.loc(key),
                      expected=one_of(f"facts.{d}" for d in declared) if declared
                      else "no custom facts (the knowledge base declares none)",
                      hint=did_you_mean(name, declared))


def allowed_values(kb: KnowledgeBase, field: str) -> tuple[str, ...]:
    """The values a field (or each item of a list field) may take; () when any value goes."""
    ftype = kb.facts.get(field)
    if ftype is None:
        return ()
    if ftype.kind == "list" and ftype.item is not None:
        return ftype.item.values
    return ftype.values


def is_list_field(kb: KnowledgeBase, field: str) -> bool:
    ftype = kb.facts.get(field)
    return ftype is not None and ftype.kind == "list"


def plain(value: Any) -> Any:
    """A value of the mapping as YAML writes it (for messages and skeletons)."""
    return value
