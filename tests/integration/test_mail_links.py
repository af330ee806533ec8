"""Links in conversation mail: agents land in the workspace, customers in the tenant's portal."""

from __future__ import annotations

from integration.test_notifications import pump
from integration.world import build_world


def _mail_to(container, address: str, marker: str):
    [mail] = [m for _, m in container.deps.mailer.sent if m.to[0] == address and marker in m.text]
    return mail


def test_agents_get_the_workspace_link_and_customers_the_portal_link(api, container):
    # Given Alice's ticket followed by Alice and by Mia (an agent)
    w = build_world(container.deps)
    admin = w.token("admin")
    ref = w.ids["item_a"].ref
    api.call("PATCH", f"/v1/items/{ref}", {"followers": [w.ids["cust_a"].id, w.ids["member"].id]}, token=admin)
    pump(container)
    container.deps.mailer.sent.clear()
    base = container.deps.settings.portal_url
    workspace = f"{base}/app/#/items/{ref}"
    portal = f"{base}/portal/{w.ids['tenant'].slug}/#/items/{ref}"

    # When the admin writes a public reply, an internal note, and a note mentioning Mia
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "Public answer"}, token=admin)
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "Internal note", "visibility": "private"}, token=admin)
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "@mia look here", "visibility": "private"}, token=admin)
    pump(container)

    # Then every mail to Mia links to the workspace, never to the portal (text and HTML)
    for marker in ("Public answer", "Internal note", "look here"):
        mail = _mail_to(container, "mia@agency.example", marker)
        assert workspace in mail.text and f'href="{workspace}"' in mail.html
        assert "/portal/" not in mail.text and "/portal/" not in mail.html
    assert "mentioned you" in _mail_to(container, "mia@agency.example", "look here").html
    # And Alice's mail links to her portal, not to the workspace
    mail = _mail_to(container, "alice@customer-a.example", "Public answer")
    assert portal in mail.text and f'href="{portal}"' in mail.html
    assert "/app/" not in mail.text and "/app/" not in mail.html
