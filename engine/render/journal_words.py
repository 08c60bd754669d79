"""Every word of the run journal's views, in English and Russian: agreement with the kind of
advice (Russian nouns have a gender), plurals by Babel's plural rules of the language, dates in
the language's own format."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date

# a kind of advice as a noun, and its grammatical gender in Russian (m, f, n)
KIND = {
    "en": {"next_step": "next step", "upsell": "upsell", "communication": "guide",
           "warning": "warning", "blocked": "blocked step"},
    "ru": {"next_step": "следующий шаг", "upsell": "допродажа", "communication": "памятка",
           "warning": "предупреждение", "blocked": "заблокированный шаг"},
}
GENDER = {"next_step": "m", "upsell": "f", "communication": "f", "warning": "n", "blocked": "m"}

# what became of advice: an adjective that agrees with the kind
STATUS: dict[str, dict[str, str | tuple[str, str, str]]] = {
    "en": {"new": "new", "open": "open", "resolved": "resolved", "done": "done",
           "dismissed": "dismissed", "snoozed": "snoozed", "changed": "changed"},
    "ru": {"new": ("новый", "новая", "новое"), "open": ("открыт", "открыта", "открыто"),
           "resolved": ("снят", "снята", "снято"), "done": ("выполнен", "выполнена", "выполнено"),
           "dismissed": ("отклонён", "отклонена", "отклонено"),
           "snoozed": ("отложен", "отложена", "отложено"),
           "changed": ("изменён", "изменена", "изменено")},
}

# counts of advice: plural forms by Babel's categories (one, few, many, other)
COUNT = {
    "en": {"new": {"one": "{n} new", "other": "{n} new"},
           "changed": {"one": "{n} changed", "other": "{n} changed"},
           "resolved": {"one": "{n} resolved", "other": "{n} resolved"},
           "unchanged": {"one": "{n} unchanged", "other": "{n} unchanged"},
           "todo": {"one": "{n} to-do", "other": "{n} to-dos"},
           "client": {"one": "{n} client", "other": "{n} clients"},
           "day": {"one": "{n} day", "other": "{n} days"},
           "more": {"one": "and {n} more", "other": "and {n} more"},
           "escalated": {"one": "{n} escalated", "other": "{n} escalated"},
           "open_todo": {"one": "{n} open to-do", "other": "{n} open to-dos"},
           "detractor": {"one": "{n} detractor", "other": "{n} detractors"},
           "quiet": {"one": "{n} client without changes",
                     "other": "{n} clients without changes"},
           "moved": {"one": "and {n} more client with changes",
                     "other": "and {n} more clients with changes"}},
    "ru": {"new": {"one": "{n} новая", "few": "{n} новые", "many": "{n} новых",
                   "other": "{n} новой"},
           "changed": {"one": "{n} изменена", "few": "{n} изменены", "many": "{n} изменено",
                       "other": "{n} изменено"},
           "resolved": {"one": "{n} снята", "few": "{n} сняты", "many": "{n} снято",
                        "other": "{n} снято"},
           "unchanged": {"one": "{n} без изменений", "other": "{n} без изменений"},
           "todo": {"one": "{n} задача", "few": "{n} задачи", "many": "{n} задач",
                    "other": "{n} задачи"},
           "client": {"one": "{n} клиент", "few": "{n} клиента", "many": "{n} клиентов",
                      "other": "{n} клиента"},
           "day": {"one": "{n} день", "few": "{n} дня", "many": "{n} дней", "other": "{n} дня"},
           "more": {"one": "и ещё {n}", "other": "и ещё {n}"},
           "escalated": {"one": "{n} эскалирована", "few": "{n} эскалированы",
                         "many": "{n} эскалировано", "other": "{n} эскалировано"},
           "open_todo": {"one": "{n} открытая задача", "few": "{n} открытые задачи",
                         "many": "{n} открытых задач", "other": "{n} открытой задачи"},
           "detractor": {"one": "{n} критик", "few": "{n} критика", "many": "{n} критиков",
                         "other": "{n} критика"},
           "quiet": {"one": "{n} клиент без изменений", "few": "{n} клиента без изменений",
                     "many": "{n} клиентов без изменений", "other": "{n} клиента без изменений"},
           "moved": {"one": "и ещё {n} клиент с изменениями",
                     "few": "и ещё {n} клиента с изменениями",
                     "many": "и ещё {n} клиентов с изменениями",
                     "other": "и ещё {n} клиента с изменениями"}},
}

REASON = {  # why advice was dismissed
    "en": {"not_relevant": "not relevant", "client_declined": "the client declined",
           "already_done": "already done", "wrong_data": "wrong data", "other": "other"},
    "ru": {"not_relevant": "неактуально", "client_declined": "клиент отказался",
           "already_done": "уже сделано", "wrong_data": "ошибка в данных", "other": "другое"},
}
REASON_ALIASES = {  # what people type for each reason, besides the code and the words above
    "not_relevant": ("irrelevant", "не актуально", "нерелевантно"),
    "client_declined": ("declined", "отказ", "клиент против"),
    "already_done": ("done", "сделано", "уже выполнено"),
    "wrong_data": ("bad data", "ошибка данных", "неверные данные"),
    "other": ("другая причина",),
}

WORDS = {
    "en": {
        "run": "run {run} · as of {as_of} · kb {kb}", "total": "total",
        "repeat": "run {run} was recorded before ({as_of}, kb {kb}, same input): nothing added",
        "no_changes": "no changes", "empty_inbox": "nothing to do",
        "no_history": "no history", "run_of": "run {run} ({as_of})", "someone": "someone",
        "until": "until {until}", "now": "{client} {kind} {id}: now {status}",
        "due": "due {day}", "late": "{days} late", "escalated": "escalated",
        "due_today": "Due today", "overdue": "Overdue", "new_section": "New since the last run",
        "later": "The rest", "guides": "how to talk", "waiting": "waits for this",
        "client_guides": "guidance", "client_waiting": "blocked", "reason": "reason",
        "shown": "{shown} of {total}", "no_owner": "(no owner)", "team": "team",
        "inbox_of": "To-dos of {owner} · {day}", "inbox_all": "To-dos · {day}",
        "before_after": "{field}: {before} → {after}", "kind_field": "kind",
        "priority_field": "priority", "missing_field": "waits for", "due_on_field": "due",
        "nothing": "nothing",
        "digest_owner": "Morning digest: {owner}", "digest_team": "Team digest",
        "overdue_h": "Overdue", "due_today_h": "Due today", "new_h": "New since {day}",
        "top_h": "Next most urgent", "all_clear": "Nothing overdue or due today.",
        "team_title": "Team · {day}", "owner": "manager", "clients": "clients",
        "open": "open", "overdue_c": "overdue", "escalated_c": "escalated",
        "done_c": "done 7/30 d", "dismissed_c": "dismissed 7/30 d",
        "detractors_c": "detractors", "risks": "Top risks", "detractors": "Detractors",
        "nps": "NPS {nps}", "footer": "playbook-engine · the journal's view as of {day}",
        "by": "by", "shown_c": "shown", "snoozed_c": "snoozed", "median_c": "median days to done",
        "not_relevant_c": "not relevant", "noise": "noise", "stats_title": "What people act on",
        "since": "since {day}", "no_stats": "nothing recorded yet",
        "journey": "(the journey map's own steps)",
    },
    "ru": {
        "run": "запуск {run} · на дату {as_of} · база {kb}", "total": "итого",
        "repeat": "запуск {run} уже записан ({as_of}, база {kb}, те же данные): ничего не "
                  "добавлено",
        "no_changes": "изменений нет", "empty_inbox": "задач нет",
        "no_history": "истории нет", "run_of": "запуск {run} ({as_of})", "someone": "кто-то",
        "until": "до {until}", "now": "{client} {kind} {id}: теперь {status}",
        "due": "срок {day}", "late": "просрочено на {days}", "escalated": "эскалировано",
        "due_today": "Срок сегодня", "overdue": "Просрочено",
        "new_section": "Новое с прошлого запуска", "later": "Остальное",
        "guides": "как говорить", "waiting": "этого ждёт", "client_guides": "памятки",
        "client_waiting": "заблокировано", "reason": "причина",
        "shown": "{shown} из {total}", "no_owner": "(без ответственного)", "team": "команда",
        "inbox_of": "Задачи: {owner} · {day}", "inbox_all": "Задачи · {day}",
        "before_after": "{field}: {before} → {after}", "kind_field": "тип",
        "priority_field": "приоритет", "missing_field": "ждёт", "due_on_field": "срок",
        "nothing": "ничего",
        "digest_owner": "Утренняя сводка: {owner}", "digest_team": "Сводка по команде",
        "overdue_h": "Просрочено", "due_today_h": "Срок сегодня", "new_h": "Новое с {day}",
        "top_h": "Самое срочное из остального",
        "all_clear": "Ничего не просрочено, на сегодня сроков нет.",
        "team_title": "Команда · {day}", "owner": "менеджер", "clients": "клиенты",
        "open": "открыто", "overdue_c": "просрочено", "escalated_c": "эскалировано",
        "done_c": "сделано 7/30 дн.", "dismissed_c": "отклонено 7/30 дн.",
        "detractors_c": "критики", "risks": "Главные риски", "detractors": "Критики (NPS 0–6)",
        "nps": "NPS {nps}", "footer": "playbook-engine · журнал на {day}",
        "by": "по", "shown_c": "показано", "snoozed_c": "отложено",
        "median_c": "медиана дней до выполнения", "not_relevant_c": "неактуально",
        "noise": "шум", "stats_title": "На что люди реагируют", "since": "с {day}",
        "no_stats": "пока ничего не записано", "journey": "(шаги самой карты пути)",
    },
}


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural(lang: str, what: str, n: int) -> str:
    """``n`` of ``what`` in the language's plural form (Babel's CLDR rules)."""
    forms = COUNT[lang][what]
    form = _locale(lang).plural_form(n)
    return (forms.get(form) or forms["other"]).format(n=n)


def day(value: dt.date | None, lang: str) -> str:
    """A date as people of the language write it (8 дек. 2026 г., Dec 8, 2026)."""
    return "" if value is None else format_date(value, "medium", locale=_locale(lang))


def kind(kind_: str, lang: str) -> str:
    return KIND[lang].get(kind_, kind_)


def status(status_: str, kind_: str, lang: str) -> str:
    """A status that agrees with the kind of advice (новое предупреждение, новый шаг)."""
    word = STATUS[lang].get(status_, status_)
    if isinstance(word, tuple):
        return word["mfn".index(GENDER.get(kind_, "m"))]
    return str(word)


def reason(code: str | None, lang: str) -> str:
    return "" if code is None else REASON[lang].get(code, code)


def reason_code(text: str) -> str | None:
    """The dismissal reason people typed (a code, or its words in either language)."""
    said = " ".join(text.replace("_", " ").split()).casefold()
    for code in REASON["en"]:
        names = (code.replace("_", " "), REASON["en"][code], REASON["ru"][code],
                 *REASON_ALIASES[code])
        if said in {n.casefold() for n in names}:
            return code
    return None
