"""The base of every pydantic model: frozen, unknown keys forbidden (a typo is an error naming
the key), no NaN or infinity; and ``trusted`` construction for data the engine built itself."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict

# Frozen models are written once, in trusted(), straight through pydantic's own slots.
_new, _set = object.__new__, object.__setattr__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

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
