"""The CRM mapping file of ``playbook run --map``: which CRM column is which client fact, which
CRM value is which enum value, how list cells are split and how dates are written.

    columns: {"ID клиента": id, "Темперамент": temperament, "Вес": facts.profitability_score}
    values: {temperament: {Холерик: choleric, Сангвиник: sanguine}}
    list_separator: ";"
    date_format: "%d.%m.%Y"
    decimal_comma: true
    ignore: [Менеджер]
    delimiter: ","

Values are matched without regard to case or surrounding spaces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError

from engine.errors import Diagnostic, did_you_mean
from engine.kb.model_errors import diagnostics
from engine.kb.source import read
from engine.models import Client, Model

FIELD_PATTERN = r"^([a-z][a-z0-9_]*|facts\.[a-z][a-z0-9_]*)$"


def _client_field(name: str) -> str:
    if not name.startswith("facts.") and name not in Client.model_fields:
        hint = did_you_mean(name, Client.model_fields)
        raise ValueError(f"'{name}' is not a client field" + (f" ({hint})" if hint else ""))
    return name


ClientField = Annotated[str, Field(pattern=FIELD_PATTERN), AfterValidator(_client_field)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Mapping(Model):
    """How a CRM export names and writes client facts."""

    columns: dict[NonEmpty, ClientField] = Field(
        default={}, description="CRM column -> client field, or facts.NAME for a custom fact; "
        "columns not listed keep their name")
    values: dict[ClientField, dict[str, str | int | float | bool]] = Field(
        default={}, description="client field -> {CRM value: value}; matched ignoring case "
        "and surrounding spaces; for list fields, each item is mapped")
    list_separator: NonEmpty = Field(default=";", description="how list cells are split")
    date_format: NonEmpty = Field(
        default="%Y-%m-%d", description="how dates are written, in strftime codes "
        "(e.g. %d.%m.%Y)")
    decimal_comma: bool = Field(default=False, description="numbers are written 1 234,5")
    true_values: list[NonEmpty] = Field(default=["true", "yes", "1", "да"],
                                        description="cells read as true (any case)")
    false_values: list[NonEmpty] = Field(default=["false", "no", "0", "нет"],
                                         description="cells read as false (any case)")
    ignore: list[NonEmpty] = Field(default=[], description="CRM columns to leave out")
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] = Field(
        default=",", description="the CSV cell delimiter")

    def field(self, column: str) -> str:
        """The client field a CRM column holds."""
        return self.columns.get(column, column)

    def value_map(self, field: str) -> dict[str, object]:
        """The field's CRM values, keyed by their case-folded, stripped form."""
        return {k.strip().casefold(): v for k, v in self.values.get(field, {}).items()}


DEFAULT = Mapping()


def read_mapping(path: Path) -> tuple[Mapping | None, list[Diagnostic]]:
    """A mapping file, or every mistake in it."""
    doc, problems = read(path)
    if problems:
        return None, problems
    try:
        return Mapping.model_validate(doc.data if doc.data is not None else {}), []
    except ValidationError as exc:
        return None, diagnostics(exc, Mapping, doc)
