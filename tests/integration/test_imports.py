"""CSV imports through the HTTP API on the agency world: the acceptance run (1,000 rows, 20 bad), organisations from
email domains, users, and re-runs that create nothing twice."""

from __future__ import annotations

import csv
import io

from integration.world import build_world
from tandem.dal.memory import drain_events
from tandem.domain.events import ItemCreated
from tandem.services.notify import react

ITEM_MAPPING = {"Subject": "title", "Body": "description", "Requester e-mail": "requester", "Priority": "priority",
                "Due": "due_date", "Type": "type", "Assignee": "assignees", "Project": "project", "Tags": "tags"}
# Row number → (column, words of the reason) for the 20 bad rows of the generated file.
BAD = {
    7: ("Subject", "required"), 58: ("Subject", "required"), 301: ("Subject", "required"), 999: ("Subject", "required"),
    12: ("Priority", "priority must be one of"), 420: ("Priority", "priority must be one of"),
    777: ("Priority", "priority must be one of"),
    33: ("Requester e-mail", "valid email"), 505: ("Requester e-mail", "valid email"),
    864: ("Requester e-mail", "valid email"),
    91: ("Due", "must be a date"), 612: ("Due", "must be a date"), 950: ("Due", "must be a date"),
    140: ("Type", "no item type"), 333: ("Type", "no item type"), 808: ("Type", "no item type"),
    250: ("Subject", "length <= 500"), 700: ("Subject", "length <= 500"),
    444: ("Assignee", "no staff user"), 888: ("Project", "no project"),
}


def _good_row(n: int) -> dict[str, str]:
    requesters = ["alice@customer-a.example", f"buyer{n % 7}@newshop.example", f"fan{n % 3}@gmail.com"]
    return {"Subject": f"Imported ticket {n}", "Body": f"Line one of {n},\nline two", "Requester e-mail":
            requesters[n % 3], "Priority": ["Low", "normal", "HIGH", "urgent", "medium"][n % 5],
            "Due": f"2026-04-{n % 28 + 1:02d}" if n % 4 else "", "Type": "Support request" if n % 2 else "",
            "Assignee": "mia@agency.example" if n % 10 == 0 else "", "Project": "Incoming tickets (A)" if n % 6 == 0
            else "", "Tags": "imported, legacy" if n % 5 == 0 else ""}


def _bad_row(n: int, column: str) -> dict[str, str]:
    row = _good_row(n)
    broken = {"required": "", "priority must be one of": "whenever", "valid email": "not-an-address",
              "must be a date": "31/02/2026", "no item type": "Complaint form", "length <= 500": "x" * 501,
              "no staff user": "alice@customer-a.example", "no project": "Atlantis"}
    row[column] = broken[BAD[n][1]]
    return row


def items_csv(rows: int = 1000) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ITEM_MAPPING), lineterminator="\r\n")
    writer.writeheader()
    for n in range(1, rows + 1):
        writer.writerow(_bad_row(n, BAD[n][0]) if n in BAD else _good_row(n))
    return "\ufeff" + out.getvalue()


def _import(api, w, body, **extra):
    resp = api.call("POST", "/v1/imports", {**body, **extra}, token=w.token("admin"))
    assert resp.status_code == 200, resp.data
    return resp.data


def _all_items(api, w) -> list[dict]:
    items, cursor = [], None
    while True:
        page = api.call("GET", "/v1/items?limit=200" + (f"&cursor={cursor}" if cursor else ""), token=w.token("admin"))
        items += page.data["items"]
        cursor = page.data["next_cursor"]
        if not cursor:
            return items


def test_a_thousand_rows_with_twenty_bad_ones_dry_run_then_import_then_nothing_again(api, container):
    # Given the agency world and a generated 1,000-row CSV of which exactly 20 rows are bad, for various reasons
    w = build_world(container.deps)
    body = {"kind": "items", "csv": items_csv(), "mapping": ITEM_MAPPING}
    before = len(_all_items(api, w))
    # When it is dry run, then exactly those 20 rows are reported (row, column, reason) and nothing is written
    dry = _import(api, w, body, dry_run=True)
    assert (dry["rows"], dry["created"], dry["skipped"]) == (1000, 980, 0)
    assert sorted((e["row"], e["field"]) for e in dry["errors"]) == sorted((n, c) for n, (c, _) in BAD.items())
    for e in dry["errors"]:
        assert BAD[e["row"]][1] in e["message"], e
    assert len(_all_items(api, w)) == before
    assert api.call("GET", "/v1/customers?limit=200", token=w.token("admin")).data["items"] == _customers(api, w)
    # When it is imported, then the 980 good rows become items and the same 20 are reported
    real = _import(api, w, body)
    assert (real["rows"], real["created"], real["skipped"]) == (1000, 980, 0)
    assert sorted(map(_key, real["errors"])) == sorted(map(_key, dry["errors"]))
    items = _all_items(api, w)
    assert len(items) == before + 980
    # When the same file is imported again, then nothing is created: the 980 are skipped, the 20 still reported
    again = _import(api, w, body)
    assert (again["created"], again["skipped"], len(again["errors"])) == (0, 980, 20)
    assert len(_all_items(api, w)) == before + 980


def _key(e: dict) -> tuple:
    return e["row"], e["field"], e["message"]


def _customers(api, w) -> list[dict]:
    return api.call("GET", "/v1/customers?limit=200", token=w.token("admin")).data["items"]


def test_imported_items_keep_what_the_row_said_and_requesters_join_their_domains_organisation(api, container):
    # Given a small file: a new shop's buyer (twice, one organisation), a gmail fan, Alice of CustomerA
    w = build_world(container.deps)
    drain_events(container.deps.repos)
    text = items_csv(11)
    result = _import(api, w, {"kind": "items", "csv": text, "mapping": ITEM_MAPPING, "dry_run": False})
    assert result["errors"] == [{"row": 7, "field": "Subject", "message": "is required"}]
    admin = w.token("admin")
    by_title = {i["title"]: i for i in _all_items(api, w)}
    # Then each item holds its row's values, looked up by name where the row gave a name
    ten = by_title["Imported ticket 10"]
    assert (ten["priority"], ten["due_date"], ten["tags"]) == ("low", "2026-04-11", ["imported", "legacy"])
    assert by_title["Imported ticket 4"]["priority"] == "normal"  # "medium" in the file
    assert (by_title["Imported ticket 8"]["priority"], by_title["Imported ticket 2"]["priority"]) == ("urgent", "high")
    assert ten["assignees"] == [f"user:{w.ids['member'].id}"]
    six = by_title["Imported ticket 6"]
    assert six["project_id"] == w.ids["incoming_a"].id and six["priority"] == "normal"
    # And requesters are found or made: the shop's buyers share one new organisation, the fan has none
    orgs = api.call("GET", "/v1/organizations?limit=200", token=admin).data["items"]
    shop = [o for o in orgs if o["domains"] == ["newshop.example"]]
    assert len(shop) == 1 and shop[0]["name"] == "newshop.example"
    people = {c["email"]: c for c in _customers(api, w)}
    assert people["buyer1@newshop.example"]["organization_id"] == shop[0]["id"]
    assert people["fan2@gmail.com"]["organization_id"] is None
    assert by_title["Imported ticket 3"]["requester"] == w.ids["cust_a"].id
    # And the stream's mail step sends no acknowledgement for history brought in from another system
    assert by_title["Imported ticket 1"]["via"] == "import"
    created = [e for e in drain_events(container.deps.repos) if isinstance(e, ItemCreated)]
    assert len(created) == 10 and w.ids["tenant"].acknowledge_new_tickets
    assert sum(react(container.deps, e, container.settings.token_secret) for e in created) == 0


def test_customers_import_makes_organisations_from_domains_except_free_mail(api, container):
    # Given customers of a new company (two), a gmail address, one of CustomerA's domain, and one who exists
    w = build_world(container.deps)
    text = ("E-mail,Full name,Company\r\nann@brightco.example,Ann,Bright Co\r\nben@brightco.example,Ben,\r\n"
            "gus@gmail.com,Gus,Gus Ltd\r\ncat@customer-a.example,Cat,\r\nalice@customer-a.example,Alice,\r\n")
    guessed = api.call("POST", "/v1/imports/mapping", {"kind": "customers", "header": ["E-mail", "Full name",
                                                                                      "Company"]},
                       token=w.token("admin")).data["mapping"]
    assert guessed == {"E-mail": "email", "Full name": "name", "Company": "organization"}
    # When they are imported with the guessed mapping
    result = _import(api, w, {"kind": "customers", "csv": text, "mapping": guessed})
    # Then four are created, Alice (already a customer) skipped
    assert (result["created"], result["skipped"], result["errors"]) == (4, 1, [])
    people = {c["email"]: c for c in _customers(api, w)}
    orgs = {o["id"]: o for o in api.call("GET", "/v1/organizations?limit=200", token=w.token("admin")).data["items"]}
    bright = orgs[people["ann@brightco.example"]["organization_id"]]
    # And the new company is one organisation named by its first row, CustomerA's is reused, gmail gets none
    assert (bright["name"], bright["domains"]) == ("Bright Co", ["brightco.example"])
    assert people["ben@brightco.example"]["organization_id"] == bright["id"]
    assert people["cat@customer-a.example"]["organization_id"] == w.ids["org_a"].id
    assert people["gus@gmail.com"]["organization_id"] is None
    assert len(orgs) == 3
    # When the file comes again, then nothing is made
    again = _import(api, w, {"kind": "customers", "csv": text, "mapping": guessed})
    assert (again["created"], again["skipped"]) == (0, 5)


def test_users_import_makes_admins_and_agents_and_reports_customers_and_bad_roles(api, container):
    w = build_world(container.deps)
    text = ("Email,Name,Role\nnora@agency.example,Nora,Admin\nomar@agency.example,Omar,\n"
            "alice@customer-a.example,Alice,agent\npia@agency.example,Pia,customer\n")
    mapping = {"Email": "email", "Name": "name", "Role": "role"}
    result = _import(api, w, {"kind": "users", "csv": text, "mapping": mapping})
    assert result["created"] == 2
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(3, "Email"), (4, "Role")]
    users = {u["email"]: u for u in api.call("GET", "/v1/users?limit=200", token=w.token("admin")).data["items"]}
    assert (users["nora@agency.example"]["role"], users["omar@agency.example"]["role"]) == ("admin", "agent")
    assert "pia@agency.example" not in users


def test_batches_number_their_rows_as_rows_of_the_whole_file(api, container):
    w = build_world(container.deps)
    text = "Subject,Priority\nFine,low\nBroken,someday\n"
    result = _import(api, w, {"kind": "items", "csv": text, "mapping": {"Subject": "title", "Priority": "priority"},
                              "first_row": 501, "dry_run": True})
    assert [e["row"] for e in result["errors"]] == [502]


def test_a_batch_beyond_the_limits_or_with_a_bad_mapping_is_refused_whole(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    too_many = "Subject\n" + "".join(f"t{n}\n" for n in range(1001))
    resp = api.call("POST", "/v1/imports", {"kind": "items", "csv": too_many, "mapping": {"Subject": "title"}},
                    token=admin)
    assert resp.status_code == 413 and resp.data["error"]["details"]["limit"] == 1000
    resp = api.call("POST", "/v1/imports", {"kind": "items", "csv": "Subject\nx\n", "mapping": {"Body": "title"}},
                    token=admin)
    assert resp.status_code == 422
    assert [e["field"] for e in resp.data["error"]["details"]["errors"]] == ["mapping.Body", "mapping"]
    resp = api.call("POST", "/v1/imports", {"kind": "items", "csv": '"never closed\n', "mapping": {}}, token=admin)
    assert resp.status_code == 422
