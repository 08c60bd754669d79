"""What CRMs call things: the column labels of Bitrix24 and amoCRM exports (their Russian and
English UIs, and what agencies name their own fields), and the words their cells use for the
client model's values. ``playbook map init`` proposes matches from these tables; nothing reads
them at run time. Labels and words are compared case-folded, with ``ё`` as ``е``.
"""

from __future__ import annotations

# field -> labels, the likeliest first; a column matches the first field whose label it is,
# and each field is proposed for one column (the first in this order)
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ид", "идентификатор", "id сделки", "id клиента", "id компании", "deal id",
           "lead id", "client id", "номер сделки"),
    "name": ("компания", "название компании", "клиент", "контрагент", "company",
             "company name", "client", "название", "название сделки", "сделка", "name",
             "deal name", "lead title", "title"),
    "owner": ("ответственный", "ответственный менеджер", "аккаунт-менеджер", "менеджер",
              "ответственный за сделку", "responsible", "responsible user", "assigned to",
              "assigned by", "owner", "account manager", "manager"),
    "crm_url": ("ссылка", "ссылка на сделку", "ссылка в crm", "url", "link", "crm url",
                "deal url"),
    "project_type": ("тип проекта", "тип клиента", "тип сделки", "направление",
                     "project type", "воронка", "pipeline"),
    "industry": ("отрасль", "сфера", "сфера деятельности", "ниша", "industry"),
    "company_stage": ("стадия компании", "жизненный цикл", "этап развития компании",
                      "company stage"),
    "temperament": ("темперамент", "темперамент лпр", "temperament"),
    "activity": ("активность", "активность клиента", "activity"),
    "knowledge_level": ("уровень знаний", "уровень знаний лпр", "экспертиза клиента",
                        "knowledge level"),
    "decision_system": ("кто принимает решение", "система принятия решений",
                        "принятие решений", "decision system", "decision maker"),
    "importance": ("важность", "важность клиента", "категория клиента", "приоритет клиента",
                   "importance"),
    "monthly_budget": ("бюджет в месяц", "бюджет", "бюджет в месяц, ₽", "ежемесячный бюджет",
                       "сумма", "бюджет сделки", "monthly budget", "budget", "amount",
                       "opportunity", "sale"),
    "services": ("услуги", "активные услуги", "подключённые услуги", "сервисы", "services",
                 "теги", "теги сделки", "tags"),
    "main_channel": ("основной канал", "главный канал", "main channel"),
    "completed_steps": ("пройденные этапы", "выполненные этапы", "выполненные шаги",
                        "completed steps", "этап", "этап сделки", "стадия", "стадия сделки",
                        "статус", "статус сделки", "stage", "status"),
    "campaign_launched_on": ("дата запуска рк", "запуск рк", "дата запуска рекламы",
                             "дата запуска", "campaign launched", "launch date"),
    "goals_changed": ("цели изменились", "смена целей", "goals changed"),
    "season_peak_months": ("пиковые месяцы", "месяцы пика", "сезонный пик", "peak months"),
    "nps": ("nps", "оценка nps", "индекс nps"),
    "nps_surveyed_on": ("дата опроса nps", "дата nps", "опрос nps", "nps date",
                        "nps surveyed on"),
    "last_contact_on": ("последний контакт", "дата последнего контакта", "последнее касание",
                        "last contact", "last contact on"),
    "last_meeting_on": ("последняя встреча", "дата последней встречи", "last meeting"),
    "contact_changes_12m": ("смены контактного лица за 12 мес.", "смены контактного лица",
                            "смена контактного лица", "contact changes"),
    "client_since": ("клиент с", "клиент с даты", "начало работы", "дата начала работы",
                     "начало сотрудничества", "client since", "дата создания",
                     "дата создания сделки", "создана", "created", "created at",
                     "date created"),
    "facts.report_reader": ("кто читает отчёты", "читает отчёты", "получатель отчётов",
                            "report reader"),
}

# KPIs from columns: the column of the KPI's name, of its target, of its actual
KPI_NAME = ("kpi", "показатель", "kpi клиента", "метрика")
KPI_TARGET = ("план kpi", "kpi план", "цель kpi", "целевой kpi", "kpi target", "target kpi",
              "план", "цель", "target")
KPI_ACTUAL = ("факт kpi", "kpi факт", "kpi actual", "actual kpi", "факт", "actual")
# a column of one KPI: "CPL план", "План CPL", "CPL target" ...
KPI_TARGET_WORDS = ("план", "цель", "target", "plan")
KPI_ACTUAL_WORDS = ("факт", "actual", "fact")

# field -> {CRM word: value}
VALUE_WORDS: dict[str, dict[str, str]] = {
    "project_type": {"лидогенерация": "lead_gen", "лидген": "lead_gen", "услуги": "lead_gen",
                     "маркетплейс": "marketplace", "интернет-магазин": "marketplace",
                     "интернет-магазины": "marketplace", "монобренд": "monobrand",
                     "разработка сайта": "web_development", "разработка": "web_development",
                     "разработка сайтов": "web_development", "веб-разработка":
                     "web_development"},
    "temperament": {"холерик": "choleric", "сангвиник": "sanguine",
                    "меланхолик": "melancholic", "флегматик": "phlegmatic"},
    "activity": {"активный": "active", "активен": "active", "ждет": "waiting",
                 "ожидает": "waiting", "в ожидании": "waiting", "пассивный": "passive",
                 "пассивен": "passive"},
    "importance": {"ключевой": "key", "ключевая": "key", "vip": "key", "важный": "key",
                   "обычный": "regular", "стандартный": "regular", "низкий": "low",
                   "низкая": "low"},
    "knowledge_level": {"новичок": "novice", "средний": "intermediate",
                        "эксперт": "expert", "профи": "expert"},
    "decision_system": {"собственник": "owner", "владелец": "owner",
                        "менеджер и собственник": "manager_and_owner",
                        "коллегия": "committee", "коллегиально": "committee"},
    "company_stage": {"младенчество": "infancy", "рост": "growth", "расцвет": "prime",
                      "стабильность": "stability", "аристократия": "aristocracy"},
    "services": {"seo": "seo", "сео": "seo", "продвижение": "seo",
                 "контекстная реклама": "context_ads", "контекст": "context_ads",
                 "директ": "context_ads", "яндекс директ": "context_ads", "serm": "serm",
                 "управление репутацией": "serm", "контент-маркетинг": "content_marketing",
                 "контент": "content_marketing", "медийная реклама": "display_campaign",
                 "ретаргетинг": "retargeting", "таргет": "audience_targeting",
                 "таргетированная реклама": "audience_targeting",
                 "веб-аналитика": "analytics", "аналитика": "analytics"},
    "completed_steps": {
        "квалификация": "qualification", "бриф": "briefing", "брифинг": "briefing",
        "кп отправлено": "proposal", "коммерческое предложение": "proposal",
        "договор подписан": "contract_signed", "оплата получена": "payment_received",
        "оплачено": "payment_received", "передан в производство": "handoff",
        "доступы получены": "access_granted", "стартовый созвон": "kickoff_call",
        "интервью с собственником": "owner_interview",
        "аналитика настроена": "analytics_setup", "kpi согласованы": "kpi_agreed",
        "аудит сайта": "site_audit", "анализ конкурентов": "competitor_analysis",
        "структура сайта": "site_structure", "посадочные страницы": "landing_pages",
        "запуск контекста": "launch_context_ads", "запуск seo": "launch_seo",
        "оптимизация рк": "optimise_campaigns", "повторный бриф": "rebrief",
        "разбор результатов": "results_review", "опрос удовлетворенности":
        "satisfaction_survey", "квартальная встреча": "quarterly_meeting",
        "прототип": "prototype", "бэклог": "discovery_backlog", "релиз mvp": "mvp_release"},
    "facts.report_reader": {"собственник": "owner", "маркетолог": "marketing_manager",
                            "финансовый директор": "budget_holder",
                            "финдиректор": "budget_holder"},
}


def folded(text: str) -> str:
    """A label or word as the tables hold it: case-folded, ``ё`` as ``е``, spaces squeezed."""
    return " ".join(text.casefold().replace("ё", "е").split())
