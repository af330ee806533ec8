"""The one DynamoDB table, as a PynamoDB model: keys, indexes, TTL and the stream.

Every record is a `Record` with a `kind` discriminator; the domain object rides in `data` (JSON) and
the attributes keys and filters need are copied beside it. See ACCESS_PATTERNS.md for each key.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

INDEXES = ("gsi1", "gsi2", "gsi3", "gsi4")
# Item list orders and queues (issue 12): see ACCESS_PATTERNS.md, "Item lists: orders and queues".
ITEM_INDEXES = ("created", "priority", "due", "open", "unassigned")


def _index(name: str, hash_attr: str, range_attr: str) -> GlobalSecondaryIndex:
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    attrs = {"Meta": meta, hash_attr: UnicodeAttribute(hash_key=True), range_attr: UnicodeAttribute(range_key=True)}
    return type(f"{name.title()}Index", (GlobalSecondaryIndex,), attrs)()


class Record(Model):
    class Meta:
        table_name = "tandem"
        region = "us-east-1"
        host: str | None = None
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    data = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    # Index keys (sparse: only records listed through an index carry them)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    due_bucket = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    # Copied fields that list queries filter on
    item_kind = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    type_id = UnicodeAttribute(null=True)
    visibility = UnicodeAttribute(null=True)
    assignees = ListAttribute(null=True)
    category = UnicodeAttribute(null=True)  # the status category
    portfolio = UnicodeAttribute(null=True)  # a timesheet's portfolio (GET /v1/timesheets?portfolio_id=)
    folder_id = UnicodeAttribute(null=True)  # an item's sub-folder (GET /v1/items?folder_id=, issue 15)
    # An item's last activity: a message moves it (and the activity sort keys) without rewriting `data`
    updated_at = UnicodeAttribute(null=True)
    # Range keys of the item orders (hash: gsi1pk) and hash keys of the sparse queues (range: gsi1sk)
    created_sk = UnicodeAttribute(null=True)
    priority_sk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    open_pk = UnicodeAttribute(null=True)
    unassigned_pk = UnicodeAttribute(null=True)
    # Small scalars of bookkeeping records (claims, counters, aliases, thread ids)
    owner = UnicodeAttribute(null=True)
    target = UnicodeAttribute(null=True)
    n = NumberAttribute(null=True)
    # A rule's run outcome: written by the rules engine beside the definition, without a new version
    last_error = UnicodeAttribute(null=True)
    failing_since = UnicodeAttribute(null=True)
    # An API key's last use: written beside the key at most once a minute per instance, without a new version
    last_used_at = UnicodeAttribute(null=True)
    # In-app notifications: whether one was read, and a user's unread count and notifications ever added
    read = BooleanAttribute(null=True)
    unread = NumberAttribute(null=True)
    adds = NumberAttribute(null=True)
    # A knowledge base article's "was this helpful" answers: ADDed beside the article, without a new version
    helpful_yes = NumberAttribute(null=True)
    helpful_no = NumberAttribute(null=True)

    gsi1 = _index("gsi1", "gsi1pk", "gsi1sk")
    gsi2 = _index("gsi2", "gsi2pk", "gsi2sk")
    gsi3 = _index("gsi3", "gsi3pk", "gsi3sk")
    gsi4 = _index("gsi4", "gsi4pk", "gsi4sk")
    timers = _index("timers", "due_bucket", "due_at")
    created = _index("created", "gsi1pk", "created_sk")
    priority = _index("priority", "gsi1pk", "priority_sk")
    due = _index("due", "gsi1pk", "due_sk")
    open = _index("open", "open_pk", "gsi1sk")
    unassigned = _index("unassigned", "unassigned_pk", "gsi1sk")

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """PynamoDB's connection, on the process's one botocore session (tandem.aws.clients): PynamoDB would
        open a session of its own, and loading DynamoDB's model a second time costs a cold start ~75 ms."""
        made = cls._connection is None or cls._connection.table_name != cls.Meta.table_name
        conn = super()._get_connection()
        if made:
            from tandem.aws.clients import CREATING, session

            with CREATING:  # botocore makes clients of one session safely one at a time
                conn.connection._local.session = session()
                conn.connection.client  # noqa: B018  # made now, under the lock
        return conn


def configure(table_name: str, host: str | None = None, region: str = "us-east-1") -> None:
    """Point the model at a table (PynamoDB reads Meta lazily per connection, so reset the cached one)."""
    from tandem.aws.clients import forget

    forget()  # the next connection takes a fresh session: this table's stack may take other credentials
    Record.Meta.table_name = table_name
    Record.Meta.host = host
    Record.Meta.region = region
    Record._connection = None
    for name in (*INDEXES, "timers", *ITEM_INDEXES):
        getattr(Record, name)._connection = None


def create_table(wait: bool = True) -> None:
    """Create the table from the model (tests and the local stack), with its stream and TTL."""
    if not Record.exists():
        Record.create_table(wait=wait, billing_mode="PAY_PER_REQUEST")
    conn: Any = Record._get_connection().connection
    try:
        conn.client.update_time_to_live(TableName=Record.Meta.table_name,
                                        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    except Exception:  # already enabled
        pass
