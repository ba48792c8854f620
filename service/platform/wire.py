"""Validated scalar types that every feature's request schemas share, and
the base of the responses read from their source's attributes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_VERSION",
    "NOT_BLANK",
    "ArticleText",
    "FromAttributes",
    "NextCursor",
    "StoryKey",
    "Timestamp",
    "Unicode",
    "VersionNumber",
    "Whole",
    "exactly_one_of",
    "storable_time",
]


def encodable(value: str) -> str:
    # JSON may smuggle in lone surrogates ("\ud800"), which no response could encode.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError(
            "string_unicode",
            "String contains a lone surrogate at index {index}",
            {"index": exc.start},
        ) from None
    return value


# A character that is not whitespace in Python's sense (what ``str.strip``
# removes), spelled so that JSON Schema's ECMA-262 regexes read it the same:
# the schema's ``pattern`` and ``_not_blank`` agree on what is blank.
NOT_BLANK = r"[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


_NOT_BLANK = re.compile(NOT_BLANK)


def _not_blank(value: str) -> str:
    if _NOT_BLANK.search(value) is None:
        raise PydanticCustomError("string_blank", "String should not be empty or whitespace only")
    return value


Unicode = Annotated[str, AfterValidator(encodable)]


ArticleText = Annotated[
    str,
    AfterValidator(encodable),
    AfterValidator(_not_blank),
    Field(json_schema_extra={"pattern": NOT_BLANK}),
]


STRICT = ConfigDict(extra="forbid", strict=True)


# RFC 3339 ``date-time`` (JSON Schema's ``format``), which pydantic widens
# to Unix timestamps, missing seconds and a space for the ``T``.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _RFC3339.fullmatch(value) is None:
        raise PydanticCustomError(
            "datetime_format", "Datetime should be an RFC 3339 string, as 2026-11-23T14:06:43Z"
        )
    return value


def _integral(value: object) -> object:
    # JSON Schema counts 2.0 as an integer, so the API does too.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# The instants that every database here stores and gives back, in UTC.
# Python's datetime spans years 1 to 9999, and PostgreSQL (which spans far
# more) sends a timestamptz back in the session's time zone: an instant
# within a day of either end could come back as year 0 or 10000, which
# psycopg cannot read, and every read of that row (the tenant's whole
# listing included) failed until it was fixed by hand. A day's margin holds
# in any session time zone (offsets stay under 16 hours); SQLite keeps the
# UTC text as written, which reads back as it was.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


def storable_time(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive one is taken as UTC), as it is stored;
    ``ValueError`` when it lies outside ``EARLIEST`` to ``LATEST`` there.

    >>> from datetime import timedelta, timezone
    >>> storable_time(datetime(2026, 1, 1, 10, tzinfo=timezone(timedelta(hours=5)))).isoformat()
    '2026-01-01T05:00:00+00:00'
    >>> storable_time(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))))
    Traceback (most recent call last):
    ...
    ValueError: 0001-01-01T00:00:00+01:00 is not between 0001-01-02 and 9999-12-30 in UTC
    """
    try:
        aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # year 0 or 10000 once in UTC
        aware = None
    if aware is None or not EARLIEST <= aware <= LATEST:
        raise ValueError(
            f"{moment.isoformat()} is not between {EARLIEST.date().isoformat()} "
            f"and {LATEST.date().isoformat()} in UTC"
        )
    return aware


def _storable(moment: datetime) -> datetime:
    try:
        return storable_time(moment)
    except ValueError as exc:
        raise PydanticCustomError("datetime_range", str(exc)) from None


# Lax inside: the string reaches pydantic's parser as a Python value, which
# strict mode would refuse; ``_rfc3339`` has refused everything else. The
# value is the instant in UTC: SQLite keeps a time's digits without its
# offset, so 10:00+05:00 was stored as 10:00 UTC.
Timestamp = Annotated[
    AwareDatetime, Strict(False), BeforeValidator(_rfc3339), AfterValidator(_storable)
]


MAX_VERSION = 2**31 - 1


# An integer that JSON may write as 2.0.
Whole = Annotated[int, BeforeValidator(_integral)]


VersionNumber = Annotated[int, Field(ge=1, le=MAX_VERSION), BeforeValidator(_integral)]


def exactly_one_of(*groups: tuple[str, ...]) -> dict[str, Any]:
    """A JSON Schema that an object meets when it has exactly one member of
    each of ``groups`` that is not null (the others missing or null), as a
    model's validator requires: a ``not`` of the ways to miss, which client
    generators leave alone (a ``oneOf`` of branches beside ``properties``
    made them write a class of each branch, its fields typed ``Any``)."""
    misses: list[dict[str, Any]] = []
    for group in groups:
        misses.append({"properties": {name: {"type": "null"} for name in group}})
        misses += [
            {
                "required": [a, b],
                "properties": {a: {"not": {"type": "null"}}, b: {"not": {"type": "null"}}},
            }
            for i, a in enumerate(group)
            for b in group[i + 1 :]
        ]
    return {"not": {"anyOf": misses}}


# A story's key, chosen by the client: URL-safe, so it can sit in a path.
StoryKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$",
        description="A story's key: letters, digits and `.`, `_`, `~`, `-`.",
        examples=["nk-arms"],
    ),
]


# A page's ``next``: what the listing takes as ``cursor`` for the page after it.
NextCursor = Annotated[str | None, Field(description="Cursor of the next page; null on the last.")]


Source = TypeVar("Source")


class FromAttributes(BaseModel, Generic[Source]):
    """A response whose fields are its source's attributes of the same names
    (a row, a frozen dataclass), declared as ``class Out(FromAttributes[Row])``:
    ``Out.of(row)`` reads them in one pass through pydantic's core, nested
    models and tuples (as lists) included, and a field of type ``Out`` in
    another model takes a ``Row`` as it is. A model whose names or values
    differ from its source's writes its own builder instead.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Row:
    ...     id: int
    ...     tags: tuple[str, ...]
    >>> class RowOut(FromAttributes[Row]):
    ...     id: int
    ...     tags: list[str]
    >>> RowOut.of(Row(7, ("a", "b"))).model_dump_json()
    '{"id":7,"tags":["a","b"]}'
    """

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, source: Source) -> Self:
        # Said again here: the call's flag reaches nested models of every
        # kind, the config only this model.
        return cls.model_validate(source, from_attributes=True)
