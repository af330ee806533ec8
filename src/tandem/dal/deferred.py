"""Repositories built on first use, so building the container imports no table adapter a call never needs.

`dynamo_repos()` returns a LazyRepos: each adapter that lives in its own module (~80 ms of imports for all of
them) is imported and built on the first read of its field. The composition root's TransientGuard wrapping
(`wrapped`) puts a `Deferred` in front of each member not built yet, so wrapping, `dataclasses.replace` and
`fields` on the container's Repos copy placeholders and build nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any

from tandem.services.ports import Repos


class Deferred:
    """Stands for the object `factory()` returns; every attribute is read from that object, built on first read."""

    __slots__ = ("_factory", "_lock", "_target")

    def __init__(self, factory: Callable[[], Any]) -> None:
        object.__setattr__(self, "_factory", factory)
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_target", None)

    def resolve(self) -> Any:
        """The built object (built now if this is the first use)."""
        target = self._target
        if target is None:
            with self._lock:
                target = self._target
                if target is None:
                    target = self._factory()
                    object.__setattr__(self, "_target", target)
        return target

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resolve(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.resolve(), name, value)

    def __repr__(self) -> str:
        target = self._target
        return f"Deferred({target!r})" if target is not None else "Deferred(<not built>)"


class _Member:
    """A LazyRepos field: built by its builder on first read, then an ordinary instance attribute."""

    def __init__(self, name: str, default: Any) -> None:
        self.name, self.default = name, default

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.default
        with _BUILDING:
            if self.name not in obj.__dict__:  # another thread may have built it meanwhile
                builder = obj.__dict__.get("_builders", {}).get(self.name)
                obj.__dict__[self.name] = builder(obj) if builder is not None else self.default
        return obj.__dict__[self.name]


_BUILDING = threading.RLock()  # re-entrant: a builder may read another member (conversations read items)


class LazyRepos(Repos):
    """A Repos whose members named in `builders` are built on first read, each with the real adapter's type (so
    `type(repos.items)` and patches on it behave as on a plain Repos). `dataclasses.replace` reads every field,
    so it builds them all and gives an ordinary instance."""

    @classmethod
    def deferred(cls, builders: dict[str, Callable[[Repos], Any]], **built: Any) -> LazyRepos:
        self = object.__new__(cls)
        self.__dict__.update(built, _builders=builders)
        return self


for _f in fields(Repos):
    setattr(LazyRepos, _f.name, _Member(_f.name, None if _f.default is MISSING else _f.default))


def wrapped(repos: Repos, wrap: Callable[[Any], Any]) -> Repos:
    """`repos` with each member (not None) behind `wrap`; members of a LazyRepos not built yet are wrapped when
    first used (a Deferred), so wrapping builds nothing."""
    members: dict[str, Any] = {}
    for f in fields(repos):
        if isinstance(repos, LazyRepos) and f.name not in repos.__dict__:
            members[f.name] = Deferred(lambda name=f.name: wrap(getattr(repos, name)))
        elif (repo := getattr(repos, f.name)) is not None:
            members[f.name] = wrap(repo)
        else:
            members[f.name] = None
    return Repos(**members)
