"""Every word the engine shows people, in both languages where the output has a language.

Reports in English only (test runs, validation, coverage, pictures' legends) keep their words
here too, so wording lives in one place.
"""

from __future__ import annotations

from engine.vocabulary import StepStatus

MORE_DIAGNOSTICS = "... and {n} more (--format json lists them all)"

KIND_LABEL = {
    "en": {"next_step": "next step", "upsell": "upsell", "communication": "communication",
           "warning": "warning", "blocked": "blocked"},
    "ru": {"next_step": "следующий шаг", "upsell": "допродажа", "communication": "коммуникация",
           "warning": "предупреждение", "blocked": "заблокировано"},
}

HEADERS = {
    "en": ("prio", "kind", "what", "why", "sources", "rules", "waiting for", "as of",
           "no actions", "kb"),
    "ru": ("приор.", "тип", "что", "почему", "основания", "правила", "ждёт", "на дату",
           "нет действий", "база знаний"),
}

EXPLAIN_LABELS = {
    "en": {"fired": "fired", "suppressed": "suppressed", "not_matched": "not fired",
           "produced": "produced", "won_by": "group {group} was won by {winner}",
           "blocked": "blocked steps", "asked_by": "{step} (asked by {rules}) waits for:",
           "ready": "ready now", "waits": "waits for {steps}", "groups": "exclusive groups",
           "group": "{group}: {winner} won", "lost": "suppressed: {rules}",
           "dropped": "dropped steps", "asked_for": "{rule} asked for {step}: {why}",
           "held": "held back", "held_by": "{step} ({title}): held by {rules}: {why}",
           "one_of": "one of {steps}", "note": "note",
           "rules_fired": "rules fired", "none": "none"},
    "ru": {"fired": "сработали", "suppressed": "подавлены", "not_matched": "не сработали",
           "produced": "дали", "won_by": "в группе {group} победило {winner}",
           "blocked": "заблокированные шаги", "asked_by": "{step} (просит {rules}) ждёт:",
           "ready": "можно начинать", "waits": "ждёт {steps}",
           "groups": "взаимоисключающие группы", "group": "{group}: победило {winner}",
           "lost": "подавлены: {rules}", "dropped": "отброшенные шаги",
           "held": "отложены", "held_by": "{step} ({title}): откладывает {rules}: {why}",
           "one_of": "одно из: {steps}", "note": "примечание",
           "asked_for": "{rule} просит {step}: {why}", "rules_fired": "сработавшие правила",
           "none": "нет"},
}

# why a step (or playbook entry) a rule asked for was dropped: engine.runtime.guard.DropCode
DROPPED_WHY: dict[str, dict[str, str]] = {
    "en": {
        "no_journey": "the client has no known project_type, so there is no journey to check",
        "not_on_journey": "the {journey} journey has no step '{step}'",
        "already_done": "already done, and the journey does not repeat it",
        "held": "held back by rule '{by}'",
        "paced": "one offer at a time: held back by rule '{by}'",
    },
    "ru": {
        "no_journey": "у клиента нет известного project_type, поэтому нет карты пути для "
                      "проверки",
        "not_on_journey": "на карте {journey} нет шага '{step}'",
        "already_done": "уже сделано, а карта пути этот шаг не повторяет",
        "held": "отложено правилом '{by}'",
        "paced": "по одному предложению за раз: отложено правилом '{by}'",
    },
}

CONDITION_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "is": "{fact} is {actual}, rule wants {wants}",
        "unknown": "{fact} is missing, rule wants {wants}",
        "none_held": "none of the alternatives held",
        "ne": "anything but {v}", "between": "between {low} and {high}",
        "outside": "below {low} or above {high}", "one_of": "one of {values}",
        "none_of": "none of {values}", "includes": "it to include {v}",
        "excludes": "it not to include {v}", "exists": "it known", "missing": "it missing",
    },
    "ru": {
        "is": "{fact} = {actual}, правило требует {wants}",
        "unknown": "{fact} неизвестно, правило требует {wants}",
        "none_held": "не выполнена ни одна из альтернатив",
        "ne": "любое значение, кроме {v}", "between": "от {low} до {high}",
        "outside": "меньше {low} или больше {high}", "one_of": "одно из: {values}",
        "none_of": "ни одно из: {values}", "includes": "чтобы список содержал {v}",
        "excludes": "чтобы список не содержал {v}", "exists": "чтобы значение было известно",
        "missing": "чтобы значения не было",
    },
}

ONE_OF = "one of"  # the label of an any-of arrow in a journey picture

LEGEND: dict[StepStatus, str] = {"done": "done", "next": "next: recommended now",
                             "blocked": "blocked: waits for a prerequisite", "todo": "later"}

TEST_COVERAGE = (  # (attribute, label, what the uncovered ones are called)
    ("rules_fired", "rules fired", "never fired"),
    ("rules_silent", "rules silent", "always matched"),
    ("steps_proposed", "journey steps proposed", "never proposed"),
    ("entries_surfaced", "playbook entries surfaced", "never surfaced"),
)

COVERAGE_HEADER = """# Coverage of the domain items

Generated from the bundled knowledge base by `playbook coverage --write docs/coverage.md`:
for each item of DOMAIN.md, the situations in which it must act on a client, the rules,
journey steps and playbook entries that cite it, and the scenarios (`rules/*.test.yaml`) that
show it acting: a passing scenario expecting an action that cites the item. An item a scenario
shows acting is **behaviour**; any other is **prose only**, and the table says why.

Behaviour: **{behaviour} of {total}**; prose only: **{prose}**.

| item | what | acts when | rules | journey steps | playbook entries | shown by |
|---|---|---|---|---|---|---|
"""

# why an item is prose only: engine.tools.coverage.ProseWhy
PROSE_WHY = {
    "not_encoded": "prose only: {why}",
    "entries_only": "prose only: only playbook text cites it",
    "not_shown": "prose only: no scenario shows it acting",
    "not_cited": "prose only: **nothing cites it**",
}

# the run journal (render/journal.py)
JOURNAL: dict[str, dict[str, str]] = {
    "en": {
        "counts": "+{new} new ~{changed} changed -{resolved} resolved, {unchanged} unchanged",
        "run": "run {run} · as of {as_of} · kb {kb}", "total": "total",
        "repeat": "run {run} was recorded before ({as_of}, kb {kb}, same input): nothing added",
        "quiet": "{n} client(s) without changes",
        "no_changes": "no changes", "empty_inbox": "nothing open",
        "no_history": "no history", "new": "new", "open": "open", "resolved": "resolved",
        "done": "done", "dismissed": "dismissed", "snoozed": "snoozed", "changed": "changed",
        "until": "until {until}", "run_of": "run {run} ({as_of})", "by_person": "by a person",
        "now": "{client} {kind} {id}: now {status}",
    },
    "ru": {
        "counts": "+{new} новых ~{changed} изменено -{resolved} снято, {unchanged} без изменений",
        "run": "запуск {run} · на дату {as_of} · база {kb}", "total": "итого",
        "repeat": "запуск {run} уже записан ({as_of}, база {kb}, те же данные): ничего не "
                  "добавлено",
        "quiet": "клиентов без изменений: {n}",
        "no_changes": "изменений нет", "empty_inbox": "открытых рекомендаций нет",
        "no_history": "истории нет", "new": "новая", "open": "открыта", "resolved": "снята",
        "done": "выполнена", "dismissed": "отклонена", "snoozed": "отложена",
        "changed": "изменена", "until": "до {until}", "run_of": "запуск {run} ({as_of})",
        "by_person": "человеком", "now": "{client} {kind} {id}: теперь {status}",
    },
}

# playbook run: the portfolio summary and its progress bar
PORTFOLIO_WORDS = {
    "en": {"read": "clients read", "failed": "clients failed", "kinds": "actions by kind",
           "kind": "kind", "count": "count", "warnings": "most frequent warnings",
           "warning": "warning", "clients": "clients", "urgent": "most urgent actions",
           "client": "client", "prio": "prio", "action": "action", "none": "none",
           "progress": "clients", "owner": "owner", "files_failed": "files not read",
           "left_out": "columns left out (no client field; --strict-columns refuses them)"},
    "ru": {"read": "прочитано клиентов", "failed": "клиентов с ошибками",
           "kinds": "действия по типам", "kind": "тип", "count": "число",
           "warnings": "частые предупреждения", "warning": "предупреждение",
           "clients": "клиентов", "urgent": "самые срочные действия", "client": "клиент",
           "prio": "приор.", "action": "действие", "none": "нет", "progress": "клиенты",
           "owner": "ответственный", "files_failed": "файлов не прочитано",
           "left_out": "пропущенные столбцы (не поле клиента; --strict-columns их отвергает)"},
}

XLSX_COLUMNS = {  # the header row of `playbook run --out advice.xlsx` (engine/portfolio/xlsx.py)
    "en": {"client": "client", "owner": "owner", "crm": "CRM", "priority": "priority",
           "kind": "kind", "title": "what", "reason": "why", "client_id": "client id",
           "id": "action id", "missing": "waiting for", "sources": "sources", "as_of": "as of"},
    "ru": {"client": "клиент", "owner": "ответственный", "crm": "CRM", "priority": "приоритет",
           "kind": "тип", "title": "что", "reason": "почему", "client_id": "id клиента",
           "id": "id действия", "missing": "ждёт", "sources": "основания", "as_of": "на дату"},
}

GROUP_WORDS = {  # a group of actions shown as one row (engine/render/groups.py)
    "en": {"contact": "How to work with this contact", "journey_map": "journey map",
           "held": "Held back"},
    "ru": {"contact": "Как работать с этим контактом", "journey_map": "карта пути",
           "held": "Отложено"},
}
