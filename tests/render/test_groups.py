"""Groups of actions: each reason shown once, however the actions of a group repeat it."""

from __future__ import annotations

from engine.models import Action
from engine.render.groups import Group
from engine.vocabulary import ActionKind


def action(kind: ActionKind, step: str, reason: str) -> Action:
    return Action(kind=kind, id=step, title=step, reason=reason, priority=500, rules=("r",),
                  sources=("K05",), missing=("x",) if kind == "blocked" else ())


def test_a_reason_that_extends_an_earlier_one_shows_what_it_adds() -> None:
    group = Group(1, "rule:r", (action("warning", "w", "Launch later."),
                                action("blocked", "ads", "Launch later. Not yet: first x.")))
    assert group.reasons == ("Launch later.", "Not yet: first x.")


def test_a_reason_an_earlier_one_already_says_is_left_out() -> None:
    group = Group(1, "rule:r", (action("blocked", "ads", "Launch later. Not yet: first x."),
                                action("next_step", "x", "Do this first."),
                                action("communication", "guide", "Launch later.")))
    assert group.reasons == ("Launch later. Not yet: first x.", "Do this first.")
