"""One CSV row of each kind through the API's own model and use case: items are opened by `open_item`, customers
and users made by the people services. A row's marker is written in the same transaction as what it creates; a dry
run swaps the stores for ones that check and keep nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.errors import Conflict, ValidationError
from tandem.domain.hierarchy import user_ref
from tandem.domain.imports import parse_date, priority_word, split_list
from tandem.domain.items import Cause, Item
from tandem.domain.people import User
from tandem.services.import_batch import Batch, by_id_or_name, organization_for, person_by_email
from tandem.services.ports import DuplicateRequest, IdempotencyClaim

DATES = ("due_date", "planned_start", "planned_finish")


class DryItems:
    """An item store that numbers nothing and keeps nothing: a dry run goes through `open_item` all the same."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def create(self, item: Item, activity: Any, **_: Any) -> Item:
        return replace(item, version=1)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class PersonSink:
    """The person store one row's use case writes to: the new person goes in with the row's marker (or, in a dry
    run, is checked against the people there and kept nowhere)."""

    def __init__(self, batch: Batch, claim: IdempotencyClaim) -> None:
        self._batch, self._claim = batch, claim

    def add(self, user: User) -> User:
        if self._batch.dry_run:
            if self._batch.users.by_email(user.tenant_id, user.email) is not None:
                raise Conflict("a person with this email already exists", {"field": "email"})
            return replace(user, version=1)
        return self._batch.deps.repos.imports.add_person(user, self._claim)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._batch.users, name)


def load_body(model: Any, body: dict[str, Any]) -> None:
    """The API's create model decides what a row may hold (lengths, formats, choices): 422 listing each field."""
    from tandem.schemas.codec import load

    load(model, body)


def import_item(batch: Batch, values: dict[str, str], claim: IdempotencyClaim) -> None:
    """Open one item from a row, exactly as `POST /v1/items` would; DuplicateRequest when an earlier run made it."""
    from tandem.schemas.items import ItemCreate
    from tandem.services.open_item import NewItem, open_item

    body = item_body(batch, values)
    load_body(ItemCreate, body)
    requester = values.get("requester")
    new = NewItem(type_id=body["type_id"], title=body["title"], description=body.get("description", ""),
                  kind=body.get("kind"), project_id=body.get("project_id"), priority=body.get("priority"),
                  assignees=body.get("assignees"), due_date=body.get("due_date"),
                  extra={k: body[k] for k in ("planned_start", "planned_finish", "tags") if k in body})
    dry = batch.with_repos(items=DryItems(batch.deps.repos.items))
    # Checked first without the requester, so a row that fails makes no customer either.
    open_item(dry, batch.tenant, batch.principal, new, via="import", cause=Cause.USER)
    if batch.dry_run:
        return
    new.requester = requester_id(batch, requester) if requester else None
    open_item(batch.deps, batch.tenant, batch.principal, new, via="import", cause=Cause.USER, claim=claim,
              note="imported from CSV")


def item_body(batch: Batch, values: dict[str, str]) -> dict[str, Any]:
    """A row as the body of `POST /v1/items`: names looked up, lists split, dates read."""
    body: dict[str, Any] = {k: values[k] for k in ("title", "description") if k in values}
    if "kind" in values:
        body["kind"] = values["kind"].casefold()
    body["type_id"] = item_type(batch, values.get("type"), body.get("kind")).id
    if "priority" in values:
        body["priority"] = priority_word(values["priority"])
    if "project" in values:
        body["project_id"] = by_id_or_name(batch.projects(), values["project"], "project", "project").id
    if "requester" in values:
        person_by_email(batch, values["requester"], "requester")  # a valid address, checked before anything
    if "assignees" in values:
        body["assignees"] = [staff_ref(batch, email) for email in split_list(values["assignees"])]
    for name in DATES:
        if name in values:
            body[name] = parse_date(values[name], name)
    if "tags" in values:
        body["tags"] = split_list(values["tags"])
    return body


def item_type(batch: Batch, asked: str | None, kind: str | None) -> Any:
    """The named type (by id or name), else the tenant's first type of the kind (tickets when none is given)."""
    types = batch.types()
    if asked:
        return by_id_or_name(types, asked, "item type", "type")
    of_kind = [t for t in types if t.kind == (kind or "ticket")]
    if not of_kind:
        raise ValidationError(f"the tenant has no {kind or 'ticket'} type", {"field": "kind" if kind else "type"})
    return of_kind[0]


def staff_ref(batch: Batch, email: str) -> str:
    person = person_by_email(batch, email, "assignees")
    if person is None or not person.role.is_staff:
        raise ValidationError(f"no staff user has the email {email!r}", {"field": "assignees"})
    return user_ref(person.id)


def requester_id(batch: Batch, email: str) -> str:
    """The requester's user id: the person with that email, else a new customer of their domain's organisation."""
    from tandem.services.manage_people import create_customer

    found = person_by_email(batch, email, "requester")
    if found is not None:
        return found.id
    org = organization_for(batch, email, None)
    try:
        made = create_customer(batch.deps, batch.principal, email=email, organization_id=org)
    except Conflict:  # another batch made them meanwhile
        made = batch.users.by_email(batch.tenant.id, email.strip().lower())
        if made is None:
            raise
    batch.users.remember("get", (batch.tenant.id, made.id), made)  # open_item reads the requester by id
    return made.id


def import_customer(batch: Batch, values: dict[str, str], claim: IdempotencyClaim) -> None:
    """Make one customer from a row, as `POST /v1/customers` would, joined to their domain's organisation."""
    from tandem.schemas.people import CustomerCreate
    from tandem.services.manage_people import create_customer

    body = {k: values[k] for k in ("email", "name") if k in values}
    load_body(CustomerCreate, body)
    email = values["email"]
    person_by_email(batch, email, "email")
    org = organization_for(batch, email, values.get("organization"))
    deps = batch.with_repos(users=PersonSink(batch, claim))
    _existing_is_skipped(batch, email, customer=True, make=lambda: create_customer(
        deps, batch.principal, email=email, name=values.get("name"), organization_id=org))


def import_user(batch: Batch, values: dict[str, str], claim: IdempotencyClaim) -> None:
    """Make one admin or agent from a row, as `POST /v1/users` would (they sign in by magic link or reset)."""
    from tandem.schemas.people import UserCreate
    from tandem.services.manage_people import create_user

    body = {k: values[k] for k in ("email", "name") if k in values}
    body["role"] = values.get("role", "agent").casefold()
    load_body(UserCreate, body)
    deps = batch.with_repos(users=PersonSink(batch, claim))
    _existing_is_skipped(batch, values["email"], customer=False, make=lambda: create_user(
        deps, batch.principal, email=values["email"], name=values["name"], role=body["role"]))


def _existing_is_skipped(batch: Batch, email: str, *, customer: bool, make: Any) -> None:
    """A person already there is skipped (DuplicateRequest) when of the kind imported; of the other kind, a 422."""
    try:
        make()
    except Conflict as exc:
        there = batch.users.by_email(batch.tenant.id, email.strip().lower())
        if there is None or there.role.is_staff == customer:
            what = "a staff user" if customer else "a customer"
            raise ValidationError(f"{what} already has this email", {"field": "email"}) from exc
        raise DuplicateRequest(there.id, "") from exc


IMPORTERS = {"items": import_item, "customers": import_customer, "users": import_user}
