"""The served OpenAPI document is valid 3.1 and describes every registered route."""

from __future__ import annotations

from openapi_spec_validator import validate

from integration.test_permission_matrix import registered_routes


def test_openapi_is_valid_and_complete(api):
    resp = api.call("GET", "/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.data
    assert doc["openapi"].startswith("3.1")
    validate(doc)
    documented = {(m.upper(), path) for path, ops in doc["paths"].items() for m in ops}
    missing = registered_routes() - documented
    assert not missing, f"routes missing from openapi.json: {sorted(missing)}"
    assert documented <= registered_routes(), "openapi.json documents routes that do not exist"
