"""Sub-folders of a project (issue 15): list, create, rename or move, delete when empty; items filed in them.

Reading a project's folders is reading its plan (`Area.SCHEDULES`: staff, and API keys that read items); changing
them is changing items (`Area.ITEMS` UPDATE: staff, and keys that write items) — both within a project the caller
sees (404 otherwise). Customers never see folders.

A folder is empty when no folder has it as parent and its item counter (domain/queues.py `folder:<id>`, kept by the
stream from every item change) is 0. The counter follows item writes within the stream's delay (seconds): an item
filed a moment before the delete may be missed, and is then shown at the project's top level (`folder_id` naming a
folder that is gone is treated as none, and cleared on the item's next move).
"""

from __future__ import annotations

from typing import Any

from tandem.domain.errors import Conflict, NotFound, ValidationError
from tandem.domain.folders import MAX_FOLDERS, Folder, check_parent
from tandem.domain.items import Item
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.queues import folder_counter
from tandem.services.access import load_project, require_area
from tandem.services.deps import Deps
from tandem.services.editing import apply_fields, check_limit, check_version, optional_id, text
from tandem.services.ports import Page, Position

TREE_PAGE = 200


def _project_id(deps: Deps, p: Principal, project_id: str, *, write: bool) -> str:
    require_area(p, Area.ITEMS, Action.UPDATE) if write else require_area(p, Area.SCHEDULES, Action.READ)
    return load_project(deps, p, project_id).id


def tree(deps: Deps, tenant_id: str, project_id: str) -> dict[str, Folder]:
    """Every folder of the project by id (at most MAX_FOLDERS: a few Queries)."""
    found: dict[str, Folder] = {}
    after: Position = None
    while True:
        page = deps.repos.folders.list_in_project(tenant_id, project_id, limit=TREE_PAGE, after=after)
        found.update((f.id, f) for f in page.items)
        after = page.after
        if not after:
            return found


def list_folders(deps: Deps, p: Principal, project_id: str, *, limit: int | None = None,
                 after: Position = None) -> Page[Folder]:
    """GET /v1/projects/{id}/folders: the project's folders, oldest first (parents before their children)."""
    pid = _project_id(deps, p, project_id, write=False)
    return deps.repos.folders.list_in_project(p.tenant_id, pid, limit=check_limit(limit), after=after)


def create_folder(deps: Deps, p: Principal, project_id: str, fields: dict[str, Any]) -> Folder:
    """POST /v1/projects/{id}/folders `{name, parent_id?}`: nested at most 5 levels, 500 folders a project."""
    pid = _project_id(deps, p, project_id, write=True)
    folders = tree(deps, p.tenant_id, pid)
    if len(folders) >= MAX_FOLDERS:
        raise ValidationError(f"a project holds at most {MAX_FOLDERS} folders", {"field": "name"})
    folder = Folder(p.tenant_id, deps.new_id(), pid, "", deps.clock())
    folder = apply_fields(folder, {"name": fields.get("name"), **fields}, _checks())
    check_parent(None, folder.parent_id, folders)
    return deps.repos.folders.add(folder)


def _checks() -> dict[str, Any]:
    return {"name": text("name"), "parent_id": optional_id("parent_id")}


def _folder(deps: Deps, tenant_id: str, project_id: str, folder_id: str) -> Folder:
    folder = deps.repos.folders.get(tenant_id, folder_id)
    if folder is None or folder.project_id != project_id:
        raise NotFound("folder not found", {"id": folder_id})
    return folder


def update_folder(deps: Deps, p: Principal, project_id: str, folder_id: str, changes: dict[str, Any],
                  expected_version: int | None = None) -> Folder:
    """PATCH /v1/projects/{id}/folders/{fid}: rename, or move under another folder of the project (`parent_id`,
    null for the top level); never under itself, never deeper than 5 levels with its sub-folders."""
    pid = _project_id(deps, p, project_id, write=True)
    folder = _folder(deps, p.tenant_id, pid, folder_id)
    check_version(folder, expected_version)
    changed = apply_fields(folder, changes, _checks())
    if changed.parent_id != folder.parent_id:
        check_parent(folder.id, changed.parent_id, tree(deps, p.tenant_id, pid))
    return deps.repos.folders.save(changed)


def delete_folder(deps: Deps, p: Principal, project_id: str, folder_id: str,
                  expected_version: int | None = None) -> None:
    """DELETE /v1/projects/{id}/folders/{fid}: only an empty folder (409 while it holds folders or items)."""
    pid = _project_id(deps, p, project_id, write=True)
    folder = _folder(deps, p.tenant_id, pid, folder_id)
    check_version(folder, expected_version)
    if any(f.parent_id == folder.id for f in tree(deps, p.tenant_id, pid).values()):
        raise Conflict("the folder holds folders: move or delete them first", {"id": folder.id})
    counter = folder_counter(folder.id)
    items = deps.repos.queue_counts.read(p.tenant_id, [counter]).get(counter, {}).get("items", 0)
    if items > 0:
        raise Conflict(f"the folder holds {items} item(s): move them first", {"id": folder.id, "items": items})
    deps.repos.folders.delete(folder)


def check_item_folder(deps: Deps, tenant_id: str, project_id: str | None, folder_id: str | None) -> None:
    """An item's folder must be a folder of the item's project (422 on `folder_id` otherwise)."""
    if folder_id is None:
        return
    folder = deps.repos.folders.get(tenant_id, folder_id)
    if folder is None or project_id is None or folder.project_id != project_id:
        raise ValidationError("not a folder of the item's project", {"field": "folder_id"})


def folder_changes(deps: Deps, tenant_id: str, item: Item, changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` to an item with its folder kept right: moving the item to another project takes it out of its
    folder (unless the change files it in a folder there), and a folder given must be one of its project."""
    project_id = changes.get("project_id", item.project_id)
    if project_id != item.project_id and "folder_id" not in changes and item.folder_id:
        return {**changes, "folder_id": None}
    if changes.get("folder_id") is not None:
        check_item_folder(deps, tenant_id, project_id, changes["folder_id"])
    return changes


def folder_of_list(deps: Deps, tenant_id: str, folder_id: str) -> Folder:
    """The folder a list filters on (`GET /v1/items?folder_id=`): 422 when there is none."""
    folder = deps.repos.folders.get(tenant_id, folder_id)
    if folder is None:
        raise ValidationError("unknown folder", {"field": "folder_id"})
    return folder
