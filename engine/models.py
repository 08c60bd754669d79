"""Pydantic models: the client's facts, the recommendation, and the knowledge-base files.

Every model is frozen and forbids unknown keys, so a typo is an error naming the key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.vocabulary import ActionKind

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
SourceId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*\d$")]
StrictInt = Annotated[int, Field(strict=True)]
Number = Annotated[float, Field(strict=True)]
Month = Annotated[int, Field(strict=True, ge=1, le=12)]

CompanyStage = Literal["infancy", "growth", "prime", "stability", "aristocracy"]
Temperament = Literal["choleric", "sanguine", "melancholic", "phlegmatic"]
Activity = Literal["active", "waiting", "passive"]
KnowledgeLevel = Literal["novice", "intermediate", "expert"]
DecisionSystem = Literal["owner", "manager_and_owner", "committee"]
Importance = Literal["key", "regular", "low"]
SERVICES = ("seo", "context_ads", "serm", "content_marketing", "display_campaign",
            "retargeting", "audience_targeting", "analytics", "web_development")


# Frozen models are written once, in trusted(), straight through pydantic's own slots.
_new, _set = object.__new__, object.__setattr__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @classmethod
    def trusted(cls, data: dict[str, Any]) -> Self:
        """An instance of data the engine built and typed itself, without validating it again.

        Equal to ``model_validate(data)`` for such data (pinned by tests/test_models.py) at a
        fraction of the cost of validation or of ``model_construct``: recommend() is a hot path.
        Every field must be given.
        """
        obj = _new(cls)
        _set(obj, "__dict__", data)
        _set_fields(obj, set(data))
        _set_extra(obj, None)
        _set_private(obj, None)
        return obj


# --- the client ---------------------------------------------------------------------------

class KPI(Model):
    name: Annotated[str, Field(min_length=1)]
    target: Annotated[float, Field(strict=True, gt=0)]
    actual: Number | None = None
    higher_is_better: Annotated[bool, Field(strict=True)] = True


class Client(Model):
    id: Annotated[str, Field(min_length=1)]
    name: str | None = None
    project_type: Id | None = None
    industry: str | None = None
    company_stage: CompanyStage | None = None
    temperament: Temperament | None = None
    activity: Activity | None = None
    knowledge_level: KnowledgeLevel | None = None
    decision_system: DecisionSystem | None = None
    importance: Importance | None = None
    monthly_budget: Annotated[float, Field(strict=True, ge=0)] | None = None
    services: list[Id] | None = None
    main_channel: Id | None = None
    completed_steps: list[Id] = []
    kpis: list[KPI] | None = None
    campaign_launched_on: dt.date | None = None
    goals_changed: Annotated[bool, Field(strict=True)] | None = None
    season_peak_months: list[Month] | None = None
    nps: Annotated[int, Field(strict=True, ge=0, le=10)] | None = None
    nps_surveyed_on: dt.date | None = None
    last_contact_on: dt.date | None = None
    last_meeting_on: dt.date | None = None
    contact_changes_12m: Annotated[int, Field(strict=True, ge=0)] | None = None
    client_since: dt.date | None = None
    facts: dict[str, Any] = {}


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
    details: Details | None = None

    def label(self) -> str:
        """The action in the notation of scenario files: ``blocked launch_context_ads
        (missing: landing_pages)``."""
        text = f"{self.kind} {self.id}"
        return text + (f" (missing: {', '.join(self.missing)})" if self.kind == "blocked" else "")


class Recommendation(Model):
    client_id: str
    as_of: dt.date
    kb_version: str
    actions: list[Action]


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
    def _exactly_one(self) -> ActionSpec:
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


class Rule(Model):
    id: Id
    title: Text
    reason: Text
    priority: Annotated[int, Field(strict=True, ge=0, le=1000)]
    sources: Annotated[list[SourceId], Field(min_length=1)]
    group: Id | None = None
    when: dict[str, Any]
    then: Annotated[list[ActionSpec], Field(min_length=1)]


class Threshold(Model):
    value: Annotated[int, Field(strict=True)] | Number  # ints stay ints: days, months
    sources: Annotated[list[SourceId], Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]


class FactDecl(Model):
    type: Literal["bool", "int", "number", "text", "enum", "list"]
    values: list[Id] | None = None
    description: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _values_for_enums(self) -> FactDecl:
        if (self.type == "enum") != bool(self.values):
            raise ValueError("'values' is required for type enum and only for it")
        return self


class SourceItem(Model):
    title: Text
    not_encoded: Text | None = None


class RulesFile(Model):
    rules: list[Rule] = []
    thresholds: dict[Id, Threshold] = {}
    facts: dict[Id, FactDecl] = {}
    sources: dict[SourceId, SourceItem] = {}
    services: list[Id] = []


class Step(Model):
    id: Id
    title: Text
    phase: Id
    after: list[Id] = []
    repeatable: Annotated[bool, Field(strict=True)] = False
    on_demand: Annotated[bool, Field(strict=True)] = False  # only rules propose it
    sources: Annotated[list[SourceId], Field(min_length=1)]
    priority: Annotated[int, Field(strict=True, ge=0, le=1000)] | None = None
    checklist: Annotated[Id | None, Field(
        description="a playbook entry the step brings along when it is proposed")] = None


class JourneyMapFile(Model):
    project_type: Id
    title: Text
    default_priority: Annotated[int, Field(strict=True, ge=0, le=1000)] = 10
    steps: Annotated[list[Step], Field(min_length=1)]


class PlaybookEntry(Model):
    id: Id
    kind: Literal["communication_guide", "segment_checklist", "report_format", "checklist"]
    title: Text
    summary: Text
    sources: Annotated[list[SourceId], Field(min_length=1)]
    items: list[Text] = []


class PlaybookFile(Model):
    entries: Annotated[list[PlaybookEntry], Field(min_length=1)]
