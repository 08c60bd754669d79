"""Every word the engine shows people, in both languages where the output has a language.

Reports in English only (test runs, validation, coverage, pictures' legends) keep their words
here too, so wording lives in one place.
"""

from __future__ import annotations

from engine.vocabulary import StepStatus

KIND_LABEL = {
    "en": {"next_step": "next step", "upsell": "upsell", "communication": "communication",
           "warning": "warning", "blocked": "blocked"},
    "ru": {"next_step": "следующий шаг", "upsell": "допродажа", "communication": "коммуникация",
           "warning": "предупреждение", "blocked": "заблокировано"},
}

HEADERS = {
    "en": ("prio", "kind", "what", "why", "sources", "rules", "waiting for", "as of",
           "no actions"),
    "ru": ("приор.", "тип", "что", "почему", "основания", "правила", "ждёт", "на дату",
           "нет действий"),
}

EXPLAIN_LABELS = {
    "en": {"fired": "fired", "suppressed": "suppressed", "not_matched": "not fired",
           "produced": "produced", "won_by": "group {group} was won by {winner}",
           "blocked": "blocked steps", "asked_by": "{step} (asked by {rules}) waits for:",
           "ready": "ready now", "waits": "waits for {steps}", "groups": "exclusive groups",
           "group": "{group}: {winner} won", "lost": "suppressed: {rules}",
           "dropped": "dropped steps", "asked_for": "{rule} asked for {step}: {why}",
           "rules_fired": "rules fired", "none": "none"},
    "ru": {"fired": "сработали", "suppressed": "подавлены", "not_matched": "не сработали",
           "produced": "дали", "won_by": "в группе {group} победило {winner}",
           "blocked": "заблокированные шаги", "asked_by": "{step} (просит {rules}) ждёт:",
           "ready": "можно начинать", "waits": "ждёт {steps}",
           "groups": "взаимоисключающие группы", "group": "{group}: победило {winner}",
           "lost": "подавлены: {rules}", "dropped": "отброшенные шаги",
           "asked_for": "{rule} просит {step}: {why}", "rules_fired": "сработавшие правила",
           "none": "нет"},
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

UNITS = {"percent": "%", "rub": " ₽"}

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
for each item of DOMAIN.md, the rules, journey steps (`project_type/step`) and playbook
entries that cite it, or why it is not advice about one client.
Encoded: **{encoded} of {total}**.

| item | what | rules | journey steps | playbook entries |
|---|---|---|---|---|
"""

GROUP_WORDS = {  # a group of actions shown as one row (engine/render/groups.py)
    "en": {"contact": "How to work with this contact", "journey_map": "journey map"},
    "ru": {"contact": "Как работать с этим контактом", "journey_map": "карта пути"},
}
