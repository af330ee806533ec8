"""Who sees and does what: the ONE permission function of the product.

Every route asks `allowed(principal, action, target)`. Targets describe what the decision needs
(the item, its project, the tenant settings); loading them is the caller's job, deciding is here.
Anything of another tenant is invisible, whatever the role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tandem.domain.hierarchy import Project, team_ref, user_ref
from tandem.domain.items import Item
from tandem.domain.kb import Article, ArticleVisibility
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import Role
from tandem.domain.tenants import PortalVisibility, Tenant
from tandem.domain.views import SavedView, seen_by


@dataclass(frozen=True)
class Principal:
    """The caller as the credential says: the tenant never comes from the request."""

    tenant_id: str
    user_id: str
    role: Role
    team_ids: tuple[str, ...] = ()
    organization_id: str | None = None
    email: str = ""
    name: str = ""
    # What an API key may do (role integration only; see _integration): items:read, items:write, hooks.
    scopes: frozenset[str] = frozenset()

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def refs(self) -> set[str]:
        """The principal refs that stand for this caller (itself and its teams)."""
        return {user_ref(self.user_id), *(team_ref(t) for t in self.team_ids)}


class Action(StrEnum):
    READ = "read"
    UPDATE = "update"
    CREATE = "create"
    COMMENT_PUBLIC = "comment_public"
    COMMENT_PRIVATE = "comment_private"
    CONVERT = "convert"
    ADMINISTER = "administer"  # tenant configuration: people, teams, types, portal, projects


class Area(StrEnum):
    """Tenant-wide resources that are not items."""

    USERS = "users"
    TEAMS = "teams"
    ORGANIZATIONS = "organizations"
    CUSTOMERS = "customers"
    PORTFOLIOS = "portfolios"
    PROJECTS = "projects"
    ITEM_TYPES = "item_types"
    SETTINGS = "settings"
    HOOKS = "hooks"  # REST hook subscriptions, their delivery log and the polling lists
    API_KEYS = "api_keys"  # admins only
    ITEMS = "items"  # opening items at all (which project they land in is checked on the project); UPDATE: changing
    # items at all, as a bulk change does before each item is checked on its own
    QUEUES = "queues"  # the workspace's queue counts: staff, and API keys that read items
    INBOUND_WEBHOOKS = "inbound_webhooks"  # their URLs are credentials: admins only
    NOTIFICATIONS = "notifications"  # the caller's own in-app notifications and the change stamp: staff people
    VIEWS = "views"  # saved views of the item list: staff people (each view then checked as a ViewTarget)
    TIMERS = "timers"  # the caller's own timers: staff people
    TIMESHEETS = "timesheets"  # staff: agents their own (extra owner_id); ADMINISTER (approve/reject) admins and
    # the managers of the sheet's project (extra managers), who also read the sheets of that project
    SCHEDULES = "schedules"  # a project's plan (Gantt, calendar): staff, and API keys that read items
    KB_CATEGORIES = "kb_categories"  # knowledge base categories: staff read, admins write
    KB_ARTICLES = "kb_articles"  # the workspace's article list and new articles: staff read and write (each
    # article is then decided as an ArticleTarget)
    IMPORTS = "imports"  # CSV imports (CREATE, also to guess a mapping): admins only, like the people they make


@dataclass
class ItemTarget:
    tenant: Tenant
    item: Item
    project: Project | None = None


@dataclass
class MessageTarget:
    tenant: Tenant
    item: Item
    message: Message
    project: Project | None = None


@dataclass
class ProjectTarget:
    tenant: Tenant
    project: Project


@dataclass
class AreaTarget:
    tenant_id: str
    area: Area
    extra: dict = field(default_factory=dict)


@dataclass
class ViewTarget:
    view: SavedView


@dataclass
class ArticleTarget:
    """A knowledge base article: the one target anonymous callers (None) may be allowed to read."""

    article: Article


Target = ItemTarget | MessageTarget | ProjectTarget | AreaTarget | ViewTarget | ArticleTarget


def _tenant_of(target: Target) -> str:
    if isinstance(target, AreaTarget):
        return target.tenant_id
    if isinstance(target, ViewTarget):
        return target.view.tenant_id
    if isinstance(target, ArticleTarget):
        return target.article.tenant_id
    return target.tenant.id


def allowed(p: Principal | None, action: Action, target: Target) -> bool:
    """True when `p` may do `action` to `target`. Anonymous callers (None) may only read public articles."""
    if isinstance(target, ArticleTarget):
        return _article(p, action, target.article)
    if p is None or p.tenant_id != _tenant_of(target):
        return False
    if isinstance(target, ViewTarget):
        return _view(p, action, target.view)
    if p.role is Role.INTEGRATION:
        return _integration(p, action, target)
    if isinstance(target, AreaTarget):
        return _area(p, action, target)
    if isinstance(target, ProjectTarget):
        return _project(p, action, target)
    if isinstance(target, MessageTarget):
        if not _sees_item(p, target.tenant, target.item, target.project):
            return False
        return p.is_staff or target.message.visibility is Visibility.PUBLIC
    return _item(p, action, target)


def visible(p: Principal | None, action: Action, target: Target) -> bool:
    """Whether the caller may know the target exists (404 otherwise, 403 when visible but not allowed)."""
    if isinstance(target, ArticleTarget):
        return _article(p, Action.READ, target.article)
    if p is None or p.tenant_id != _tenant_of(target):
        return False
    if isinstance(target, ItemTarget):
        return _sees_item(p, target.tenant, target.item, target.project)
    if isinstance(target, ProjectTarget):
        return _project(p, Action.READ, target)
    if isinstance(target, ViewTarget):
        return _view(p, Action.READ, target.view)
    return allowed(p, Action.READ, target) if isinstance(target, MessageTarget) else True


def _view(p: Principal, action: Action, view: SavedView) -> bool:
    """Staff see their own views and those shared with them; the owner or an admin changes or deletes one."""
    if p.role not in (Role.ADMIN, Role.AGENT):
        return False
    if not seen_by(view, p.user_id, p.team_ids, admin=p.role is Role.ADMIN):
        return False
    return action is Action.READ or view.owner_id == p.user_id or p.role is Role.ADMIN


def _article(p: Principal | None, action: Action, article: Article) -> bool:
    """Staff (admins, agents) read and write every article of their tenant, drafts too. Anyone else only reads a
    published one: anonymous callers (and API keys, which are nobody) the public ones; a signed-in customer also
    those for all customers and those limited to organisations that include theirs."""
    if p is not None and p.tenant_id != article.tenant_id:
        return False
    if p is not None and p.role in (Role.ADMIN, Role.AGENT):
        return True
    if action is not Action.READ or not article.published:
        return False
    if article.visibility is ArticleVisibility.PUBLIC:
        return True
    if p is None or p.role is not Role.CUSTOMER:
        return False
    if article.visibility is ArticleVisibility.CUSTOMERS:
        return True
    return p.organization_id is not None and p.organization_id in article.organization_ids


def _area(p: Principal, action: Action, target: AreaTarget) -> bool:
    if target.area is Area.VIEWS:
        # Each staff person makes their own views (and shares them); customers and API keys have none.
        return p.role in (Role.ADMIN, Role.AGENT) and action in (Action.READ, Action.CREATE)
    if target.area in (Area.TIMERS, Area.TIMESHEETS):
        return _time(p, action, target)
    if target.area is Area.KB_ARTICLES:
        # Agents write articles as well as admins; customers read them through the portal's routes only.
        return p.role in (Role.ADMIN, Role.AGENT) and action in (Action.READ, Action.CREATE)
    if target.area is Area.NOTIFICATIONS:
        # Each person reads and marks their own; customers get mail, not a workspace inbox.
        return p.role in (Role.ADMIN, Role.AGENT) and action in (Action.READ, Action.UPDATE)
    if p.role is Role.ADMIN:
        return True
    if p.role is Role.AGENT:
        # Agents read the directory and create customers/organisations met in their work.
        if action is Action.READ:
            return target.area not in (Area.SETTINGS, Area.HOOKS, Area.API_KEYS, Area.INBOUND_WEBHOOKS, Area.IMPORTS)
        if action is Action.UPDATE:
            return target.area is Area.ITEMS
        return action is Action.CREATE and target.area in (Area.CUSTOMERS, Area.ORGANIZATIONS, Area.ITEMS)
    if action is Action.CREATE and target.area is Area.ITEMS:
        return True  # customers file requests (as their own requester)
    # Customers read only the lists scoped to them (projects they follow, the public forms).
    return action is Action.READ and target.area in (Area.PROJECTS, Area.ITEM_TYPES)


def _time(p: Principal, action: Action, target: AreaTarget) -> bool:
    """Time is tracked by staff people; customers and API keys have none. The target's `extra` says what the
    decision needs: `owner_id`, whose timesheet(s) (absent: the caller's own, or none yet), and `managers`, the
    user ids managing the project of the timesheet(s) (absent: none, or not needed for this caller).

    Admins do anything. An agent works on their own timesheets; a manager of the project also reads those of
    others (READ) and decides on them (ADMINISTER: approve, reject), but changes none of them (UPDATE)."""
    if p.role is Role.ADMIN:
        return True
    if p.role is not Role.AGENT:
        return False
    manages = p.user_id in target.extra.get("managers", ())
    if action is Action.ADMINISTER:
        return manages
    owner = target.extra.get("owner_id")
    if owner is None or owner == p.user_id:
        return True
    return action is Action.READ and manages


def reads_everyones_time(p: Principal, project: Project | None = None) -> bool:
    """Whether `p` reads everybody's time (reports, statements, timesheet lists), within `project` when given:
    admins, and the project's managers for that project; otherwise a staff person reads their own only and the
    caller narrows the read to it."""
    managers = project.managers if project is not None else []
    target = AreaTarget(p.tenant_id, Area.TIMESHEETS, {"owner_id": "*", "managers": managers})
    return allowed(p, Action.READ, target)


ITEM_SCOPES = frozenset({"items:read", "items:write"})
WRITES = (Action.CREATE, Action.UPDATE, Action.COMMENT_PUBLIC, Action.COMMENT_PRIVATE)


def _integration(p: Principal, action: Action, target: Target) -> bool:
    """An API key: items:read reads every item and message of its tenant (public and private), items:write opens
    and changes items and posts messages, hooks manages REST hooks; nothing else (no people, settings, keys,
    rules, conversion). Either item scope may read the item types and projects an item is filed with."""
    if isinstance(target, AreaTarget):
        if target.area is Area.HOOKS:
            return "hooks" in p.scopes
        if target.area is Area.ITEMS:
            return action in (Action.CREATE, Action.UPDATE) and "items:write" in p.scopes
        if target.area in (Area.QUEUES, Area.SCHEDULES):
            return action is Action.READ and "items:read" in p.scopes
        return action is Action.READ and target.area in (Area.ITEM_TYPES, Area.PROJECTS) and _any_item_scope(p)
    if isinstance(target, ProjectTarget):
        return action is Action.READ and _any_item_scope(p)
    if target.item.tenant_id != p.tenant_id:
        return False
    if action is Action.READ:
        return "items:read" in p.scopes
    return action in WRITES and not isinstance(target, MessageTarget) and "items:write" in p.scopes


def _any_item_scope(p: Principal) -> bool:
    return bool(p.scopes & ITEM_SCOPES)


def _project(p: Principal, action: Action, target: ProjectTarget) -> bool:
    project = target.project
    if p.role is Role.INTEGRATION:
        return _integration(p, action, target)
    if p.role is Role.ADMIN:
        return True
    if p.role is Role.AGENT:
        # Its managers see the project they decide timesheets of, members or not (its items stay the members').
        member = target.tenant.agents_see_all or project.has_member(p.user_id, p.team_ids)
        return (member or p.user_id in project.managers) and action is Action.READ
    return action is Action.READ and p.user_id in project.followers


def _item(p: Principal, action: Action, target: ItemTarget) -> bool:
    if not _sees_item(p, target.tenant, target.item, target.project):
        return False
    if p.is_staff:
        return True
    # Customers converse publicly on what they see; only staff change fields or write private notes.
    return action in (Action.READ, Action.COMMENT_PUBLIC)


def _sees_item(p: Principal, tenant: Tenant, item: Item, project: Project | None) -> bool:
    if item.tenant_id != p.tenant_id:
        return False
    if p.role is Role.ADMIN:
        return True
    if p.role is Role.INTEGRATION:
        # Knowing an item exists: a write-only key may change what it cannot read (a read is then 403, not 404).
        return _any_item_scope(p)
    if p.role is Role.AGENT:
        return _agent_sees(p, tenant, item, project)
    return _customer_sees(p, tenant, item, project)


def _agent_sees(p: Principal, tenant: Tenant, item: Item, project: Project | None) -> bool:
    if tenant.agents_see_all or item.project_id is None:
        return True
    if p.refs & set(item.assignees):
        return True
    return project is not None and project.id == item.project_id and project.has_member(p.user_id, p.team_ids)


def _customer_sees(p: Principal, tenant: Tenant, item: Item, project: Project | None) -> bool:
    mode = tenant.portal.visibility
    if mode is PortalVisibility.NONE:
        return False
    if item.requester_id == p.user_id or p.user_id in item.followers:
        return True
    if not item.portal_visible:
        return False
    if mode is PortalVisibility.OWN_AND_FOLLOWED:
        return project is not None and project.id == item.project_id and p.user_id in project.followers
    if mode is PortalVisibility.OWN_AND_ORGANIZATION:
        return p.organization_id is not None and item.organization_id == p.organization_id
    return mode is PortalVisibility.ALL_PUBLIC


def needs_project(p: Principal | None, tenant: Tenant, item: Item) -> bool:
    """Whether deciding on `item` for `p` needs its project loaded (saves a read when it does not)."""
    if p is None or item.project_id is None or p.role in (Role.ADMIN, Role.INTEGRATION):
        return False
    if p.role is Role.AGENT:
        return not tenant.agents_see_all and not (p.refs & set(item.assignees))
    if item.requester_id == p.user_id or p.user_id in item.followers:
        return False
    return tenant.portal.visibility is PortalVisibility.OWN_AND_FOLLOWED


def needs_managers(p: Principal | None, owner_id: str | None, action: Action) -> bool:
    """Whether deciding on a timesheet of `owner_id` for `p` needs its project's managers loaded: only for an
    agent deciding, or reading someone else's (their own they may read, change and submit regardless)."""
    if p is None or p.role is not Role.AGENT:
        return False
    return action is Action.ADMINISTER or (owner_id is not None and owner_id != p.user_id)
