"""The Microsoft Project import on DynamoDB (moto) through the API: the claims that mark imported tasks are real
conditional writes in the create transactions, so a second import and a re-run after a crash create nothing twice
there too."""

from __future__ import annotations

import pytest

from integration.test_msproject_api import _check_the_plan, _project_tasks
from integration.test_msproject_import import SAMPLE, plan_world
from integration.test_stream_dynamodb import stack  # noqa: F401  (the moto stack fixture)
from tandem.domain.permissions import Principal
from tandem.services.import_msproject import import_plan


def test_the_plan_imports_whole_on_dynamodb_and_a_rerun_after_a_crash_completes_it(stack, monkeypatch):  # noqa: F811
    c, api, _ = stack
    w = plan_world(c.deps)
    token, project_id = w.token("admin"), w.ids["incoming_a"].id
    body = {"project_id": project_id, "xml": SAMPLE.decode()}
    # Given an import that dies at its ninth create (eight tasks made, their claims with them)
    real_create, calls = c.deps.repos.items.create, []

    def crashing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 9:
            raise RuntimeError("Lambda timed out")
        return real_create(*args, **kwargs)

    monkeypatch.setattr(c.deps.repos.items, "create", crashing)
    admin = w.ids["admin"]
    with pytest.raises(RuntimeError):
        import_plan(c.deps, Principal(admin.tenant_id, admin.id, admin.role), project_id, SAMPLE)
    monkeypatch.setattr(c.deps.repos.items, "create", real_create)
    # When the plan is posted through the API, then posted again
    first = api.call("POST", "/v1/imports/msproject", body, token=token)
    again = api.call("POST", "/v1/imports/msproject", body, token=token)
    # Then the first completes the rest, the second creates nothing, and the API shows the whole plan
    assert (first.status_code, first.data["created"], first.data["skipped"], first.data["errors"]) == (200, 6, 8, [])
    assert (again.data["created"], again.data["skipped"]) == (0, 14)
    assert len(_project_tasks(api, token, project_id)) == 14
    _check_the_plan(api, token, project_id, first.data, w)
