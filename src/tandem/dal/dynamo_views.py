"""PynamoDB repo for saved views: one record per view under its tenant, pk=`T#{tid}` sk=`VIEW#{id}`.

Reading one is a GetItem; listing is a Query on the tenant's partition with `begins_with(sk, "VIEW#")`, and who
may see each view (owner, tenant, team) is decided by the permission function on the page read.
"""
from __future__ import annotations

from tandem.dal.dynamo_base import DynamoEntityRepo
from tandem.domain.views import SavedView


class DynamoViewRepo(DynamoEntityRepo[SavedView]):
    def __init__(self) -> None:
        super().__init__("view", SavedView, "VIEW")
