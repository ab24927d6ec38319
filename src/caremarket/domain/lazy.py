"""Values of frozen domain objects worked out when first read, then kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class worked_out(Generic[T]):  # noqa: N801 - a decorator, like cached_property
    """`functools.cached_property` without its lock: Python 3.11 takes one lock for every
    first read of every instance, and a payment run makes a few hundred thousand records
    and planned visits. Worked out once and kept in the instance's dict, which is read
    before this (a non-data descriptor) from then on. Threads racing to read it first
    would each work out the same value of a frozen object."""

    def __init__(self, method: Callable[[Any], T]) -> None:
        self.method = method
        self.name = method.__name__
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> worked_out[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.method(instance)
        return value
