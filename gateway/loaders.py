"""Per-request DataLoaders, made on first use from factories the features define.

A feature declares `def my_loader(backends, timeout) -> DataLoader[K, V]` in its
own folder and calls `info.context.loaders.get(my_loader)`: one loader per
request per factory, so every customer's section in one response costs one
batch RPC per backend, and no shared file changes when a feature adds one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from gateway.backends import Backends

K = TypeVar("K")
V = TypeVar("V")
Timeout = Callable[[], float]
LoaderFactory = Callable[[Backends, Timeout], DataLoader[K, V]]


class Loaders:
    def __init__(self, backends: Backends, timeout: Timeout) -> None:
        self._backends = backends
        self._timeout = timeout
        self._made: dict[Callable[..., Any], DataLoader[Any, Any]] = {}

    def get(self, factory: LoaderFactory[K, V]) -> DataLoader[K, V]:
        loader = self._made.get(factory)
        if loader is None:
            loader = self._made[factory] = factory(self._backends, self._timeout)
        return loader
