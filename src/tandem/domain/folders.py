"""Sub-folders of a project (issue 15): a tree of named folders that items of the project are filed in.

A folder belongs to one project for life; its parent is another folder of the same project or none (top level).
The tree is at most `MAX_DEPTH` levels deep and a project holds at most `MAX_FOLDERS` folders, so checking a move
reads the whole tree in a few pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tandem.domain.errors import ValidationError
from tandem.domain.exposure import exposed
from tandem.domain.limits import Id, Name

MAX_DEPTH = 5  # a top-level folder is at depth 1
MAX_FOLDERS = 500  # per project


@dataclass
class Folder:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    project_id: str = exposed()
    name: Name = exposed(create=True, patch=True)
    created_at: str = exposed()
    parent_id: Id | None = exposed(create=True, patch=True, default=None)
    version: int = exposed(default=0)


def depth(folder_id: str | None, folders: Mapping[str, Folder]) -> int:
    """Levels from the top down to `folder_id` (1 for a top-level folder, 0 for none); a broken chain ends it."""
    level, seen = 0, set()
    while folder_id and folder_id in folders and folder_id not in seen:
        seen.add(folder_id)
        level += 1
        folder_id = folders[folder_id].parent_id
    return level


def height(folder_id: str, folders: Mapping[str, Folder]) -> int:
    """Levels of the subtree under and including `folder_id` (1 for a folder without sub-folders)."""
    children: dict[str, list[str]] = {}
    for f in folders.values():
        if f.parent_id:
            children.setdefault(f.parent_id, []).append(f.id)
    best, stack = 0, [(folder_id, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        if level <= MAX_DEPTH + 1:  # deeper does not matter, and a cycle in stored data must not loop forever
            stack += [(c, level + 1) for c in children.get(current, [])]
    return best


def check_parent(folder_id: str | None, parent_id: str | None, folders: Mapping[str, Folder]) -> None:
    """ValidationError (field `parent_id`) unless `parent_id` is a folder of the same project (`folders` holds the
    project's tree) that is not `folder_id` or under it, and the moved subtree stays within `MAX_DEPTH`.
    `folder_id` is None for a new folder."""
    if parent_id is None:
        return
    if parent_id not in folders:
        raise ValidationError("unknown parent folder in this project", {"field": "parent_id"})
    if folder_id is not None and _under(parent_id, folder_id, folders):
        raise ValidationError("a folder cannot move under itself", {"field": "parent_id"})
    moved = height(folder_id, folders) if folder_id is not None else 1
    if depth(parent_id, folders) + moved > MAX_DEPTH:
        raise ValidationError(f"folders nest at most {MAX_DEPTH} levels deep", {"field": "parent_id"})


def _under(candidate: str, ancestor: str, folders: Mapping[str, Folder]) -> bool:
    """Whether `candidate` is `ancestor` or one of its descendants."""
    seen: set[str] = set()
    current: str | None = candidate
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = folders[current].parent_id if current in folders else None
    return False
