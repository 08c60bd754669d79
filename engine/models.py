"""Pydantic models: the client's facts, the recommendation, and the knowledge-base files.

Every model is frozen and forbids unknown keys, so a typo is an error naming the key.
Annotations are evaluated where they are written (no ``from __future__ import annotations``):
as text, pydantic would compile each one again when its class is made, on every command's start.
"""

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from engine.bounds import (
    MAX_COUNT,
    MAX_ID_LENGTH,
    MAX_ITEMS,
    MAX_MAGNITUDE,
    MAX_MONEY,
    MIN_KPI_TARGET,
)
from engine.model_base import ONE_LINE, ONE_LINE_SCHEMA, OneLine
from engine.model_base import Model as Model
from engine.vocabulary import ActionKind

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
SourceId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*\d$")]
StrictInt = Annotated[int, Field(strict=True)]
Number = Annotated[float, Field(strict=True)]
Month = Annotated[int, Field(strict=True, ge=1, le=12)]
ClientId = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH), ONE_LINE,
                     ONE_LINE_SCHEMA]

Bounded = Annotated[float, Field(strict=True, gt=-MAX_MAGNITUDE, lt=MAX_MAGNITUDE)]

CompanyStage = Literal["infancy", "growth", "prime", "stability", "aristocracy"]
Temperament = Literal["choleric", "sanguine", "melancholic", "phlegmatic"]
Activity = Literal["active", "waiting", "passive"]
KnowledgeLevel = Literal["novice", "intermediate", "expert"]
DecisionSystem = Literal["owner", "manager_and_owner", "committee"]
Importance = Literal["key", "regular", "low"]
SERVICES = ("seo", "context_ads", "serm", "content_marketing", "display_campaign",
            "retargeting", "audience_targeting", "analytics", "web_development")


# --- the client ---------------------------------------------------------------------------

class KPI(Model):
    name: Annotated[OneLine, Field(min_length=1)]
    target: Annotated[float, Field(strict=True, ge=MIN_KPI_TARGET, lt=MAX_MAGNITUDE)]
    actual: Bounded | None = None
    higher_is_better: Annotated[bool, Field(strict=True)] = True


def _none_yet() -> list[Any]:
    """An empty list for each client. The defaults' factories are functions of ours, not
    ``list`` and ``dict``: pydantic reads a factory's signature when it builds the client's
    validator, and the standard library finds a builtin's by tokenizing its text (a few
    milliseconds of every command's start)."""
    return []


def _no_facts() -> dict[str, Any]:
    """An empty mapping for each client (see ``_none_yet``)."""
    return {}


class Client(Model):
    id: ClientId
    name: OneLine | None = None
    # who and where: the account manager responsible and the client's record in the CRM; shown in
    # every output, read by a rule only when the rule names them
    owner: OneLine | None = None
    crm_id: OneLine | None = None
    crm_url: OneLine | None = None
    project_type: Id | None = None
    industry: OneLine | None = None
    company_stage: CompanyStage | None = None
    temperament: Temperament | None = None
    activity: Activity | None = None
    knowledge_level: KnowledgeLevel | None = None
    decision_system: DecisionSystem | None = None
    importance: Importance | None = None
    monthly_budget: Annotated[float, Field(strict=True, ge=0, lt=MAX_MONEY)] | None = None
    services: Annotated[list[Id], Field(max_length=MAX_ITEMS)] | None = None
    main_channel: Id | None = None
    completed_steps: Annotated[list[Id], Field(max_length=MAX_ITEMS)] = Field(
        default_factory=_none_yet, json_schema_extra={"default": []})
    kpis: Annotated[list[KPI], Field(max_length=MAX_ITEMS)] | None = None
    campaign_launched_on: dt.date | None = None
    goals_changed: Annotated[bool, Field(strict=True)] | None = None
    season_peak_months: Annotated[list[Month], Field(max_length=MAX_ITEMS)] | None = None
    nps: Annotated[int, Field(strict=True, ge=0, le=10)] | None = None
    nps_surveyed_on: dt.date | None = None
    last_contact_on: dt.date | None = None
    last_meeting_on: dt.date | None = None
    contact_changes_12m: Annotated[int, Field(strict=True, ge=0, lt=MAX_COUNT)] | None = None
    client_since: dt.date | None = None
    # a factory, not ``= {}``: pydantic deep-copies a mutable default for every client
    facts: dict[str, Any] = Field(default_factory=_no_facts, json_schema_extra={"default": {}})


# --- the recommendation -------------------------------------------------------------------

class Details(Model):
    """The playbook entry an action brings along, in the recommendation's language: for a
    communication action its own entry, for a journey step the checklist the step names."""

    entry: str
    title: str
    summary: str
    items: tuple[str, ...]


class Action(Model):
    """One piece of advice. Immutable all the way down (tuples, not lists), so the actions
    that depend on nothing but the knowledge base are built once and shared."""

    kind: ActionKind
    id: str
    title: str
    reason: str
    priority: int
    rules: tuple[str, ...]
    sources: tuple[str, ...]
    missing: tuple[str, ...] = ()
    missing_one_of: tuple[tuple[str, ...], ...] = ()  # blocked: groups of which one must be done
    details: Details | None = None

    def label(self) -> str:
        """The action in the notation of scenario files: ``blocked launch_context_ads
        (missing: landing_pages)``; an any-of group as ``one of: a | b``."""
        if self.kind != "blocked":
            return f"{self.kind} {self.id}"
        parts = [*self.missing, *(f"one of: {' | '.join(g)}" for g in self.missing_one_of)]
        return f"{self.kind} {self.id} (missing: {', '.join(parts)})"


class Held(Model):
    """A journey step or a playbook entry a matching rule holds back: nobody proposes it."""

    kind: Literal["step", "communication"]
    id: str  # the journey step or playbook entry
    title: str
    rules: tuple[str, ...]  # the rules that hold it, rank order
    reason: str  # the reason of the first of them


class Recommendation(Model):
    client_id: str
    client_name: str | None = None
    owner: str | None = None
    crm_id: str | None = None
    crm_url: str | None = None
    as_of: dt.date
    kb_version: str
    actions: list[Action]
    held: list[Held] = []  # steps and entries that would have been proposed but a rule holds
    notes: list[str] = []  # what the engine ignored or assumed about the client's input


# --- the knowledge base -------------------------------------------------------------------

class Text(Model):
    """A text a person reads, in every supported language."""

    en: Annotated[str, Field(min_length=1)]
    ru: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        return str(getattr(self, lang))


class ActionSpec(Model):
    next_step: Id | None = None
    upsell: Id | None = None
    communication: Id | None = None
    warning: Id | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if len(self.model_fields_set) != 1:
            raise ValueError("an action is exactly one of next_step, upsell, communication, "
                             "warning")
        return self

    @property
    def kind(self) -> str:
        return next(iter(self.model_fields_set))

    @property
    def target(self) -> str:
        return str(getattr(self, self.kind))


class HoldSpec(Model):
    """What a rule holds back while it matches: journey steps by id, by category or by phase,
    and playbook entries by category (each one name or a list), and why. A step held by its
    category or phase is spared when it starts a service the client already buys (the step's
    ``service``); a step named by id is always held. With ``at_most``, the hold paces instead:
    of what it covers, at most that many offers are proposed, the most important first."""

    step: Id | list[Id] = []
    category: Id | list[Id] = []
    phase: Id | list[Id] = []
    at_most: Annotated[int, Field(strict=True, ge=1)] | None = None
    reason: Text

    def names(self, what: str) -> list[str]:
        """The names held by ``what`` ("step", "category" or "phase"), as a list."""
        value = getattr(self, what)
        return [value] if isinstance(value, str) else list(value)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not (self.step or self.category or self.phase):
            raise ValueError("a hold names at least one step, category or phase")
        return self


class Due(Model):
    """Days to act on a to-do, from the day it became new."""

    within_days: Annotated[int, Field(strict=True, ge=0, le=3650)]


class Rule(Model):
    id: Id
    title: Text
    reason: Text
    priority: Annotated[int, Field(strict=True, ge=0, le=1000)]
    sources: Annotated[list[SourceId], Field(min_length=1)]
    group: Id | None = None
    when: dict[str, Any]
    then: Annotated[list[ActionSpec], Field(min_length=1)]
    hold: HoldSpec | None = None
    due: Annotated[Due | None, Field(description="days to act (the journal's due date)")] = None
    todo: Annotated[bool, Field(strict=True, description="false: its warnings say what not to "
                                "do: guidance in the journal, not to-dos")] = True


class Threshold(Model):
    value: Annotated[int, Field(strict=True)] | Number  # ints stay ints: days, months
    unit: Literal["days", "months", "percent", "rub"] | None = None  # how a reason writes it
    sources: Annotated[list[SourceId], Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]

    @field_validator("value")
    @classmethod
    def _bounded(cls, value: float) -> float:
        if not -MAX_MAGNITUDE < value < MAX_MAGNITUDE:
            raise ValueError("a threshold is a number between -10^12 and 10^12")
        return value


class FactDecl(Model):
    type: Literal["bool", "int", "number", "text", "enum", "list"]
    values: list[Id] | None = None
    description: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _values_for_enums(self) -> Self:
        if (self.type == "enum") != bool(self.values):
            raise ValueError("'values' is required for type enum and only for it")
        return self


class SourceItem(Model):
    title: Text
    acts_when: Text | None = None  # the situations in which the item must act on a client
    not_encoded: Text | None = None


Days = Annotated[int, Field(strict=True, ge=0, le=3650)]
Priority = Annotated[int, Field(strict=True, ge=0, le=1000)]


class PriorityDue(Model):
    at_least: Priority  # a to-do of this priority or more is due within_days
    within_days: Days


class DueSettings(Model):
    """Due dates of to-dos whose rule or step names none: the fewest days by kind or priority."""

    within_days: Days = 7
    kinds: dict[ActionKind, Days] = {}
    priority: list[PriorityDue] = []


class EscalationSettings(Model):
    """An overdue to-do reaches the head's view this many days late, or at once from a priority."""

    overdue_days: Days = 3
    priority: Priority | None = None


class JournalSettings(Model):
    """The run journal's settings (docs/journal.md): closed advice returns only when its rule
    stops and matches again, not before the cooldown (the rule's, else the kind's, else
    ``cooldown_days``), or at once when its priority band rises; ``due``, ``escalate``, and the
    priority ``bands`` (ascending lower edges) within which a moving priority is no change."""

    cooldown_days: Days = 0
    kinds: dict[ActionKind, Days] = {}
    rules: dict[Id, Days] = {}
    # defaults built without validating them: validating at import would build both models'
    # validators in every process, used or not (the values are the models' own defaults)
    due: DueSettings = DueSettings.model_construct()
    escalate: EscalationSettings = EscalationSettings.model_construct()
    bands: Annotated[list[Priority], Field(max_length=10)] = [400, 600, 800]

    @field_validator("bands")
    @classmethod
    def _ascending(cls, bands: list[int]) -> list[int]:
        if bands != sorted(set(bands)):
            raise ValueError("priority bands are lower edges in ascending order, each once")
        return bands

    def cooldown(self, kind: str, rules: tuple[str, ...]) -> int:
        by_rule = [self.rules[r] for r in rules if r in self.rules]
        if by_rule:
            return max(by_rule)
        return next((days for k, days in self.kinds.items() if k == kind), self.cooldown_days)


class CrmSettings(Model):
    url: Annotated[str, Field(pattern=r"^https?://[^\s{}]*\{(crm_id|id)\}[^\s{}]*$", description=
        "the link to a client's CRM record (engine/runtime/crm.py), with {crm_id} (or {id}) "
        "where the client's goes, e.g. https://agency.bitrix24.ru/crm/deal/details/{crm_id}/")]


class RulesFile(Model):
    rules: list[Rule] = []
    thresholds: dict[Id, Threshold] = {}
    facts: dict[Id, FactDecl] = {}
    sources: dict[SourceId, SourceItem] = {}
    services: list[Id] = []
    journal: JournalSettings | None = None
    crm: CrmSettings | None = None


class Step(Model):
    id: Id
    title: Text
    phase: Id
    category: Id = "operational"  # operational, new_service, sales, contract, ... (holds use it)
    service: Annotated[Id | None, Field(
        description="the client service this step starts (a service id): a hold by category or "
                    "phase spares the step when the client already buys that service")] = None
    after: list[Id] = []  # every one of these first
    after_any: list[Id] = []  # and at least one of these
    repeatable: Annotated[bool, Field(strict=True)] = False
    on_demand: Annotated[bool, Field(strict=True)] = False  # only rules propose it
    sources: Annotated[list[SourceId], Field(min_length=1)]
    priority: Annotated[int, Field(strict=True, ge=0, le=1000)] | None = None
    checklist: Annotated[Id | None, Field(
        description="a playbook entry the step brings along when it is proposed")] = None
    due: Annotated[Due | None, Field(description="service level: days to do it")] = None


class JourneyMapFile(Model):
    project_type: Id
    title: Text
    default_priority: Annotated[int, Field(strict=True, ge=0, le=1000)] = 10
    steps: Annotated[list[Step], Field(min_length=1)]


class PlaybookEntry(Model):
    id: Id
    kind: Literal["communication_guide", "segment_checklist", "report_format", "checklist"]
    category: Annotated[Id, Field(description="what the entry is for (growth_pitch, "
                                  "upsell_guide, ...): holds name entry categories")] = "general"
    title: Text
    summary: Text
    sources: Annotated[list[SourceId], Field(min_length=1)]
    items: list[Text] = []


class PlaybookFile(Model):
    entries: Annotated[list[PlaybookEntry], Field(min_length=1)]
