"""Issue 15's project records on both backends: join requests (one pending per person, decisions atomic with the new
member) and sub-folders (per project, versioned)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contract.test_repos_contract import NOW, create, tenant
from tandem.domain.errors import Conflict
from tandem.domain.folders import Folder
from tandem.domain.hierarchy import Project
from tandem.domain.ids import new_id
from tandem.domain.join_requests import JoinRequest, JoinState, decide
from tandem.services.ports import ItemQuery


def _project(repos, tenant_id: str, name: str = "Website") -> Project:
    return repos.projects.add(Project(tenant_id, new_id(), name, NOW, members=["team:support"]))


def _ask(tenant_id: str, project_id: str, user_id: str = "user-1", message: str = "let me in") -> JoinRequest:
    return JoinRequest(tenant_id, new_id(), project_id, user_id, NOW, message=message)


def test_a_second_ask_while_one_is_pending_answers_the_pending_one(repos):
    # Given a pending request of one person for a project
    t = tenant(repos)
    project = _project(repos, t.id)
    first, created = repos.join_requests.add(_ask(t.id, project.id))
    # When the same person asks again (a retried click, or a concurrent one), and someone else asks
    again, created_again = repos.join_requests.add(_ask(t.id, project.id, message="please"))
    other, _ = repos.join_requests.add(_ask(t.id, project.id, user_id="user-2"))
    # Then the second ask is the first request, unchanged, and only two requests exist
    assert (created, created_again) == (True, False)
    assert again == first and again.message == "let me in" and first.version == 1
    listed = repos.join_requests.list(t.id, project.id)
    assert [r.id for r in listed.items] == [first.id, other.id]


def test_approving_adds_the_member_in_the_same_write_and_lifts_the_pending_mark(repos):
    # Given a pending request
    t = tenant(repos)
    project = _project(repos, t.id)
    asked, _ = repos.join_requests.add(_ask(t.id, project.id))
    # When it is approved together with the project gaining the member
    decided = decide(asked, JoinState.APPROVED, by="boss", at=NOW, note="welcome")
    joined = replace(project, members=[*project.members, "user:user-1"])
    stored = repos.join_requests.decide(decided, joined)
    # Then both are stored, and the person may ask anew (a new request, not the decided one)
    assert repos.join_requests.get(t.id, project.id, asked.id) == stored
    assert (stored.state, stored.decided_by, stored.note, stored.version) == (JoinState.APPROVED, "boss", "welcome", 2)
    after = repos.projects.get(t.id, project.id)
    assert after.members == ["team:support", "user:user-1"] and after.version == project.version + 1
    fresh, created = repos.join_requests.add(_ask(t.id, project.id))
    assert created and fresh.id != asked.id


def test_a_decision_on_a_stale_request_or_project_writes_nothing(repos):
    # Given a pending request, and its project renamed after it was read
    t = tenant(repos)
    project = _project(repos, t.id)
    asked, _ = repos.join_requests.add(_ask(t.id, project.id))
    repos.projects.save(replace(project, name="Renamed"))
    decided = decide(asked, JoinState.APPROVED, by="boss", at=NOW)
    # When it is approved with the stale project, then it is a conflict and nothing changed
    with pytest.raises(Conflict):
        repos.join_requests.decide(decided, replace(project, members=["user:user-1"]))
    assert repos.join_requests.get(t.id, project.id, asked.id).pending
    assert repos.projects.get(t.id, project.id).members == ["team:support"]
    # And of two decisions made on the same read, the second is a conflict
    repos.join_requests.decide(decide(asked, JoinState.DECLINED, by="boss", at=NOW))
    with pytest.raises(Conflict):
        repos.join_requests.decide(decided)
    assert repos.join_requests.get(t.id, project.id, asked.id).state is JoinState.DECLINED


def test_requests_list_per_project_filtered_by_state_and_asker_page_by_page(repos):
    # Given three requests of one project (one declined) and one of another project
    t = tenant(repos)
    project, elsewhere = _project(repos, t.id), _project(repos, t.id, "Other")
    asks = [repos.join_requests.add(_ask(t.id, project.id, user_id=f"user-{n}"))[0] for n in range(3)]
    repos.join_requests.decide(decide(asks[1], JoinState.DECLINED, by="boss", at=NOW))
    repos.join_requests.add(_ask(t.id, elsewhere.id))
    # When they are listed two at a time, by state, by asker
    first = repos.join_requests.list(t.id, project.id, limit=2)
    second = repos.join_requests.list(t.id, project.id, limit=2, after=first.after)
    pending = repos.join_requests.list(t.id, project.id, state="pending")
    mine = repos.join_requests.list(t.id, project.id, user_id="user-2")
    # Then each read holds the project's own, in asking order
    assert [r.id for r in first.items + second.items] == [r.id for r in asks]
    assert [r.id for r in pending.items] == [asks[0].id, asks[2].id]
    assert [r.id for r in mine.items] == [asks[2].id]
    assert repos.join_requests.get(t.id, elsewhere.id, asks[0].id) is None


def test_folders_list_per_project_and_save_and_delete_on_their_version(repos):
    # Given two folders of a project (one nested) and one of another project
    t = tenant(repos)
    project, other = _project(repos, t.id), _project(repos, t.id, "Other")
    top = repos.folders.add(Folder(t.id, new_id(), project.id, "Design", NOW))
    sub = repos.folders.add(Folder(t.id, new_id(), project.id, "Drafts", NOW, parent_id=top.id))
    repos.folders.add(Folder(t.id, new_id(), other.id, "Elsewhere", NOW))
    # When the project's folders are listed, one renamed, and the stale copy saved or deleted
    listed = repos.folders.list_in_project(t.id, project.id, limit=1)
    rest = repos.folders.list_in_project(t.id, project.id, limit=1, after=listed.after)
    renamed = repos.folders.save(replace(sub, name="Sketches"))
    # Then the list holds the project's two, oldest first, and the stale copy is refused
    assert [f.id for f in listed.items + rest.items] == [top.id, sub.id]
    assert repos.folders.get(t.id, sub.id) == renamed and renamed.version == 2
    with pytest.raises(Conflict):
        repos.folders.save(replace(sub, name="stale"))
    with pytest.raises(Conflict):
        repos.folders.delete(sub)
    repos.folders.delete(renamed)
    assert repos.folders.get(t.id, sub.id) is None


def test_a_folders_items_are_listed_on_the_projects_key_in_every_order(repos):
    # Given four items of a project, two filed in one folder, one in another, and one filed item elsewhere
    t = tenant(repos)
    project, other = new_id(), new_id()
    inside = [create(repos, t, n, project_id=project, folder_id="f1").ref for n in (1, 3)]
    create(repos, t, 2, project_id=project, folder_id="f2")
    create(repos, t, 4, project_id=project)
    create(repos, t, 5, project_id=other, folder_id="f1")
    # When the folder's items are listed (newest activity first, and by creation)
    recent = repos.items.query(ItemQuery(t.id, project_id=project, folder_id="f1"))
    oldest = repos.items.query(ItemQuery(t.id, project_id=project, folder_id="f1", sort="created_at"))
    # Then exactly the folder's items of that project come back, in each order
    assert [i.ref for i in recent.items] == inside[::-1]
    assert [i.ref for i in oldest.items] == inside
    assert all(i.folder_id == "f1" for i in recent.items)
