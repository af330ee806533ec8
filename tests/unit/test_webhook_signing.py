"""Standard Webhooks signatures: the spec's published vector, a stock receiver library, rotation and verify()."""

from __future__ import annotations

import base64
import time

import pytest

from tandem.domain.webhooks import (
    USER_AGENT,
    delivery_headers,
    new_secret,
    sign,
    signature_header,
    verify,
)

# The vector the Standard Webhooks reference libraries test their `sign` against (checked against the spec
# repository's libraries/python/tests/test_webhooks.py::test_sign_function).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_sign_reproduces_the_spec_test_vector() -> None:
    # Given the published secret, id, timestamp and payload / When signed / Then the published signature exactly
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_sign_accepts_the_secret_without_its_prefix_like_the_reference_libraries() -> None:
    assert sign(VECTOR_SECRET.removeprefix("whsec_"), VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_sign_rejects_a_secret_that_is_not_base64() -> None:
    with pytest.raises(ValueError):
        sign("whsec_not base64!!", VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)


def test_new_secret_is_prefixed_base64_of_24_random_bytes() -> None:
    # Given two fresh secrets / Then each decodes to 24 bytes and they differ
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and second.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 24
    assert first != second


def test_delivery_headers_verify_with_the_standardwebhooks_library() -> None:
    # Given a delivery signed now with a fresh secret
    standardwebhooks = pytest.importorskip("standardwebhooks")
    secret, body = new_secret(), b'{"id": "evt_1", "type": "item.created", "data": {"ref": "T-1"}}'
    headers = delivery_headers([secret], "msg_1", int(time.time()), body)
    # When the stock receiver library verifies it / Then it accepts and returns the payload
    assert standardwebhooks.Webhook(secret).verify(body, headers)["data"] == {"ref": "T-1"}


def test_delivery_headers_carry_id_timestamp_signature_type_and_agent() -> None:
    headers = delivery_headers([VECTOR_SECRET], VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    assert headers == {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def test_rotation_sends_two_signatures_and_a_receiver_with_either_secret_verifies() -> None:
    # Given an old and a new secret during rotation
    old, new = VECTOR_SECRET, new_secret()
    header = signature_header([old, new], VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    # Then the header holds both signatures, space separated
    assert header.split(" ") == [
        VECTOR_SIGNATURE,
        sign(new, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY),
    ]
    headers = {"webhook-id": VECTOR_ID, "webhook-timestamp": str(VECTOR_TIMESTAMP), "webhook-signature": header}
    # And a receiver holding only one of them still verifies, a stranger does not
    assert verify(old, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)
    assert verify(new, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)
    assert not verify(new_secret(), headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)


def test_rotation_signatures_verify_with_the_standardwebhooks_library() -> None:
    standardwebhooks = pytest.importorskip("standardwebhooks")
    old, new = new_secret(), new_secret()
    body = b'{"ok": true}'
    headers = delivery_headers([old, new], "msg_rot", int(time.time()), body)
    assert standardwebhooks.Webhook(old).verify(body, headers) == {"ok": True}
    assert standardwebhooks.Webhook(new).verify(body, headers) == {"ok": True}


def _vector_headers(**overrides: str) -> dict[str, str]:
    headers = {
        "Webhook-Id": VECTOR_ID,
        "Webhook-Timestamp": str(VECTOR_TIMESTAMP),
        "Webhook-Signature": VECTOR_SIGNATURE,
    }
    headers.update(overrides)
    return headers


def test_verify_accepts_the_vector_within_tolerance_whatever_the_header_case() -> None:
    assert verify(VECTOR_SECRET, _vector_headers(), VECTOR_BODY, now=VECTOR_TIMESTAMP + 299)
    assert verify(VECTOR_SECRET, _vector_headers(), VECTOR_BODY, now=VECTOR_TIMESTAMP - 299)


@pytest.mark.parametrize("skew", [301, -301, 86400])
def test_verify_rejects_a_timestamp_outside_the_tolerance(skew: int) -> None:
    # Given a correctly signed message / When checked too long after (or before) it was signed / Then refused
    assert not verify(VECTOR_SECRET, _vector_headers(), VECTOR_BODY, now=VECTOR_TIMESTAMP + skew)


def test_verify_rejects_a_tampered_body() -> None:
    assert not verify(VECTOR_SECRET, _vector_headers(), b'{"test": 2432232315}', now=VECTOR_TIMESTAMP)


def test_verify_rejects_a_tampered_id_or_timestamp() -> None:
    # The id and timestamp are signed too: changing either (even with a fresh `now`) breaks the signature
    assert not verify(VECTOR_SECRET, _vector_headers(**{"Webhook-Id": "msg_other"}), VECTOR_BODY, VECTOR_TIMESTAMP)
    moved = str(VECTOR_TIMESTAMP + 10)
    assert not verify(VECTOR_SECRET, _vector_headers(**{"Webhook-Timestamp": moved}), VECTOR_BODY, VECTOR_TIMESTAMP)


def test_verify_rejects_a_wrong_secret_and_other_signature_versions() -> None:
    assert not verify(new_secret(), _vector_headers(), VECTOR_BODY, now=VECTOR_TIMESTAMP)
    v2 = VECTOR_SIGNATURE.replace("v1,", "v2,")
    assert not verify(VECTOR_SECRET, _vector_headers(**{"Webhook-Signature": v2}), VECTOR_BODY, VECTOR_TIMESTAMP)


@pytest.mark.parametrize("missing", ["Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"])
def test_verify_rejects_a_message_missing_a_header(missing: str) -> None:
    headers = _vector_headers()
    del headers[missing]
    assert not verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)


def test_verify_rejects_a_non_numeric_timestamp() -> None:
    headers = _vector_headers(**{"Webhook-Timestamp": "1614265330.0"})
    assert not verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)
