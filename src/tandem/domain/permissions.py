"""Who sees and does what: the ONE permission function of the product.

Every route asks `allowed(principal, action, target)`. Targets describe what the decision needs
(the item, its project, the tenant settings); loading them is the caller's job, deciding is here.
Anything of another tenant is invisible, whatever the role.

Staff people (base role admin or agent) are decided by the privileges of their role (domain/roles.py, resolved
per request); the built-in admin and agent roles hold exactly what those roles could do before roles existed.
Customers are decided by what they requested, follow or their portal shows; API keys by their scopes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tandem.domain.hierarchy import Project, team_ref, user_ref
from tandem.domain.items import Item
from tandem.domain.kb import Article, ArticleVisibility
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import Role
from tandem.domain.roles import Privilege as Pv
from tandem.domain.roles import default_privileges, default_role_id
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
    # What a staff person may do (domain/roles.py): the privileges of their role, resolved per request. Left out,
    # the built-in role of `role` (admin or agent, as before roles existed); customers and keys hold none.
    privileges: frozenset[str] | None = None
    role_id: str | None = None  # their role, built-in or custom (left out: the built-in of `role`)

    def __post_init__(self) -> None:
        if self.privileges is None:
            object.__setattr__(self, "privileges", default_privileges(self.role))
        if self.role_id is None:
            object.__setattr__(self, "role_id", default_role_id(self.role))

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def is_person_staff(self) -> bool:
        """An admin or agent person (an API key is staff-like in what it is shown, but no person)."""
        return self.role in (Role.ADMIN, Role.AGENT)

    def holds(self, privilege: str) -> bool:
        """Whether this staff person's role grants the privilege (customers and API keys hold none)."""
        return self.is_person_staff and privilege in (self.privileges or ())

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
    READ_HISTORY = "read_history"  # an item's activity: the staff who see it; keys that both read and write items
    JOIN = "join"  # issue 15: asking to join a project (ProjectTarget only)


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
    API_KEYS = "api_keys"  # settings.manage with items.see_all and items.edit (a key reaches every item)
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
    IMPORTS = "imports"  # CSV imports (CREATE, also to guess a mapping): people, customers and items in bulk
    ROLES = "roles"  # role definitions (domain/roles.py): people.manage
    CHATS = "chats"  # live chats: answered by those who reply publicly; UPDATE (speak, close) with extra `agent_id`,
    # the agent who took the chat: them, or someone who sees every item stepping in


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
    """Staff who save views see their own and those shared with them; the owner or someone who manages the
    settings (who looks after every team's views) changes or deletes one."""
    if not p.holds(Pv.VIEWS_SAVE):
        return False
    overseer = p.holds(Pv.SETTINGS_MANAGE)
    if not seen_by(view, p.user_id, p.team_ids, admin=overseer):
        return False
    return action is Action.READ or view.owner_id == p.user_id or overseer


def _article(p: Principal | None, action: Action, article: Article) -> bool:
    """Staff people read every article of their tenant, drafts too, and those with kb.write write them. Anyone else
    only reads a published one: anonymous callers (and API keys, which are nobody) the public ones; a signed-in
    customer also those for all customers and those limited to organisations that include theirs."""
    if p is not None and p.tenant_id != article.tenant_id:
        return False
    if p is not None and p.is_person_staff:
        return action is Action.READ or p.holds(Pv.KB_WRITE)
    if action is not Action.READ or not article.published:
        return False
    if article.visibility is ArticleVisibility.PUBLIC:
        return True
    if p is None or p.role is not Role.CUSTOMER:
        return False
    if article.visibility is ArticleVisibility.CUSTOMERS:
        return True
    return p.organization_id is not None and p.organization_id in article.organization_ids


STAFF = "staff"  # in AREA_PRIVILEGES: any staff person, whatever their role
_DIRECTORY = (Area.USERS, Area.TEAMS, Area.ORGANIZATIONS, Area.CUSTOMERS, Area.PORTFOLIOS)
_WRITES = (Action.CREATE, Action.UPDATE, Action.ADMINISTER)
# What a staff person needs to do an action on a tenant-wide area (a tuple: all of them). A pair not listed needs
# settings.manage (the tenant's configuration: settings, item types, rules, inbound webhooks, KB categories).
AREA_PRIVILEGES: dict[tuple[Area, Action], str | tuple[str, ...]] = {
    **{(area, Action.READ): Pv.DIRECTORY_READ for area in _DIRECTORY},
    **{(area, Action.READ): STAFF for area in (Area.PROJECTS, Area.ITEM_TYPES, Area.ITEMS, Area.QUEUES,
                                              Area.SCHEDULES, Area.KB_CATEGORIES, Area.KB_ARTICLES)},
    **{(area, a): Pv.PEOPLE_MANAGE for area in (Area.USERS, Area.TEAMS, Area.ORGANIZATIONS, Area.CUSTOMERS,
                                                Area.ROLES) for a in _WRITES},
    **{(area, a): Pv.PROJECTS_MANAGE for area in (Area.PORTFOLIOS, Area.PROJECTS) for a in _WRITES},
    (Area.ROLES, Action.READ): Pv.PEOPLE_MANAGE,
    (Area.CUSTOMERS, Action.CREATE): Pv.CUSTOMERS_CREATE,  # met in the work
    (Area.ORGANIZATIONS, Action.CREATE): Pv.CUSTOMERS_CREATE,
    (Area.ITEMS, Action.CREATE): Pv.ITEMS_EDIT,
    (Area.ITEMS, Action.UPDATE): Pv.ITEMS_EDIT,  # a bulk change, before each item is decided on its own
    (Area.KB_ARTICLES, Action.CREATE): Pv.KB_WRITE,
    (Area.VIEWS, Action.READ): Pv.VIEWS_SAVE,
    (Area.VIEWS, Action.CREATE): Pv.VIEWS_SAVE,
    (Area.NOTIFICATIONS, Action.READ): STAFF,  # each person their own; customers get mail, not a workspace inbox
    (Area.NOTIFICATIONS, Action.UPDATE): STAFF,
    # An API key reads and changes every item of the tenant, and a REST hook is sent every item's events: nobody
    # hands out more than they may see and do themselves.
    **{(Area.API_KEYS, a): (Pv.SETTINGS_MANAGE, Pv.ITEMS_SEE_ALL, Pv.ITEMS_EDIT) for a in Action},
    **{(Area.HOOKS, a): (Pv.SETTINGS_MANAGE, Pv.ITEMS_SEE_ALL) for a in Action},
    # An import makes users (of any role), customers and items: only who may make each of them by hand.
    **{(Area.IMPORTS, a): (Pv.SETTINGS_MANAGE, Pv.PEOPLE_MANAGE, Pv.CUSTOMERS_CREATE, Pv.ITEMS_EDIT) for a in Action},
}
# Areas whose every action is listed above: nothing else is done to them, by anyone.
_CLOSED = (Area.VIEWS, Area.KB_ARTICLES, Area.NOTIFICATIONS)


def _area(p: Principal, action: Action, target: AreaTarget) -> bool:
    if target.area in (Area.TIMERS, Area.TIMESHEETS):
        return _time(p, action, target)
    if target.area is Area.CHATS:
        return _chats(p, action, target)
    if p.role is Role.CUSTOMER:
        if action is Action.CREATE and target.area is Area.ITEMS:
            return True  # customers file requests (as their own requester)
        # Customers read only the lists scoped to them (projects they follow, the public forms).
        return action is Action.READ and target.area in (Area.PROJECTS, Area.ITEM_TYPES)
    if not p.is_person_staff:
        return False
    needed = AREA_PRIVILEGES.get((target.area, action))
    if needed is None:
        return target.area not in _CLOSED and p.holds(Pv.SETTINGS_MANAGE)
    if isinstance(needed, tuple):
        return all(p.holds(each) for each in needed)
    return needed == STAFF or p.holds(needed)


def _chats(p: Principal, action: Action, target: AreaTarget) -> bool:
    """Live chat is answered by those who reply to customers publicly; in a chat another took, only someone who
    sees every item steps in."""
    if not p.holds(Pv.ITEMS_REPLY):
        return False
    if action in (Action.READ, Action.CREATE):
        return True
    return target.extra.get("agent_id") == p.user_id or p.holds(Pv.ITEMS_SEE_ALL)


def _time(p: Principal, action: Action, target: AreaTarget) -> bool:
    """Time is tracked by staff people; customers and API keys have none. The target's `extra` says what the
    decision needs: `owner_id`, whose timesheet(s) (absent: the caller's own, or none yet), and `managers`, the
    user ids managing the project of the timesheet(s) (absent: none, or not needed for this caller).

    time.track works on one's own timers and timesheets; time.read_all reads everyone's, time.approve decides on
    them (and reads them), time.manage changes them. A manager of the project also reads those of others (READ)
    and decides on them (ADMINISTER), but changes none of them (UPDATE)."""
    if target.area is Area.TIMERS:
        return p.holds(Pv.TIME_TRACK)
    if not p.is_person_staff:
        return False
    manages = p.user_id in target.extra.get("managers", ())
    if action is Action.ADMINISTER:
        return manages or p.holds(Pv.TIME_APPROVE)
    readers = p.holds(Pv.TIME_READ_ALL) or p.holds(Pv.TIME_APPROVE)
    owner = target.extra.get("owner_id")
    if owner is None or owner == p.user_id:
        return p.holds(Pv.TIME_TRACK) or (action is Action.READ and readers)
    if action is Action.READ:
        return readers or manages
    return p.holds(Pv.TIME_MANAGE)


def reads_everyones_time(p: Principal, project: Project | None = None) -> bool:
    """Whether `p` reads everybody's time (reports, statements, timesheet lists), within `project` when given:
    holders of time.read_all (or time.approve), and the project's managers for that project; otherwise a staff
    person reads their own only and the caller narrows the read to it."""
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
    if action is Action.READ_HISTORY:  # who did what internally: a key that both reads and changes items
        return ITEM_SCOPES <= p.scopes
    return action in WRITES and not isinstance(target, MessageTarget) and "items:write" in p.scopes


def _any_item_scope(p: Principal) -> bool:
    return bool(p.scopes & ITEM_SCOPES)


def _project(p: Principal, action: Action, target: ProjectTarget) -> bool:
    """Those who manage projects do anything to every project; staff read the projects they are members or
    managers of (every one in an open tenant, or when they see every item); a project's managers administer it
    (decide its join requests and timesheets, share it, import plans into it). Customers read the projects they
    follow."""
    project = target.project
    if p.role is Role.INTEGRATION:
        return _integration(p, action, target)
    if p.role is Role.CUSTOMER:
        return action is Action.READ and p.user_id in project.followers
    if action is Action.JOIN:
        # Any staff person who cannot add themselves may ask to join (so they know every project's name; whether
        # they are a member already is the request's business) and follow their own requests.
        return p.is_person_staff and not p.holds(Pv.PROJECTS_MANAGE)
    if p.holds(Pv.PROJECTS_MANAGE):
        return True
    manager = p.is_person_staff and p.user_id in project.managers
    if action is Action.ADMINISTER:
        return manager
    if action is not Action.READ or not p.is_person_staff:
        return False
    # Its managers see the project they decide timesheets of, members or not (its items stay the members').
    member = target.tenant.agents_see_all or project.has_member(p.user_id, p.team_ids)
    return member or manager or p.holds(Pv.ITEMS_SEE_ALL)


# What a staff person who sees an item needs to do each action to it (seeing it is enough to read it).
ITEM_PRIVILEGES: dict[Action, str] = {
    Action.UPDATE: Pv.ITEMS_EDIT,
    Action.CREATE: Pv.ITEMS_EDIT,
    Action.CONVERT: Pv.ITEMS_EDIT,
    Action.ADMINISTER: Pv.ITEMS_EDIT,
    Action.COMMENT_PUBLIC: Pv.ITEMS_REPLY,
    Action.COMMENT_PRIVATE: Pv.ITEMS_NOTE,
}


def _item(p: Principal, action: Action, target: ItemTarget) -> bool:
    if not _sees_item(p, target.tenant, target.item, target.project):
        return False
    if p.role is Role.CUSTOMER:
        # Customers converse publicly on what they see; only staff change fields, write private notes, read history.
        return action in (Action.READ, Action.COMMENT_PUBLIC)
    needed = ITEM_PRIVILEGES.get(action)
    return needed is None or p.holds(needed)


def _sees_item(p: Principal, tenant: Tenant, item: Item, project: Project | None) -> bool:
    if item.tenant_id != p.tenant_id:
        return False
    if p.role is Role.INTEGRATION:
        # Knowing an item exists: a write-only key may change what it cannot read (a read is then 403, not 404).
        return _any_item_scope(p)
    if p.role is Role.CUSTOMER:
        return _customer_sees(p, tenant, item, project)
    if p.holds(Pv.ITEMS_SEE_ALL):
        return True
    return _agent_sees(p, tenant, item, project)


def sees_every_item(p: Principal, tenant: Tenant) -> bool:
    """Whether `p` sees every item of its tenant without looking at projects (queue counts use the tenant-wide
    counters then): holders of items.see_all, everyone in an open tenant, and API keys that read items."""
    if p.role is Role.INTEGRATION:
        return _any_item_scope(p)
    return p.is_person_staff and (tenant.agents_see_all or p.holds(Pv.ITEMS_SEE_ALL))


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
    if p is None or item.project_id is None or p.role is Role.INTEGRATION:
        return False
    if p.role is Role.CUSTOMER:
        if item.requester_id == p.user_id or p.user_id in item.followers:
            return False
        return tenant.portal.visibility is PortalVisibility.OWN_AND_FOLLOWED
    if p.holds(Pv.ITEMS_SEE_ALL):
        return False
    return not tenant.agents_see_all and not (p.refs & set(item.assignees))


def needs_managers(p: Principal | None, owner_id: str | None, action: Action) -> bool:
    """Whether deciding on a timesheet of `owner_id` for `p` needs its project's managers loaded: only for a staff
    person deciding without time.approve, or reading someone else's without reading everyone's (their own they
    may read, change and submit regardless)."""
    if p is None or not p.is_person_staff:
        return False
    if action is Action.ADMINISTER:
        return not p.holds(Pv.TIME_APPROVE)
    others = owner_id is not None and owner_id != p.user_id
    return others and not (p.holds(Pv.TIME_READ_ALL) or p.holds(Pv.TIME_APPROVE))
