"""PynamoDB repos for tenants, people and configuration (dal/dynamo.py's `dynamo_repos()` builds them on first use)."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from tandem.dal.codec import loads
from tandem.dal.dynamo_base import DynamoEntityRepo, failed_items, get, one_page, tkey, transaction
from tandem.dal.table import Record
from tandem.dal.warm import WarmFacts
from tandem.domain.errors import Conflict
from tandem.domain.hierarchy import Portfolio, Project
from tandem.domain.item_types import ItemType
from tandem.domain.people import Organization, Team, User
from tandem.domain.sla import SlaPolicy
from tandem.domain.tenants import Tenant
from tandem.services.ports import Page, Position, Repos


def role_people_key(tenant_id: str, role_id: str) -> str:
    return f"{tkey(tenant_id)}#ROLEPEOPLE#{role_id}"


class DynamoUserRepo(DynamoEntityRepo[User]):
    def __init__(self) -> None:
        super().__init__("user", User, "USER", claims=lambda u: [f"EMAIL#{u.tenant_id}#{u.email}"],
                         extra=self._index_keys)

    @staticmethod
    def _index_keys(u: User) -> dict[str, str | None]:
        group = "staff" if u.role.is_staff else "customer"
        keys: dict[str, str | None] = {"gsi1pk": f"{tkey(u.tenant_id)}#PEOPLE#{group}", "gsi1sk": f"{u.email}#{u.id}"}
        if u.organization_id:
            keys.update(gsi2pk=f"{tkey(u.tenant_id)}#ORGPEOPLE#{u.organization_id}", gsi2sk=f"{u.email}#{u.id}")
        if u.role.is_staff and u.role_id:
            keys.update(gsi3pk=role_people_key(u.tenant_id, u.role_id), gsi3sk=f"{u.email}#{u.id}")
        return keys

    def any_with_role(self, tenant_id: str, role_id: str) -> bool:
        records, _ = one_page(lambda **kw: Record.gsi3.query(role_people_key(tenant_id, role_id), **kw), 1, None)
        return bool(records)

    def by_email(self, tenant_id: str, email: str) -> User | None:
        user = self.by_claim(f"EMAIL#{tenant_id}#{email.lower()}")
        if user is not None and self.facts is not None:
            self.facts.remember("email", tenant_id, email.lower(), user.id)
            self.facts.remember("user", tenant_id, user.id, user)
        return user

    def add(self, user: User, tx: TransactWrite | None = None) -> User:  # type: ignore[override]
        stored = super().add(user, tx)
        if tx is None:  # written: the next mail from this address finds its sender without a read
            self.remember(stored)
        return stored

    def recall_by_email(self, tenant_id: str, email: str) -> tuple[bool, User | None]:
        known, user_id = self.facts.recall("email", tenant_id, email.lower()) if self.facts else (False, None)
        if not known:
            return False, None
        known, user = self.facts.recall("user", tenant_id, user_id) if self.facts else (False, None)
        return (True, user) if known and user is not None and user.email == email.lower() else (False, None)

    def remember(self, user: User) -> None:
        """A user this process has just written (with its email), to be recalled by the next mail."""
        if self.facts is not None:
            self.facts.remember("email", user.tenant_id, user.email, user.id)
            self.facts.remember("user", user.tenant_id, user.id, user)

    def get_many(self, tenant_id: str, user_ids: list[str]) -> list[User]:
        # The tenant is in every key, so another tenant's id finds nothing; PynamoDB retries unprocessed keys.
        keys = [self.key(tenant_id, i) for i in dict.fromkeys(user_ids)]
        found = {r.sk: loads(User, r.data) for r in Record.batch_get(keys) if r.kind == "user"} if keys else {}
        return [found[sk] for _, sk in keys if sk in found]

    def by_emails(self, tenant_id: str, emails: list[str]) -> dict[str, User]:
        claims = [(f"EMAIL#{tenant_id}#{e.lower()}", "CLAIM") for e in dict.fromkeys(emails)]
        owners = [r.owner for n in range(0, len(claims), 100) for r in Record.batch_get(claims[n:n + 100])]
        prefix = f"user:{tenant_id}:"
        ids = [o[len(prefix):] for o in owners if o and o.startswith(prefix)]
        people = [u for n in range(0, len(ids), 100) for u in self.get_many(tenant_id, ids[n:n + 100])]
        return {u.email: u for u in people}

    def save(self, user: User, *, previous_email: str | None = None) -> User:  # type: ignore[override]
        return super().save(user)

    def list(self, tenant_id: str, *, staff: bool, limit: int = 50,  # type: ignore[override]
             after: Position = None) -> Page[User]:
        key = f"{tkey(tenant_id)}#PEOPLE#{'staff' if staff else 'customer'}"
        records, last = one_page(lambda **kw: Record.gsi1.query(key, **kw), limit, after)
        return Page([loads(User, r.data) for r in records], last)

    def list_in_organization(self, tenant_id: str, organization_id: str, *, limit: int = 50,
                             after: Position = None) -> Page[User]:
        key = f"{tkey(tenant_id)}#ORGPEOPLE#{organization_id}"
        records, last = one_page(lambda **kw: Record.gsi2.query(key, **kw), limit, after)
        return Page([loads(User, r.data) for r in records], last)


class DynamoOrganizationRepo(DynamoEntityRepo[Organization]):
    def __init__(self) -> None:
        super().__init__("org", Organization, "ORG", claims=lambda o: [f"DOMAIN#{o.tenant_id}#{d}" for d in o.domains])

    def by_domain(self, tenant_id: str, domain: str) -> Organization | None:
        org = self.by_claim(f"DOMAIN#{tenant_id}#{domain.lower()}")
        if self.facts is not None:
            self.facts.remember("domain", tenant_id, domain.lower(), org)
        return org

    def recall_by_domain(self, tenant_id: str, domain: str) -> tuple[bool, Organization | None]:
        return self.facts.recall("domain", tenant_id, domain.lower()) if self.facts else (False, None)


class DynamoItemTypeRepo(DynamoEntityRepo[ItemType]):
    def __init__(self) -> None:
        super().__init__("type", ItemType, "TYPE",
                         claims=lambda t: [f"ADDR#{t.inbound_address}"] if t.inbound_address else [])

    def by_address(self, address: str) -> ItemType | None:
        return self.by_claim(f"ADDR#{address.lower()}")


class DynamoProjectRepo(DynamoEntityRepo[Project]):
    def __init__(self) -> None:
        super().__init__("project", Project, "PROJECT", extra=lambda p: {
            "gsi1pk": f"{tkey(p.tenant_id)}#PORTFOLIO#{p.portfolio_id}", "gsi1sk": p.id} if p.portfolio_id else {})

    def list_in_portfolio(self, tenant_id: str, portfolio_id: str, *, limit: int = 50,
                          after: Position = None) -> Page[Project]:
        key = f"{tkey(tenant_id)}#PORTFOLIO#{portfolio_id}"
        records, last = one_page(lambda **kw: Record.gsi1.query(key, **kw), limit, after)
        return Page([loads(Project, r.data) for r in records], last)


ALL_TENANTS = "TENANTS"


class DynamoTenantRepo:
    def __init__(self, repos: Repos) -> None:
        self._repos = repos
        # Every tenant also sits under one gsi1 key, so operators list them (`tandem tenant list`) without a Scan;
        # tenant records change rarely, so that one partition stays cold.
        self._tenants = DynamoEntityRepo[Tenant]("tenant", Tenant, "TENANT", claims=lambda t: [f"SLUG#{t.slug}"],
                                                 extra=lambda t: {"gsi1pk": ALL_TENANTS, "gsi1sk": t.slug})

    def bootstrap(self, tenant: Tenant, owner: User, types: list[ItemType], portfolio: Portfolio,
                  projects: list[Project]) -> None:
        """Everything a new tenant starts with, in one transaction."""
        try:
            with transaction() as tx:
                self._tenants.add(tenant, tx)
                self._repos.users.add(owner, tx)  # type: ignore[call-arg]
                self._repos.portfolios.add(portfolio, tx)  # type: ignore[call-arg]
                for project in projects:
                    self._repos.projects.add(project, tx)  # type: ignore[call-arg]
                for item_type in types:
                    self._repos.item_types.add(item_type, tx)  # type: ignore[call-arg]
        except TransactWriteError as exc:
            if not failed_items(exc):
                raise
            raise Conflict("that slug, email or address is already taken") from exc

    def get(self, tenant_id: str) -> Tenant | None:
        found = get(tkey(tenant_id), f"TENANT#{tenant_id}")
        return loads(Tenant, found.data) if found is not None else None

    def by_slug(self, slug: str) -> Tenant | None:
        return self._tenants.by_claim(f"SLUG#{slug}")

    def save(self, tenant: Tenant) -> Tenant:
        return self._tenants.save(tenant)

    def list_all(self, *, limit: int = 50, after: Position = None) -> Page[Tenant]:
        records, last = one_page(lambda **kw: Record.gsi1.query(ALL_TENANTS, **kw), limit, after)
        return Page([loads(Tenant, r.data) for r in records], last)


def people_repo(name: str, facts: WarmFacts, repos: Repos) -> Any:
    """The repo of `repos` field `name` (one of dal/dynamo.py's PEOPLE); those whose writes re-check what a warm
    Lambda remembers share `facts`, the tenants' bootstrap writes through `repos`."""
    if name == "tenants":
        return DynamoTenantRepo(repos)
    plain = {"teams": ("team", Team, "TEAM"), "portfolios": ("portfolio", Portfolio, "PORTFOLIO"),
             "sla_policies": ("sla", SlaPolicy, "SLA")}
    if name in plain:
        return DynamoEntityRepo(*plain[name])
    repo = {"users": DynamoUserRepo, "organizations": DynamoOrganizationRepo, "item_types": DynamoItemTypeRepo,
            "projects": DynamoProjectRepo}[name]()
    if name != "projects":
        repo.facts = facts
    return repo
