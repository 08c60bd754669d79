"""The base of every pydantic model: frozen, unknown keys forbidden (a typo is an error naming
the key), no NaN or infinity; ``trusted`` construction for data the engine built itself; a lean
pickled form; and the one-line text of ids and names."""

from __future__ import annotations

import re
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

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

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class and fields, and the names of the fields given only when some
        were left to their defaults: a cached knowledge base is some 1,700 models, read back on
        every command's start, and pydantic's own form is a dict of four entries per model and
        a call of ``__setstate__`` to read it."""
        data, given = self.__dict__, self.__pydantic_fields_set__
        extra, private = self.__pydantic_extra__, self.__pydantic_private__
        tail = () if extra is None and private is None else (extra, private)
        return _unpickled, (type(self), data, None if given == data.keys() else given, *tail)


def _unpickled(cls: type[Model], data: dict[str, Any], given: set[str] | None,
               extra: dict[str, Any] | None = None,
               private: dict[str, Any] | None = None) -> Model:
    obj = cls.trusted(data)
    if given is not None:
        _set_fields(obj, given)
    if extra is not None or private is not None:
        _set_extra(obj, extra)
        _set_private(obj, private)
    return obj


# ids and names are shown on one line everywhere (headings, table cells, CSV cells, the
# journal): a line break or control character in one is refused where it is read
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ONE_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"  # for JSON Schema


def _one_line(text: str) -> str:
    bad = _NOT_ONE_LINE.search(text)
    if bad:
        raise ValueError(f"one line of text expected: U+{ord(bad.group(0)):04X} (a line break "
                         f"or control character) at character {bad.start() + 1}")
    return text


ONE_LINE = AfterValidator(_one_line)
ONE_LINE_SCHEMA = Field(json_schema_extra={"pattern": ONE_LINE_PATTERN})
OneLine = Annotated[str, ONE_LINE, ONE_LINE_SCHEMA]
