"""The engine's vocabulary, defined once: kinds of action and their order, languages, the
statuses of a rule in an explanation and of a step in a journey picture."""

from __future__ import annotations

from typing import Literal, get_args

ENGINE_VERSION = "0.1.0"  # the package's version, as in pyproject.toml (a test keeps them equal)

ActionKind = Literal["next_step", "upsell", "communication", "warning", "blocked"]
ACTION_KINDS: tuple[ActionKind, ...] = (  # in the documented output order
    "warning", "blocked", "next_step", "upsell", "communication")
KIND_ORDER: dict[str, int] = {kind: i for i, kind in enumerate(ACTION_KINDS)}
STEP_KINDS = ("next_step", "upsell")  # the kinds of action that propose a journey step
STEP_ID_KINDS = ("next_step", "upsell", "blocked")  # the kinds whose id is a journey step

Language = Literal["en", "ru"]
LANGUAGES: tuple[str, ...] = get_args(Language)

RuleStatus = Literal["fired", "suppressed", "not_matched"]
RULE_STATUSES: tuple[RuleStatus, ...] = get_args(RuleStatus)  # in explanation order

StepStatus = Literal["done", "next", "blocked", "todo"]
STEP_STATUSES: tuple[StepStatus, ...] = get_args(StepStatus)  # in legend order
