"""The mapping skeleton of ``playbook map init`` as commented YAML (engine/portfolio/skeleton.py
finds what it says): valid against ``playbook schema mapping`` as written, so the export runs
with it at once; what it could not find is written as comments to fill in. Column names and
CRM values are YAML scalars (quoted where YAML needs it); comments are one line each, with
client text shortened and escaped."""

from __future__ import annotations

import yaml

from engine.errors import escaped
from engine.portfolio.skeleton import ColumnGuess, KpiGuess, Skeleton

WORDS = {
    "en": {
        "head": "A mapping for {path}, proposed by `playbook map init` from {rows} rows.",
        "todo": "Check each line marked 'check', fill in the values marked '?', then run:",
        "rows_fail": "Until then, rows with a value not mapped yet fail one by one (with the "
                     "column, the value and the allowed values); the others run.",
        "encoding": "detected", "delimiter": "detected",
        "date_format": "how most date columns are written",
        "decimal_comma": "numbers are written like {sample}",
        "list_separator": "how list cells are split",
        "columns": "CRM column: client field (facts.NAME for a custom fact)",
        "guessed": "check: guessed from its values", "no_field": "no client field found",
        "values_of": "values", "left_out": "columns not listed are left out (and named once "
        "when the export runs)",
        "kpis": "KPIs built from columns", "kpi_names": "names seen",
        "lower": "names where less is better (costs); the others: more is better",
        "values": "CRM value: value (matched ignoring case and spaces)",
        "allowed": "allowed", "unknown": "?", "check": "check",
        "crm_url": "the link to a client's record in the CRM, with {id} (or {crm_id}) where "
                   "its id goes:",
        "steps_list": "a stage can map to the list of steps done by then, e.g. [a, b]",
    },
    "ru": {
        "head": "Маппинг для {path}, предложен `playbook map init` по {rows} строкам.",
        "todo": "Проверьте строки с пометкой 'проверить', заполните значения с '?', затем:",
        "rows_fail": "До тех пор строки с ещё не сопоставленным значением отклоняются по одной "
                     "(со столбцом, значением и допустимыми значениями); остальные считаются.",
        "encoding": "определена", "delimiter": "определён",
        "date_format": "так записано большинство дат",
        "decimal_comma": "числа записаны как {sample}",
        "list_separator": "чем разделены элементы списков",
        "columns": "столбец CRM: поле клиента (facts.ИМЯ для своего факта)",
        "guessed": "проверить: угадано по значениям", "no_field": "поле клиента не найдено",
        "values_of": "значения", "left_out": "столбцы не из списка пропускаются (и один раз "
        "называются при расчёте)",
        "kpis": "KPI из столбцов", "kpi_names": "встретились",
        "lower": "названия, где меньше значит лучше (затраты); у остальных лучше больше",
        "values": "значение в CRM: значение (без учёта регистра и пробелов)",
        "allowed": "допустимо", "unknown": "?", "check": "проверить",
        "crm_url": "ссылка на карточку клиента в CRM, {id} (или {crm_id}) на месте его id:",
        "steps_list": "стадии можно сопоставить список пройденных к ней шагов, напр. [a, b]",
    },
}
SHOWN = 6  # values named in a comment
WIDTH = 40  # characters of one value in a comment


def scalar(value: object) -> str:
    """``value`` as one YAML flow scalar, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _short(text: str) -> str:
    text = escaped(" ".join(text.split()))
    return text if len(text) <= WIDTH else text[:WIDTH - 1] + "…"


def _listed(values: list[str]) -> str:
    shown = ", ".join(_short(v) for v in values[:SHOWN])
    return shown + (f", … ({len(values)})" if len(values) > SHOWN else "")


def skeleton_yaml(proposal: Skeleton, lang: str = "en", schema: str = "mapping.schema.json",
                  command: str = "") -> str:
    """The commented YAML of a proposal."""
    w = WORDS[lang]
    lines = [f"# yaml-language-server: $schema={schema}",
             "# " + w["head"].format(path=escaped(proposal.path), rows=proposal.rows),
             "# " + w["todo"], f"#   {command}", "# " + w["rows_fail"],
             f"encoding: {scalar(proposal.encoding)}  # {w['encoding']}",
             f"delimiter: {scalar(proposal.delimiter)}  # {w['delimiter']}",
             f"date_format: {scalar(proposal.date_format)}  # {w['date_format']}",
             f"list_separator: {scalar(proposal.list_separator)}  # {w['list_separator']}"]
    if proposal.decimal_comma:
        sample = next((s for c in proposal.columns if c.field for s in c.samples if "," in s),
                      "1 234,5")
        lines.append(f"decimal_comma: true  # {w['decimal_comma'].format(sample=_short(sample))}")
    lines += _columns(proposal, w)
    lines += _kpis(proposal.kpis, w)
    lines += _values(proposal, w)
    lines += ["# " + w["crm_url"],
              "# crm_url: https://YOUR-PORTAL.bitrix24.ru/crm/deal/details/{id}/"]
    return "\n".join(lines) + "\n"


def _columns(proposal: Skeleton, w: dict[str, str]) -> list[str]:
    kpi_columns = {c for k in proposal.kpis for c in (k.name_column, k.target, k.actual) if c}
    lines = [f"columns:  # {w['columns']}; {w['left_out']}"]
    for c in proposal.columns:
        if c.field is not None:
            lines.append(f"  {scalar(c.column)}: {_spec(c)}"
                         + (f"  # {w['guessed']}" if c.guessed else ""))
    for c in proposal.columns:
        if c.field is None and c.column not in kpi_columns:
            lines.append(f"  # {scalar(c.column)}: ?  # {w['no_field']}; "
                         f"{w['values_of']}: {_listed(c.distinct)}")
    return lines


def _spec(c: ColumnGuess) -> str:
    if not (c.date_format or c.list_separator) or c.field is None:
        return str(c.field)
    own = {"field": c.field}
    if c.date_format:
        own["date_format"] = c.date_format
    if c.list_separator:
        own["list_separator"] = c.list_separator
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in own.items()) + "}"


def _kpis(kpis: list[KpiGuess], w: dict[str, str]) -> list[str]:
    if not kpis:
        return []
    lines = [f"kpis:  # {w['kpis']}"]
    for k in kpis:
        first = (f"  - name_column: {scalar(k.name_column)}  # {w['kpi_names']}: "
                 f"{_listed(k.names)}") if k.name_column else f"  - name: {scalar(k.name)}"
        lines += [first, f"    target: {scalar(k.target)}"]
        if k.actual:
            lines.append(f"    actual: {scalar(k.actual)}")
        lines.append(f"    lower_is_better: {scalar(k.lower_is_better)}  # {w['lower']}")
    return lines


def _values(proposal: Skeleton, w: dict[str, str]) -> list[str]:
    if not proposal.values:
        return []
    lines = [f"values:  # {w['values']}"]
    for field, found in proposal.values.items():
        allowed = proposal.allowed[field]
        known = [v for v in found if v.value is not None]
        note = f"  # {w['allowed']}: {', '.join(allowed[:12])}" + (", …" if len(allowed) > 12
                                                                   else "")
        if field == "completed_steps":
            note += f"; {w['steps_list']}"
        lines.append(f"  {scalar(field)}:{' {}' if not known else ''}{note}")
        for v in found:
            if v.value is not None:
                lines.append(f"    {scalar(v.crm)}: {scalar(v.value)}")
            else:
                lines.append(f"    # {scalar(v.crm)}: {w['unknown']}")
    return lines
