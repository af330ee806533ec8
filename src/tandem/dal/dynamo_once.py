"""Side effects exactly once on DynamoDB, with aws-lambda-powertools' idempotency utility.

Each side effect is one item of our table, `pk=T#{tid}#EFFECT#{key}` `sk=EFFECT`, in powertools' format:
`status` IN_PROGRESS (with `in_progress_expiration`, ms: the writing invocation's deadline) or COMPLETED,
`expires_at` (the table's TTL). Powertools' conditional put takes a key that is new, expired, or IN_PROGRESS
past its deadline, so an attempt that timed out is retried and a completed one never repeats.

Keys are per tenant rather than powertools' single static partition: side effects of every tenant would
otherwise share one partition (a hot key and a noisy neighbour). See ACCESS_PATTERNS.md.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

from tandem.dal.dynamo_base import tkey
from tandem.services.ports import SideEffectInProgress

TTL_SECONDS = 7 * 24 * 3600  # completed records outlive any redelivery (the stream keeps records 24 h)
KEY_LIMIT = 512  # longer keys are hashed: a partition key may not exceed 2 KB
WRITE_ATTEMPTS = 5  # COMPLETED/delete writes are retried here: a lost COMPLETED would let the effect repeat


def record_key(tenant_id: str, key: str) -> str:
    """The partition key of a side effect's record."""
    if len(key) > KEY_LIMIT:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return f"{tkey(tenant_id)}#EFFECT#{key}"


def _persistence_layer(client: Any, table_name: str) -> Any:
    """Powertools' DynamoDB layer, keyed per tenant on our table (built lazily: it imports boto3)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    class TenantKeyedLayer(DynamoDBPersistenceLayer):
        # Powertools hashes the payload into `{function}#{md5}` under one static partition; ours names the
        # tenant and the effect instead, so records spread over partitions and read plainly in the console.
        def _get_hashed_idempotency_key(self, data: dict[str, Any]) -> str:
            return record_key(data["tenant"], data["key"])

        def _get_key(self, idempotency_key: str) -> dict:
            return {"pk": {"S": idempotency_key}, "sk": {"S": "EFFECT"}}

        def _update_record(self, data_record: Any) -> None:
            _with_retries(lambda: super(TenantKeyedLayer, self)._update_record(data_record))

        def _delete_record(self, data_record: Any) -> None:
            _with_retries(lambda: super(TenantKeyedLayer, self)._delete_record(data_record))

    return TenantKeyedLayer(
        table_name=table_name,
        key_attr="pk",
        sort_key_attr="sk",
        expiry_attr="expires_at",
        boto3_client=client,
    )


def _with_retries(write: Callable[[], None]) -> None:
    """A few quick attempts: after the effect happened, failing to record COMPLETED is what makes it repeat."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            write()
            return
        except Exception:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2**attempt)


class DynamoOnce:
    """The `Once` port on powertools' idempotency utility (records in our table, per tenant)."""

    def __init__(
        self,
        client: Callable[[], Any],
        table_name: Callable[[], str],
        remaining_ms: Callable[[], int] | None = None,
        *,
        ttl_seconds: int = TTL_SECONDS,
        observe: Callable[[str], None] | None = None,
    ) -> None:
        from tandem.runtime.invocation import remaining_ms as bound_remaining_ms

        self._client, self._table_name = client, table_name
        self._remaining_ms = remaining_ms or bound_remaining_ms
        self._ttl = ttl_seconds
        self._observe = observe or (lambda outcome: None)
        self._attempt: Callable[..., bool] | None = None
        self._lock = threading.Lock()

    def _build(self) -> Callable[..., bool]:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

        remaining = self._remaining_ms

        class Deadline:  # what powertools asks for the in-progress expiry
            @staticmethod
            def get_remaining_time_in_millis() -> int:
                return remaining()

        config = IdempotencyConfig(
            expires_after_seconds=self._ttl,
            # A stored response means "done before": answer it, marked, without running anything.
            # (Records written before values were kept hold a bare `true`.)
            response_hook=lambda response, record: {
                **(response if isinstance(response, dict) else {}),
                "replayed": True,
            },
        )
        config.register_lambda_context(Deadline())
        layer = _persistence_layer(self._client(), self._table_name())

        @idempotent_function(data_keyword_argument="effect", persistence_store=layer, config=config)
        def attempt(*, effect: dict[str, str], fn: Callable[[], Any]) -> dict[str, Any]:
            return {"value": fn()}  # stored with the COMPLETED record (JSON), for `remember`

        return attempt

    def run(self, tenant_id: str, key: str, fn: Callable[[], object]) -> bool:
        def effect() -> None:  # `run` keeps nothing of what fn returns (it need not be JSON)
            fn()

        return not self._once(tenant_id, key, effect)["replayed"]

    def remember(self, tenant_id: str, key: str, fn: Callable[[], Any]) -> Any:
        return self._once(tenant_id, key, fn)["value"]

    def _once(self, tenant_id: str, key: str, fn: Callable[[], Any]) -> dict[str, Any]:
        from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

        with self._lock:
            if self._attempt is None:
                self._attempt = self._build()
        try:
            out = self._attempt(effect={"tenant": tenant_id, "key": key}, fn=fn)
        except IdempotencyAlreadyInProgressError as exc:
            self._observe("deferred")
            raise SideEffectInProgress(key) from exc
        except Exception:
            self._observe("failed")
            raise
        replayed = bool(out.get("replayed"))
        self._observe("skipped" if replayed else "completed")
        return {"value": out.get("value"), "replayed": replayed}
