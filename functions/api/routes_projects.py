"""Projects (issue 15): join requests, sharing many projects at once, sub-folders."""

from __future__ import annotations

from typing import Any

from api.http import current, decode_cursor, if_match, page_body, principal, with_etag
from api.ops import Call, op
from tandem.domain.folders import Folder
from tandem.domain.hierarchy import Project
from tandem.domain.join_requests import JoinRequest
from tandem.schemas import folders as fm
from tandem.schemas import join_requests as m
from tandem.schemas.codec import given
from tandem.schemas.common import ListQuery, page_of
from tandem.schemas.derive import project as fill
from tandem.services import folders, join_requests
from tandem.services.share_projects import share_projects

PROJECTS = "projects"


def _request(r: JoinRequest) -> Any:
    return fill(m.JoinRequestOut, r)


def _name(pr: Project) -> m.ProjectNameOut:
    return m.ProjectNameOut(id=pr.id, name=pr.name, portfolio_id=pr.portfolio_id, description=pr.description)


@op("GET", "/v1/projects/joinable", summary="The projects the caller may ask to join (names only)", tag=PROJECTS,
    query=ListQuery, returns=page_of(m.ProjectNameOut))
def joinable_projects(call: Call) -> Any:
    p = principal(call.request)
    scope = f"{p.user_id}/projects/joinable"
    page = join_requests.joinable_projects(current().deps, p, limit=call.query.limit,
                                           after=decode_cursor(call.query.cursor, scope))
    return page_body(page, _name, scope)


@op("POST", "/v1/projects/{id}/join-requests", summary="Ask to join a project (a pending one is answered again)",
    tag=PROJECTS, body=m.JoinRequestCreate, returns=m.JoinRequestOut, status=201, errors=(409,))
def ask_to_join(call: Call, id: str) -> Any:  # noqa: A002 - the path parameter's name
    request, _ = join_requests.ask_to_join(current().deps, principal(call.request), id,
                                           message=given(call.body).get("message"))
    return _request(request)


@op("GET", "/v1/projects/{id}/join-requests", summary="A project's join requests (an asker's own for the asker)",
    tag=PROJECTS, query=m.JoinRequestsQuery, returns=page_of(m.JoinRequestOut))
def list_join_requests(call: Call, id: str) -> Any:  # noqa: A002
    p = principal(call.request)
    q = call.query
    scope = f"{p.user_id}/projects/{id}/join-requests?{q.state}"
    page = join_requests.list_join_requests(current().deps, p, id, state=q.state, limit=q.limit,
                                            after=decode_cursor(q.cursor, scope))
    return page_body(page, _request, scope)


def _decide(call: Call, id: str, rid: str, *, approve: bool) -> Any:  # noqa: A002
    note = given(call.body).get("note")
    return _request(join_requests.decide_join_request(current().deps, principal(call.request), id, rid,
                                                      approve=approve, note=note))


@op("POST", "/v1/projects/{id}/join-requests/{rid}/approve", summary="Approve a join request: the asker joins",
    tag=PROJECTS, body=m.DecisionIn, returns=m.JoinRequestOut, errors=(409,))
def approve_join_request(call: Call, id: str, rid: str) -> Any:  # noqa: A002
    return _decide(call, id, rid, approve=True)


@op("POST", "/v1/projects/{id}/join-requests/{rid}/decline", summary="Decline a join request", tag=PROJECTS,
    body=m.DecisionIn, returns=m.JoinRequestOut, errors=(409,))
def decline_join_request(call: Call, id: str, rid: str) -> Any:  # noqa: A002
    return _decide(call, id, rid, approve=False)


@op("POST", "/v1/projects/share", summary="Add every member and follower to every project, in one step",
    tag=PROJECTS, body=m.ShareIn, returns=m.ShareOut, errors=(409,))
def share(call: Call) -> Any:
    b = call.body
    shared = share_projects(current().deps, principal(call.request), project_ids=list(b.project_ids),
                            members=list(b.members), followers=list(b.followers))
    out = [m.SharedProjectOut(id=pr.id, members=list(pr.members), followers=list(pr.followers))
           for pr in shared.projects]
    return m.ShareOut(projects=out, added=shared.added)


def _folder(f: Folder) -> Any:
    return fill(fm.FolderOut, f)


@op("GET", "/v1/projects/{id}/folders", summary="A project's sub-folders, parents before their children",
    tag=PROJECTS, query=ListQuery, returns=page_of(fm.FolderOut))
def list_folders(call: Call, id: str) -> Any:  # noqa: A002
    p = principal(call.request)
    scope = f"{p.user_id}/projects/{id}/folders"
    page = folders.list_folders(current().deps, p, id, limit=call.query.limit,
                                after=decode_cursor(call.query.cursor, scope))
    return page_body(page, _folder, scope)


@op("POST", "/v1/projects/{id}/folders", summary="Create a sub-folder (at most 5 levels deep)", tag=PROJECTS,
    body=fm.FolderCreate, returns=fm.FolderOut, status=201)
def create_folder(call: Call, id: str) -> Any:  # noqa: A002
    folder = folders.create_folder(current().deps, principal(call.request), id, given(call.body))
    return with_etag(_folder(folder), folder.version, 201)


@op("PATCH", "/v1/projects/{id}/folders/{fid}", summary="Rename or move a sub-folder", tag=PROJECTS,
    body=fm.FolderPatch, returns=fm.FolderOut, headers=("If-Match",), errors=(409,))
def update_folder(call: Call, id: str, fid: str) -> Any:  # noqa: A002
    folder = folders.update_folder(current().deps, principal(call.request), id, fid, given(call.body),
                                   if_match(call.request))
    return with_etag(_folder(folder), folder.version)


@op("DELETE", "/v1/projects/{id}/folders/{fid}", summary="Delete an empty sub-folder", tag=PROJECTS, status=204,
    headers=("If-Match",), errors=(409,))
def delete_folder(call: Call, id: str, fid: str) -> None:  # noqa: A002
    folders.delete_folder(current().deps, principal(call.request), id, fid, if_match(call.request))
