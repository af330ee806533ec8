from __future__ import annotations


def test_signup_create_and_read_an_item(api):
    r = api.call(
        "POST",
        "/v1/signup",
        {
            "organization": "Acme",
            "slug": "acme",
            "email": "boss@acme.example",
            "name": "Boss",
            "password": "correct horse battery",
        },
    )
    assert r.status_code == 201, r.data
    token = r.data["token"]
    types = api.call("GET", "/v1/item-types", token=token).data["items"]
    support = next(t for t in types if t["kind"] == "ticket")
    r = api.call("POST", "/v1/items", {"type_id": support["id"], "title": "Printer on fire"}, token=token)
    assert r.status_code == 201, r.data
    assert r.data["ref"] == "T-1"
    r = api.call("GET", "/v1/items/T-1", token=token)
    assert r.status_code == 200 and r.data["title"] == "Printer on fire"
