"""What one import batch reads once and shares between its rows: the tenant, its item types and projects, people
and organisations by email and domain. Keeps DynamoDB requests per row low (see README, "Import")."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from tandem.domain.errors import Conflict, ValidationError
from tandem.domain.hierarchy import Project
from tandem.domain.imports import is_free_mail
from tandem.domain.item_types import ItemType
from tandem.domain.people import DOMAIN_RE, User, email_domain, normalize_email
from tandem.domain.permissions import Principal
from tandem.domain.tenants import Tenant
from tandem.services.deps import Deps
from tandem.services.ports import Position

PAGE = 200


class Memo:
    """A repo whose reads are remembered for the batch; any other call (a write) forgets them, so nothing stale is
    read back after this batch changed it."""

    def __init__(self, inner: Any, reads: tuple[str, ...]) -> None:
        self._inner, self._reads, self._seen = inner, reads, {}

    def remember(self, method: str, args: tuple, value: Any) -> None:
        self._seen[(method, args)] = value

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if name not in self._reads:
            self._seen.clear()
            return target

        def read(*args: Any) -> Any:
            if (name, args) not in self._seen:
                self._seen[(name, args)] = target(*args)
            return self._seen[(name, args)]

        return read


def _all(list_page: Any, tenant_id: str) -> list[Any]:
    """Every entry of a tenant's configuration list (types, projects: tens, not thousands)."""
    out: list[Any] = []
    after: Position = None
    while True:
        page = list_page(tenant_id, limit=PAGE, after=after)
        out += page.items
        after = page.after
        if not after:
            return out


@dataclass
class Batch:
    """One call of the import use case: the caller, its tenant, the memoised repos and what it listed."""

    deps: Deps
    principal: Principal
    tenant: Tenant
    dry_run: bool
    users: Memo = field(init=False)
    organizations: Memo = field(init=False)
    _types: list[ItemType] | None = None
    _projects: list[Project] | None = None

    def __post_init__(self) -> None:
        repos = self.deps.repos
        self.users = Memo(repos.users, ("get", "by_email"))
        self.organizations = Memo(repos.organizations, ("get", "by_domain"))
        projects = Memo(repos.projects, ("get",))
        item_types = Memo(repos.item_types, ("get",))
        shared = replace(repos, users=self.users, organizations=self.organizations, projects=projects,
                         item_types=item_types)
        self.deps = replace(self.deps, repos=shared)

    def with_repos(self, **repos: Any) -> Deps:
        """The batch's deps with some repos swapped for one row (a marked or dry person store, a dry item store)."""
        return replace(self.deps, repos=replace(self.deps.repos, **repos))

    def types(self) -> list[ItemType]:
        if self._types is None:
            self._types = sorted(_all(self.deps.repos.item_types.list, self.tenant.id), key=lambda t: (t.created_at,
                                                                                                      t.id))
            for t in self._types:
                self.deps.repos.item_types.remember("get", (self.tenant.id, t.id), t)
        return self._types

    def projects(self) -> list[Project]:
        if self._projects is None:
            self._projects = _all(self.deps.repos.projects.list, self.tenant.id)
        return self._projects


def by_id_or_name(entries: list[Any], value: str, what: str, field_name: str) -> Any:
    """The entry whose id is `value`, else the one whose name is (case-insensitive); 422 naming the field."""
    for e in entries:
        if e.id == value:
            return e
    named = [e for e in entries if e.name.casefold() == value.casefold()]
    if len(named) > 1:
        raise ValidationError(f"several {what}s are named {value!r}: use the id", {"field": field_name})
    if not named:
        raise ValidationError(f"no {what} {value!r}", {"field": field_name})
    return named[0]


def organization_for(batch: Batch, email: str, asked: str | None) -> str | None:
    """The organisation of a person: `asked` when it is an organisation's id, else the one owning the email's domain,
    made (named `asked` or the domain) when none does — never for free-mail domains. A dry run makes nothing."""
    from tandem.services.manage_people import create_organization

    tenant_id = batch.tenant.id
    if asked and batch.organizations.get(tenant_id, asked) is not None:
        return asked
    domain = email_domain(email)
    if is_free_mail(domain) or not DOMAIN_RE.match(domain):
        return None
    found = batch.organizations.by_domain(tenant_id, domain)
    if found is not None or batch.dry_run:
        return found.id if found is not None else None
    try:
        return create_organization(batch.deps, batch.principal, name=(asked or domain)[:200], domains=[domain]).id
    except Conflict:  # another batch made it meanwhile: use theirs
        found = batch.organizations.by_domain(tenant_id, domain)
        if found is None:
            raise
        return found.id


def person_by_email(batch: Batch, value: str, field_name: str) -> User | None:
    """The tenant's person with this email, if any; 422 naming the field when it is no email."""
    try:
        email = normalize_email(value)
    except ValidationError as exc:
        raise ValidationError(exc.message, {"field": field_name}) from exc
    return batch.users.by_email(batch.tenant.id, email)
