"""Frozen dataclasses to plain JSON values and back, checked against their type hints.

What flashgen keeps on disk between builds (the incremental cache) is data, never code: it
is stored as JSON, and read back by a decoder made from the dataclass's own type hints,
which refuses any value of the wrong type, shape or length (``RecordError``) instead of
building an object from it. A dataclass becomes a list of its fields in order; a tuple or
a frozenset a list; a ``Path`` its string.
"""

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_Decode = Callable[[Any], Any]
_Encode = Callable[[Any], Any]


class RecordError(ValueError):
    """A stored value does not have the type its dataclass says."""


def dumps(value: object) -> str:
    kind: Any = type(value)
    return json.dumps(_encoder(kind)(value), ensure_ascii=False, separators=(",", ":"))


def loads(kind: type[T], text: str | bytes) -> T:
    """The ``kind`` stored in ``text``; ``RecordError`` for anything else."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise RecordError(f"not JSON: {exc}") from None
    try:
        hint: Any = kind
        return typing.cast(T, _decoder(hint)(data))
    except RecursionError:
        raise RecordError("nested too deeply") from None


def _refuse_constant(name: str) -> None:
    raise RecordError(f"{name} is not a value")


@cache
def _decoder(kind: Any) -> _Decode:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is type(None):
        return _exactly(type(None))
    if kind in (str, bool):
        return _exactly(kind)
    if kind is int:
        return _exactly(int)
    if kind is float:
        return _number
    if kind is Path:
        return lambda data: Path(_exactly(str)(data))
    if origin is typing.Literal:
        choices = frozenset(args)

        def literal(data: Any) -> Any:
            if not isinstance(data, str | int) or isinstance(data, bool) or data not in choices:
                raise RecordError(f"{data!r} is none of {sorted(map(repr, choices))}")
            return data

        return literal
    if origin in (typing.Union, types.UnionType):
        return _union([_decoder(arg) for arg in args])
    if origin is tuple:
        return _tuple(args)
    if origin is frozenset:
        item = _decoder(args[0])
        return lambda data: frozenset(item(value) for value in _list(data))
    if origin is dict and args[0] is str:
        value_of = _decoder(args[1])

        def mapping(data: Any) -> dict[str, Any]:
            if not isinstance(data, dict):
                raise RecordError("expected an object")
            return {str(key): value_of(value) for key, value in data.items()}

        return mapping
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _dataclass(kind)
    raise TypeError(f"records cannot store {kind!r}")


def _exactly(kind: type) -> _Decode:
    def check(data: Any) -> Any:
        if type(data) is not kind:
            raise RecordError(f"expected {kind.__name__}, not {type(data).__name__}")
        return data

    return check


def _number(data: Any) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise RecordError(f"expected a number, not {type(data).__name__}")
    return float(data)


def _list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise RecordError(f"expected a list, not {type(data).__name__}")
    return data


def _union(options: list[_Decode]) -> _Decode:
    def decode(data: Any) -> Any:
        for option in options:
            try:
                return option(data)
            except RecordError:
                continue
        raise RecordError(f"{type(data).__name__} fits none of the types allowed")

    return decode


def _tuple(args: tuple[Any, ...]) -> _Decode:
    if len(args) == 2 and args[1] is Ellipsis:
        if args[0] in (str, int, bool):
            plain = args[0]

            def plain_items(data: Any) -> tuple[Any, ...]:
                if not all(type(value) is plain for value in _list(data)):
                    raise RecordError(f"expected a list of {plain.__name__}")
                return tuple(data)

            return plain_items
        item = _decoder(args[0])
        return lambda data: tuple([item(value) for value in _list(data)])
    items = [_decoder(arg) for arg in args]

    def fixed(data: Any) -> tuple[Any, ...]:
        values = _list(data)
        if len(values) != len(items):
            raise RecordError(f"expected {len(items)} values, not {len(values)}")
        return tuple([item(value) for item, value in zip(items, values, strict=True)])

    return fixed


def _dataclass(kind: type) -> _Decode:
    hints = typing.get_type_hints(kind)
    names = [field.name for field in dataclasses.fields(kind) if field.init]
    decoders = [_decoder(hints[name]) for name in names]

    def decode(data: Any) -> Any:
        values = _list(data)
        if len(values) != len(decoders):
            raise RecordError(f"{kind.__name__}: expected {len(decoders)} fields")
        return kind(*[field(value) for field, value in zip(decoders, values, strict=True)])

    return decode


@cache
def _encoder(kind: Any) -> _Encode:
    """The inverse of ``_decoder``, made from the same hints (a value of a type the decoder
    cannot read back is refused here too, when it is stored)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind in (str, bool, int, float, type(None)) or origin is typing.Literal:
        return lambda value: value
    if kind is Path:
        return str
    if origin in (typing.Union, types.UnionType):
        return _union_encoder(args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _encoder(args[0])
        return lambda value: [item(part) for part in value]
    if origin is tuple:
        items = [_encoder(arg) for arg in args]
        return lambda value: [item(part) for item, part in zip(items, value, strict=True)]
    if origin is frozenset:
        item = _encoder(args[0])
        return lambda value: sorted(item(part) for part in value)
    if origin is dict and args[0] is str:
        value_of = _encoder(args[1])
        return lambda value: {key: value_of(part) for key, part in value.items()}
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        fields = [
            (field.name, _encoder(hints[field.name]))
            for field in dataclasses.fields(kind)
            if field.init
        ]
        return lambda value: [encode(getattr(value, name)) for name, encode in fields]
    raise TypeError(f"records cannot store {kind!r}")


def _union_encoder(args: tuple[Any, ...]) -> _Encode:
    plain = (str, bool, int, float, type(None))
    complex_args = [arg for arg in args if arg not in plain]
    if not complex_args:
        return lambda value: value
    encoders = [(arg, _encoder(arg)) for arg in complex_args]

    def encode(value: Any) -> Any:
        for arg, encoder in encoders:
            if isinstance(value, typing.get_origin(arg) or arg):
                return encoder(value)
        return value

    return encode
