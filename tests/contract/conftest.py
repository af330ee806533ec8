"""One contract suite, two backends: the in-memory fakes and the PynamoDB repos on moto (in-process)."""

from __future__ import annotations

import itertools

import pytest

_tables = itertools.count()


@pytest.fixture(params=["memory", "dynamodb"])
def repos(request):
    if request.param == "memory":
        from tandem.dal.memory import memory_repos

        yield memory_repos()
        return
    from moto import mock_aws

    from tandem.local import moto_speedups

    moto_speedups.install()  # the rollback of failed transactions is part of what this suite checks
    with mock_aws():
        from tandem.dal import table
        from tandem.dal.dynamo import dynamo_repos

        table.configure(f"contract-{next(_tables)}", host=None, region="us-east-1")
        table.create_table()
        yield dynamo_repos()
