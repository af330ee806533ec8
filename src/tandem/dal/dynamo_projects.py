"""PynamoDB repos of issue 15's project records: join requests and sub-folders (ACCESS_PATTERNS.md, "Projects:
join requests, folders").

Join requests: `pk=T#{tid}#JOIN#{project}` `sk=JR#{id}` (ids are time-ordered: a Query lists them oldest first),
the state copied to `status` and the asker to `owner` for the list's filters. Beside them, `sk=PENDING#{user}` marks
the asker's pending request (`owner` = its id): written with the request under `attribute_not_exists`, so one person
has at most one pending request per project however many asks race, and lifted in the decision's write.

Folders: `pk=T#{tid}` `sk=FOLDER#{id}` like other configuration, listed per project on gsi1
(`T#{tid}#PROJECT#{project}#FOLDERS`, sorted by id = creation).
"""
from __future__ import annotations

from dataclasses import replace

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import DynamoEntityRepo, failed_items, one_page, tkey, transaction
from tandem.dal.table import Record
from tandem.domain.errors import Conflict
from tandem.domain.folders import Folder
from tandem.domain.hierarchy import Project
from tandem.domain.join_requests import JoinRequest
from tandem.services.ports import Page, Position

JOIN = "joinreq"


def _partition(tenant_id: str, project_id: str) -> str:
    return f"{tkey(tenant_id)}#JOIN#{project_id}"


def _record(r: JoinRequest) -> Record:
    return Record(pk=_partition(r.tenant_id, r.project_id), sk=f"JR#{r.id}", kind=JOIN, data=dumps(r),
                  version=r.version, status=r.state.value, owner=r.user_id)


def _pending_mark(r: JoinRequest) -> Record:
    return Record(pk=_partition(r.tenant_id, r.project_id), sk=f"PENDING#{r.user_id}", kind="claim", owner=r.id)


def _consistent(pk: str, sk: str) -> Record | None:
    try:
        return Record.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        return None


class DynamoJoinRequestRepo:
    def __init__(self, projects: DynamoEntityRepo[Project]) -> None:
        self._projects = projects  # a decision may add the member in the same write

    def add(self, request: JoinRequest) -> tuple[JoinRequest, bool]:
        stored = replace(request, version=1)
        try:
            with transaction() as tx:
                tx.save(_record(stored), condition=Record.pk.does_not_exist())
                tx.save(_pending_mark(stored), condition=Record.pk.does_not_exist())
        except TransactWriteError as exc:
            if not failed_items(exc):
                raise
            mark = _consistent(_pending_mark(stored).pk, f"PENDING#{stored.user_id}")
            existing = self.get(request.tenant_id, request.project_id, mark.owner) if mark and mark.owner else None
            if existing is None:
                raise Conflict("a request of this person changed meanwhile, ask again") from exc
            return existing, False
        return stored, True

    def get(self, tenant_id: str, project_id: str, request_id: str) -> JoinRequest | None:
        found = _consistent(_partition(tenant_id, project_id), f"JR#{request_id}")
        return loads(JoinRequest, found.data) if found is not None and found.kind == JOIN else None

    def list(self, tenant_id: str, project_id: str, *, state: str | None = None, user_id: str | None = None,
             limit: int = 50, after: Position = None) -> Page[JoinRequest]:
        condition = None
        for attr, value in ((Record.status, state), (Record.owner, user_id)):
            if value:
                condition = attr == value if condition is None else condition & (attr == value)
        records, last = one_page(lambda **kw: Record.query(_partition(tenant_id, project_id),
                                                           Record.sk.startswith("JR#"), filter_condition=condition,
                                                           **kw), limit, after)
        return Page([loads(JoinRequest, r.data) for r in records], last)

    def decide(self, request: JoinRequest, project: Project | None = None) -> JoinRequest:
        stored = replace(request, version=request.version + 1)
        try:
            with transaction() as tx:
                tx.save(_record(stored), condition=(Record.version == request.version) & (Record.kind == JOIN))
                tx.delete(_pending_mark(request))
                if project is not None:
                    changed = self._projects.record(replace(project, version=project.version + 1))
                    tx.save(changed, condition=Record.version == project.version)
        except TransactWriteError as exc:
            if not failed_items(exc):
                raise
            raise Conflict("the request or its project changed meanwhile, read them again") from exc
        return stored


def _folders_key(tenant_id: str, project_id: str) -> str:
    return f"{tkey(tenant_id)}#PROJECT#{project_id}#FOLDERS"


class DynamoFolderRepo(DynamoEntityRepo[Folder]):
    """Folders as configuration records, with the project's list key beside them."""

    def __init__(self) -> None:
        super().__init__("folder", Folder, "FOLDER",
                         extra=lambda f: {"gsi1pk": _folders_key(f.tenant_id, f.project_id), "gsi1sk": f.id})

    def list_in_project(self, tenant_id: str, project_id: str, *, limit: int = 50,
                        after: Position = None) -> Page[Folder]:
        key = _folders_key(tenant_id, project_id)
        records, last = one_page(lambda **kw: Record.gsi1.query(key, **kw), limit, after)
        return Page([loads(Folder, r.data) for r in records], last)
