"""The standard-library HS256 signer against joserfc: each accepts the other's tokens and refuses the same bad ones."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from tandem.security.tokens import JwtTokenSigner

SECRET = "s" * 40


def joserfc_verify(token: str) -> dict | None:
    key = OctKey.import_key(SECRET)
    try:
        decoded = jwt.decode(token, key, algorithms=["HS256"])
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": "tandem"}, exp={"essential": True}).validate(
            decoded.claims)
    except (JoseError, ValueError, TypeError):
        return None
    return dict(decoded.claims)


def joserfc_token(claims: dict, alg: str = "HS256", secret: str = SECRET) -> str:
    registry = jwt.JWSRegistry(algorithms=[alg])
    return jwt.encode({"alg": alg}, claims, OctKey.import_key(secret), registry=registry)


def test_given_our_token_when_joserfc_verifies_then_it_reads_the_same_claims():
    token = JwtTokenSigner(SECRET).issue({"sub": "u1", "tenant": "t1", "é": "ü"}, 60)
    assert joserfc_verify(token) == JwtTokenSigner(SECRET).verify(token)
    assert JwtTokenSigner(SECRET).verify(token)["tenant"] == "t1"


def test_given_a_joserfc_token_when_we_verify_then_we_read_its_claims():
    now = int(time.time())
    claims = {"sub": "u1", "iss": "tandem", "iat": now, "exp": now + 60}
    assert JwtTokenSigner(SECRET).verify(joserfc_token(claims)) == claims


@pytest.mark.parametrize("claims", [
    {"sub": "u1", "iss": "tandem", "exp": -5},  # expired
    {"sub": "u1", "iss": "tandem", "exp": "soon"},  # exp not a number
    {"sub": "u1", "iss": "tandem", "exp": True},
    {"sub": "u1", "iss": "other", "exp": 10**10},  # another issuer
    {"sub": "u1", "exp": 10**10},  # no issuer
    {"sub": "u1", "iss": "tandem"},  # no expiry
    {"sub": 5, "iss": "tandem", "exp": 10**10},  # sub not a string
    {"sub": "u1", "iss": "tandem", "exp": 10**10, "nbf": 10**10},  # not yet valid
    {"sub": "u1", "iss": "tandem", "exp": 10**10, "iat": 10**10},  # issued in the future
    {"sub": "u1", "iss": "tandem", "exp": 10**10, "aud": [1]},
    {"sub": "u1", "iss": "tandem", "exp": 10**10, "aud": "x", "jti": "j", "nbf": 1, "iat": 1},  # valid
])
def test_given_claims_when_both_verify_then_they_agree(claims):
    token = joserfc_token(claims)
    assert JwtTokenSigner(SECRET).verify(token) == joserfc_verify(token)


@pytest.mark.parametrize("mangle", [
    lambda t: joserfc_token({"iss": "tandem", "exp": 10**10}, secret="x" * 40),  # other secret
    lambda t: joserfc_token({"iss": "tandem", "exp": 10**10}, alg="HS384"),  # other algorithm
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
    lambda t: t + "=",  # padding
    lambda t: t.replace(".", "..", 1),
    lambda t: "e30." + t.split(".", 1)[1],  # header without alg
    lambda t: t.split(".")[0] + ".bm90IGpzb24." + t.split(".")[2],  # payload not JSON
    lambda t: "x" * 9000,
])
def test_given_a_bad_token_when_both_verify_then_both_refuse(mangle):
    token = mangle(JwtTokenSigner(SECRET).issue({"sub": "u1"}, 60))
    assert JwtTokenSigner(SECRET).verify(token) is None
    assert joserfc_verify(token) is None
