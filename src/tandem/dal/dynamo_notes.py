"""PynamoDB repo for in-app notifications, the unread counts and the tenant's change count.

A user's notifications live in one partition, `pk=T#{tid}#NOTE#{uid}`: the notifications under `sk=N#{id}` (ids
sort by time, so a Query reads newest first) and the user's state under `sk=STATE` (`n`: a sequence that moves on
every notification added or read, `unread`, `adds`: notifications ever added). The tenant's change count is one
record, `pk=T#{tid}#CHANGES`. Counts move in the same transaction as what they count. See ACCESS_PATTERNS.md.
"""

from __future__ import annotations

from dataclasses import replace

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import failed_items, one_page, tkey, transaction, ttl
from tandem.dal.table import Record
from tandem.domain.notifications import NOTE_TTL_SECONDS, READ_IDS, Changes, Notification
from tandem.domain.people import User
from tandem.services.ports import Page, Position, SessionRecords

NOTE, STATE, CHANGES = "note", "note_state", "changes"
# A transaction takes 100 items: 99 notifications and the state record.
PER_TRANSACTION = 99


def _partition(tenant_id: str, user_id: str) -> str:
    return f"{tkey(tenant_id)}#NOTE#{user_id}"


def _changes_key(tenant_id: str) -> str:
    return f"{tkey(tenant_id)}#CHANGES"


def _note(record: Record) -> Notification:
    return replace(loads(Notification, record.data), read=bool(record.read))


def _conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoNotificationRepo:
    def add(self, note: Notification) -> bool:
        pk = _partition(note.tenant_id, note.user_id)
        record = Record(pk=pk, sk=f"N#{note.id}", kind=NOTE, data=dumps(replace(note, read=False)), read=False,
                        expires_at=ttl(NOTE_TTL_SECONDS))
        state = Record(pk=pk, sk="STATE")
        try:
            with transaction() as tx:
                tx.save(record, condition=Record.pk.does_not_exist())
                tx.update(state, actions=[Record.kind.set(STATE), Record.n.add(1), Record.unread.add(1),
                                          Record.adds.add(1)])
        except TransactWriteError as exc:
            if failed_items(exc) == [0]:
                return False  # written by an earlier delivery of the same event
            raise
        return True

    def list(self, tenant_id: str, user_id: str, *, unread_only: bool = False, limit: int = 50,
             after: Position = None) -> Page[Notification]:
        unread = Record.read == False  # noqa: E712  (a PynamoDB condition, not a comparison)
        records, last = one_page(
            lambda **kw: Record.query(_partition(tenant_id, user_id), Record.sk.startswith("N#"),
                                      filter_condition=unread if unread_only else None, scan_index_forward=False,
                                      **kw),
            limit, after)
        return Page([_note(r) for r in records], last)

    def mark_read(self, tenant_id: str, user_id: str, ids: list[str]) -> int:
        pk = _partition(tenant_id, user_id)
        keys = [(pk, f"N#{i}") for i in dict.fromkeys(ids)][:READ_IDS]
        unread = [r.sk for r in Record.batch_get(keys) if r.kind == NOTE and not r.read] if keys else []
        self._read(pk, unread)
        return self._unread(pk)

    def mark_all_read(self, tenant_id: str, user_id: str) -> int:
        pk = _partition(tenant_id, user_id)
        state = self._state(pk)
        # Consistent reads: every notification added before `state` was read is found here.
        found = Record.query(pk, Record.sk.startswith("N#"), filter_condition=Record.read == False,  # noqa: E712
                             consistent_read=True, attributes_to_get=["pk", "sk"])
        self._read(pk, [r.sk for r in found])
        if state is not None:
            self._settle(pk, int(state.adds or 0))
        return self._unread(pk)

    def _read(self, pk: str, sks: list[str]) -> None:
        """Each notification turns read once, and the unread count drops by exactly the ones that did."""
        for start in range(0, len(sks), PER_TRANSACTION):
            chunk = sks[start:start + PER_TRANSACTION]
            try:
                self._read_together(pk, chunk)
            except TransactWriteError as exc:
                if not failed_items(exc):
                    raise
                for sk in chunk:  # another tab read some of them meanwhile: one at a time
                    try:
                        self._read_together(pk, [sk])
                    except TransactWriteError as one:
                        if not failed_items(one):
                            raise

    @staticmethod
    def _read_together(pk: str, sks: list[str]) -> None:
        with transaction() as tx:
            for sk in sks:
                # The condition also keeps an expired (deleted) notification from being written back.
                tx.update(Record(pk=pk, sk=sk), actions=[Record.read.set(True)],
                          condition=Record.read == False)  # noqa: E712
            tx.update(Record(pk=pk, sk="STATE"), actions=[Record.n.add(1), Record.unread.add(-len(sks))])

    @staticmethod
    def _settle(pk: str, adds: int) -> None:
        """After everything was read, the count is 0 unless a notification came meanwhile (`adds` moved): this also
        drops what notifications that expired unread (TTL) left in the count."""
        try:
            Record(pk=pk, sk="STATE").update(actions=[Record.unread.set(0), Record.n.add(1)],
                                             condition=(Record.adds == adds) & (Record.unread > 0))
        except UpdateError as exc:
            if not _conditional_failure(exc):
                raise

    @staticmethod
    def _state(pk: str) -> Record | None:
        try:
            return Record.get(pk, "STATE", consistent_read=True)
        except DoesNotExist:
            return None

    def _unread(self, pk: str) -> int:
        state = self._state(pk)
        return max(int(state.unread or 0), 0) if state is not None else 0

    def touch(self, tenant_id: str) -> None:
        Record(pk=_changes_key(tenant_id), sk="CHANGES").update(actions=[Record.kind.set(CHANGES), Record.n.add(1)])

    def changes(self, tenant_id: str, user_id: str) -> Changes:
        """One BatchGetItem (eventually consistent: a stamp a moment old only delays a refetch by one poll)."""
        return self._batch(tenant_id, user_id)[0]

    def changes_and_session(self, tenant_id: str, user_id: str, token_id: str) -> tuple[Changes, SessionRecords]:
        """The same BatchGetItem with the user record and the token's revocation record (the keys of
        dal/dynamo.py's users and dal/dynamo_mail.py's revocations: the contract suite checks they agree)."""
        user_key = (tkey(tenant_id), f"USER#{user_id}")
        revoked_key = (f"{tkey(tenant_id)}#REVOKED#{token_id}", "REVOKED")
        changes, found = self._batch(tenant_id, user_id, user_key, revoked_key)
        user = found.get(user_key)
        return changes, SessionRecords(loads(User, user.data) if user is not None and user.kind == "user" else None,
                                       revoked=revoked_key in found)

    @staticmethod
    def _batch(tenant_id: str, user_id: str, *more: tuple[str, str]) -> tuple[Changes, dict[tuple[str, str], Record]]:
        tenant, user = (_changes_key(tenant_id), "CHANGES"), (_partition(tenant_id, user_id), "STATE")
        found = {(r.pk, r.sk): r for r in Record.batch_get([tenant, user, *more])}
        t, u = found.get(tenant), found.get(user)
        changes = Changes(tenant=int(t.n or 0) if t else 0, user=int(u.n or 0) if u else 0,
                          unread=max(int(u.unread or 0), 0) if u else 0)
        return changes, found
