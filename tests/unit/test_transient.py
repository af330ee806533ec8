"""Telling "try again later" from "this will never work": the guard around the AWS adapters."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import PutError, TransactWriteError

from tandem.aws.transient import TransientGuard, is_transient
from tandem.domain.errors import Conflict
from tandem.services.ports import DuplicateRequest, TransientError


def _client_error(code: str, status: int = 400, reasons: list[dict] | None = None) -> ClientError:
    response = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    if reasons is not None:
        response["CancellationReasons"] = reasons
    return ClientError(response, "TransactWriteItems")


@pytest.mark.parametrize(
    "error",
    [
        _client_error("ThrottlingException"),
        _client_error("ProvisionedThroughputExceededException"),
        _client_error("SlowDown", 503),
        _client_error("Anything", 500),
        _client_error("TooManyRequests", 429),
        _client_error("TransactionCanceledException", 400, [{"Code": "None"}, {"Code": "TransactionConflict"}]),
        PutError("Failed to put item", _client_error("RequestLimitExceeded")),
        EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://s3.amazonaws.com"),
    ],
)
def test_throttling_5xx_timeouts_and_conflicts_are_transient(error):
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        _client_error("ConditionalCheckFailedException"),
        _client_error("ValidationException"),
        _client_error("NoSuchKey", 404),
        _client_error("TransactionCanceledException", 400, [{"Code": "ConditionalCheckFailed"}]),
        TransactWriteError("Failed to write transaction items", _client_error("ValidationException")),
        ValueError("Item size has exceeded the maximum allowed size"),
        Conflict("item changed meanwhile"),
        DuplicateRequest("T-1", "mail"),
    ],
)
def test_errors_that_would_fail_again_are_not_transient(error):
    assert not is_transient(error)


def test_an_error_raised_while_handling_a_throttle_counts_as_transient():
    try:
        try:
            raise _client_error("ThrottlingException")
        except ClientError as exc:
            raise PutError("Failed to put item") from exc
    except PutError as wrapped:
        assert is_transient(wrapped)


class _Store:
    def __init__(self, error: Exception) -> None:
        self.error, self.calls = error, 0

    def get(self, key: str) -> bytes:
        self.calls += 1
        raise self.error


def test_the_guard_raises_transient_errors_as_the_ports_type_and_passes_others_through():
    throttled = TransientGuard(_Store(_client_error("ThrottlingException")))
    with pytest.raises(TransientError) as caught:
        throttled.get("inbound/x")
    assert isinstance(caught.value.__cause__, ClientError)
    missing = TransientGuard(_Store(_client_error("NoSuchKey", 404)))
    with pytest.raises(ClientError):
        missing.get("inbound/x")
    assert missing.get.__name__ == "get" and missing._inner.calls == 1
