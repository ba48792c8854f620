"""``FromAttributes``: a response read from its source's attributes."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from service.platform.wire import FromAttributes


@dataclass(frozen=True)
class _Inner:
    n: int


@dataclass(frozen=True)
class _Outer:
    name: str
    inner: _Inner
    inners: tuple[_Inner, ...]


class _InnerOut(BaseModel):  # a plain model, without from_attributes of its own
    n: int


class _OuterOut(FromAttributes[_Outer]):
    name: str
    inner: _InnerOut
    inners: list[_InnerOut]


class _InnerRead(FromAttributes[_Inner]):
    n: int


class _Holder(BaseModel):
    inner: _InnerRead


def test_of_reads_nested_models_of_every_kind() -> None:
    out = _OuterOut.of(_Outer("a", _Inner(1), (_Inner(2), _Inner(3))))
    assert out.model_dump_json() == '{"name":"a","inner":{"n":1},"inners":[{"n":2},{"n":3}]}'
    assert out.model_fields_set == {"name", "inner", "inners"}


def test_a_field_takes_the_source_as_it_is() -> None:
    assert _Holder(inner=_Inner(4)).model_dump() == {"inner": {"n": 4}}  # type: ignore[arg-type]
