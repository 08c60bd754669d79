"""recommend_many over clients whose ids (and other values) no code expects: every one gets
its outcome, the clients after them too; recommend() refuses each the same way."""

import datetime as dt
from typing import Any

import engine


class Loud:
    """A value that cannot be written as text at all."""

    def __str__(self) -> str:
        raise RuntimeError("no text for you")

    def __repr__(self) -> str:
        raise RuntimeError("no repr either")

    def __format__(self, spec: str) -> str:
        raise RuntimeError("no format either")


class BadMapping(dict):  # type: ignore[type-arg]
    """A mapping that fails as it is read."""

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("cannot get")

    def items(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("cannot list")


CLIENTS: list[Any] = [  # what a caller might hand over, typed or not
    {"id": "first", "project_type": "lead_gen"},
    {"id": 10**5000, "project_type": "lead_gen"},
    {"id": -(10**4301), "project_type": "lead_gen"},
    {"id": Loud(), "project_type": "lead_gen"},
    {"id": "x" * 201, "project_type": "lead_gen"},
    {"id": "nps", "nps": Loud()},
    {"id": "kpi", "kpis": [Loud()]},
    {Loud(): 1, "id": "key"},
    BadMapping(id="bad"),
    Loud(),
    None,
    {"id": "last", "project_type": "lead_gen"},
]


def main() -> None:
    kb = engine.load("kb")
    day = dt.date(2026, 10, 15)
    outcomes = list(engine.recommend_many(CLIENTS, kb=kb, as_of=day))
    print(f"{len(CLIENTS)} clients in, {len(outcomes)} outcomes out")
    for client, outcome in zip(CLIENTS, outcomes, strict=True):
        try:
            engine.recommend(client, kb=kb, as_of=day)
            alone = "recommended"
        except engine.ClientError as exc:
            alone = f"refused ({len(exc.diagnostics)} error(s))"
        except Exception as exc:  # the caller's own object raised: recommend() lets it through
            alone = f"raised {type(exc).__name__}"
        shown = "recommended" if outcome.recommendation else "\n    ".join(
            d.render() for d in outcome.errors)
        print(f"{outcome.client_id!r}: {shown}\n  recommend() alone: {alone}")
    pooled = list(engine.recommend_many(CLIENTS, kb=kb, as_of=day, workers=2))
    same = [(o.client_id, o.recommendation, o.errors) for o in pooled] == [
        (o.client_id, o.recommendation, o.errors) for o in outcomes]
    print(f"on 2 processes: {len(pooled)} outcomes, the same: {same}")


if __name__ == "__main__":
    main()
