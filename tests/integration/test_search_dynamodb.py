"""Search on moto through the API: the table's stream feeds the index (on_table_change's batch handler), the
API answers from it. Redelivering every batch leaves the same answers."""

from __future__ import annotations

import copy

from integration.test_stream_dynamodb import drain, stack  # noqa: F401  (the moto stack fixture)
from integration.world import build_world


def found(api, token: str, q: str, path: str = "/v1/search") -> list[str]:
    resp = api.call("GET", f"{path}?q={q}", token=token)
    assert resp.status_code == 200, resp.data
    return [h.get("ref") or h.get("email") or h["id"] for h in resp.data["items"]]


def test_items_are_found_by_message_words_requester_email_prefixes_and_unaccented_words(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    admin, alice = w.token("admin"), w.token("customer_a")
    customer = api.call("POST", "/v1/customers", {"email": "helene.dupont@client.example", "name": "Hélène Dupont"},
                        token=admin).data
    body = {"type_id": w.ids["ticket_type"].id, "title": "Imprimante en panne",
            "description": "Le bureau de la Società Generale", "requester": customer["id"]}
    ref = api.call("POST", "/v1/items", body, token=admin).data["ref"]
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "The toner cartridge leaks", "visibility": "public"},
             token=admin)
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "Escalate quietly", "visibility": "private"}, token=admin)
    batches = drain(c, reader)

    assert found(api, admin, "toner") == [ref]  # a word only in a message
    assert found(api, admin, "helene.dupont@client.example") == [customer["id"], ref]  # the requester's email
    assert found(api, admin, "impri") == [ref]  # a prefix
    assert found(api, admin, "SOCIETA helene") == [ref]  # accents typed without them (the customer has no "societa")
    assert found(api, admin, "toner panne", "/v1/items") == [ref]  # words from a message and the title
    assert found(api, admin, "dupont", "/v1/customers") == ["helene.dupont@client.example"]
    assert found(api, admin, "escalate") == [ref]
    assert found(api, alice, "escalate") == []  # not her item, and a private note anyway

    for batch in batches:  # the Lambda service delivers every batch again
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    assert found(api, admin, "toner") == [ref] and found(api, admin, "impri") == [ref]


def test_an_edit_and_a_conversion_keep_the_index_in_step(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    admin = w.token("admin")
    ref = w.ids["item_a"].ref
    api.call("PATCH", f"/v1/items/{ref}", {"title": "Broken scanner"}, token=admin)
    task = api.call("POST", f"/v1/items/{ref}/convert", {"to": "task"}, token=admin).data["ref"]
    drain(c, reader)
    assert found(api, admin, "scanner") == [task]
    assert found(api, admin, task) == [task] and found(api, admin, ref) == [task]
    assert found(api, admin, "difficult") == [task]  # the private note's posting still names the old reference
    assert found(api, w.token("customer_a"), "public reply") == [task]
    assert found(api, admin, "ticket", "/v1/items") == [w.ids["item_b"].ref]  # the old title's word is gone


def test_articles_are_indexed_from_the_stream_and_counts_leave_the_index_alone(stack):  # noqa: F811
    # Given an article published for all customers and a draft, written through the API on moto
    c, api, reader = stack
    w = build_world(c.deps)
    admin, alice = w.token("admin"), w.token("customer_a")
    shared = api.call("POST", "/v1/kb/articles", {"title": "Réinitialiser le mot de passe", "state": "published",
                                                  "visibility": "customers", "body_markdown": "Use **Forgot**"},
                      token=admin).data
    draft = api.call("POST", "/v1/kb/articles", {"title": "Password policy (draft)"}, token=admin).data
    batches = drain(c, reader)
    # When staff and a customer search, and a visitor answers "was this helpful" (a write beside the article)
    assert found(api, admin, "reinit") == [shared["id"]]  # accents folded, a prefix, kind article
    assert sorted(found(api, admin, "pass")) == sorted([shared["id"], draft["id"]])
    kb = api.call("GET", "/v1/public/agency/kb?q=forgot", token=alice).data["items"]
    assert [a["id"] for a in kb] == [shared["id"]]
    assert api.call("GET", "/v1/public/agency/kb?q=forgot").data["items"] == []  # visitors: not for them
    url = f"/v1/public/agency/kb/{shared['id']}/feedback"
    assert [api.call("POST", url, {"helpful": True}, token=alice).status_code for _ in range(2)] == [204, 204]
    counted = drain(c, reader)
    # Then the index is as before (the count was no article change), the answer counted once, and redelivering
    # every batch changes nothing
    for batch in batches + counted:
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    assert found(api, admin, "reinit") == [shared["id"]]
    assert api.call("GET", f"/v1/kb/articles/{shared['id']}", token=admin).data["helpful"] == {"yes": 1, "no": 0}
    # And a deleted article leaves the index
    api.call("DELETE", f"/v1/kb/articles/{draft['id']}", token=admin)
    drain(c, reader)
    assert found(api, admin, "pass") == [shared["id"]]
