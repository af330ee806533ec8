"""Finish-to-start graphs of an imported plan, by task key (pure): a cycle to report, an order to link in."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def find_cycle(predecessors: Mapping[K, Sequence[K]]) -> list[K]:
    """A loop of links as keys (the first repeated last), or [] when there is none. `predecessors` maps each
    task to those it waits for; keys absent from the mapping are ignored. Iterative: a 5,000-task chain does not
    reach Python's recursion limit."""
    succ: dict[K, list[K]] = {k: [] for k in predecessors}
    for k, preds in predecessors.items():
        for p in preds:
            if p in succ:
                succ[p].append(k)
    state: dict[K, int] = {}  # 1 = on the current path, 2 = done
    for start in succ:
        if start in state:
            continue
        path, todo = [start], [iter(succ[start])]
        state[start] = 1
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                todo.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                todo.append(iter(succ[nxt]))
    return []


def successors_first(predecessors: Mapping[K, Sequence[K]]) -> list[K]:
    """The keys so that each comes before its predecessors (the graph has no cycle; mapping order breaks ties).

    Setting predecessors in this order means each new link names a task that has none of its own yet, so the
    store's cycle check (domain.planning.check_acyclic) reads one level instead of the whole chain."""
    waiting: dict[K, int] = {k: 0 for k in predecessors}  # successors not yet placed
    for preds in predecessors.values():
        for p in preds:
            if p in waiting:
                waiting[p] += 1
    ready = [k for k in reversed(list(predecessors)) if waiting[k] == 0]
    out: list[K] = []
    while ready:
        k = ready.pop()
        out.append(k)
        for p in predecessors[k]:
            if p in waiting:
                waiting[p] -= 1
                if waiting[p] == 0:
                    ready.append(p)
    return out
