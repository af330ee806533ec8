"""Passwords, signed expiring tokens and emailed magic links."""

from __future__ import annotations

from typing import Any

from tandem.domain.api_keys import KEY_PREFIX
from tandem.domain.errors import Unauthorized, ValidationError
from tandem.domain.people import Role, User, normalize_email
from tandem.domain.permissions import Principal
from tandem.domain.tenants import INTEGRATIONS, PORTAL, require_module
from tandem.services import api_keys, roles, sessions, throttle
from tandem.services.deps import Deps
from tandem.services.modules import module_tenant
from tandem.services.ports import OutboundMail

ACCESS = "access"
MAGIC = "magic"


def _team_ids(deps: Deps, user: User) -> list[str]:
    if not user.role.is_staff:
        return []
    teams = deps.repos.teams.list(user.tenant_id, limit=200).items
    return [t.id for t in teams if user.id in t.member_ids]


def issue_token(deps: Deps, user: User, team_ids: list[str] | None = None) -> str:
    """A signed access token: the tenant, role and teams travel in it, never in a request.

    Its id (`jti`) lets a logout end this one session; `sv` (the user's session version) lets a change to the
    user end all of them (services/sessions.py)."""
    teams = _team_ids(deps, user) if team_ids is None else team_ids
    claims = {
        "typ": ACCESS,
        "jti": deps.new_id(),
        "sv": user.session_version,
        "sub": user.id,
        "tid": user.tenant_id,
        "role": user.role.value,
        "rid": user.role_id,  # what the caller may do is resolved from it on every request (services/roles.py)
        "teams": teams,
        "org": user.organization_id,
        "email": user.email,
        "name": user.name,
    }
    return deps.tokens.issue(claims, deps.settings.token_ttl_seconds)


def _access_claims(deps: Deps, token: str) -> dict[str, Any] | None:
    claims = deps.tokens.verify(token)
    return claims if claims and claims.get("typ") == ACCESS else None


def principal_from_token(deps: Deps, token: str) -> Principal:
    """The caller behind a bearer token whose session still stands, or behind an API key (`tdk_…`);
    Unauthorized for anything else."""
    principal, claims = claimed_principal(deps, token)
    if claims is not None and not sessions.session_alive(deps, claims):
        raise Unauthorized("this session has ended; sign in again")
    require_credential_module(deps, principal)
    return principal


# Credentials that belong to a module (issue 15): a customer's session is the portal's, an API key the
# integrations'. While the module is off every call made with one answers 404 `module_disabled`.
CREDENTIAL_MODULES = {Role.CUSTOMER: PORTAL, Role.INTEGRATION: INTEGRATIONS}


def require_credential_module(deps: Deps, p: Principal) -> None:
    """ModuleDisabled when the caller's kind of credential belongs to a switched-off module (one cached tenant
    read, for customers and API keys only: staff sessions never need it)."""
    name = CREDENTIAL_MODULES.get(p.role)
    if name is not None:
        module_tenant(deps, p.tenant_id, name)


def claimed_principal(deps: Deps, token: str) -> tuple[Principal, dict[str, Any] | None]:
    """The caller a credential names, with the access token's claims whose session the caller must still check
    (`sessions.session_alive`); an API key is checked in full here (claims None). Unauthorized for anything else."""
    if token.startswith(KEY_PREFIX):
        return api_keys.principal_from_key(deps, token), None
    claims = _access_claims(deps, token)
    if claims is None:
        raise Unauthorized("invalid or expired token")
    try:
        role, role_id = Role(claims["role"]), claims.get("rid") or None
        if not role.is_person or not isinstance(role_id, str | None):  # only an API key speaks for an integration
            raise ValueError("not a person's token")
        principal = Principal(
            tenant_id=claims["tid"],
            user_id=claims["sub"],
            role=role,
            team_ids=tuple(claims.get("teams") or ()),
            organization_id=claims.get("org"),
            email=claims.get("email", ""),
            name=claims.get("name", ""),
            privileges=roles.privileges_for(deps, str(claims["tid"]), role_id, role),
            role_id=role_id if role.is_staff else None,
        )
    except (KeyError, ValueError) as exc:
        raise Unauthorized("invalid token") from exc
    return principal, claims


def log_out(deps: Deps, token: str | None) -> None:
    """End the session of this token at once (only this one: the user's other devices stay signed in).

    Anything that is not a valid access token is ignored: signing out twice, or with an expired token, is fine."""
    claims = _access_claims(deps, token or "")
    if claims is not None:
        sessions.revoke(deps, claims)


def log_in(deps: Deps, *, tenant_slug: str, email: str, password: str, ip: str | None = None) -> str:
    """Password sign-in; every failure looks the same so accounts cannot be probed.

    Throttled per account (tenant + email) and per caller IP (services/throttle.py): past a limit even the
    right password is refused with TooManyRequests until the window ends."""
    if not all(isinstance(v, str) and v for v in (tenant_slug, email, password)):
        raise ValidationError("tenant, email and password are required")
    hits = throttle.login_attempt(deps, tenant_slug=tenant_slug, email=email, ip=ip)
    user = _checked_user(deps, tenant_slug, email, password)
    for hit in hits:  # only failures count
        throttle.give_back(deps, hit)
    _portal_for(deps, user)  # after the password: the answer tells nothing to someone who does not know it
    return issue_token(deps, user)


def _portal_for(deps: Deps, user: User) -> None:
    """Customers sign in to the portal: not while it is switched off."""
    if user.role is Role.CUSTOMER:
        module_tenant(deps, user.tenant_id, PORTAL)


def _checked_user(deps: Deps, tenant_slug: str, email: str, password: str) -> User:
    failure = Unauthorized("wrong tenant, email or password")
    tenant = deps.repos.tenants.by_slug(tenant_slug.strip().lower())
    if tenant is None:
        raise failure
    try:
        user = deps.repos.users.by_email(tenant.id, normalize_email(email))
    except ValidationError:
        raise failure from None
    if user is None or not user.active or not user.password_hash:
        deps.passwords.verify("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$0000", password)  # even out timing
        raise failure
    if not deps.passwords.verify(user.password_hash, password):
        raise failure
    return user


def request_magic_link(deps: Deps, *, tenant_slug: str, email: str, ip: str | None = None) -> None:
    """Email a one-time sign-in link; silent when the address is unknown (no account probing).

    At most `magic_links_per_address` mails per address and window (silently: the answer never tells), and
    TooManyRequests past `magic_links_per_ip` requests from one IP."""
    throttle.magic_link_request(deps, ip=ip)
    tenant = deps.repos.tenants.by_slug((tenant_slug or "").strip().lower())
    if tenant is None:
        return
    require_module(tenant, PORTAL)  # the portal's route: gone while the portal is off
    user = deps.repos.users.by_email(tenant.id, normalize_email(email))
    if user is None or not user.active or user.email_failing:
        return
    if not throttle.magic_link_mail_allowed(deps, tenant_id=tenant.id, email=user.email):
        return
    token = deps.tokens.issue(
        {"typ": MAGIC, "sub": user.id, "tid": tenant.id, "jti": deps.new_id()}, deps.settings.magic_link_ttl_seconds
    )
    url = f"{deps.settings.portal_url}/portal/{tenant.slug}/#/signin?token={token}"
    text = (
        f"Hello {user.name},\n\nSign in to {tenant.name} with this link (valid for "
        f"{deps.settings.magic_link_ttl_seconds // 60} minutes):\n\n{url}\n\n"
        "If you did not ask for it, ignore this mail.\n"
    )
    deps.mailer.send(
        tenant,
        OutboundMail(
            to=[user.email],
            subject=f"Sign in to {tenant.name}",
            text=text,
            headers={"Auto-Submitted": "auto-generated"},
        ),
    )


def redeem_magic_link(deps: Deps, token: str) -> str:
    """Exchange a magic-link token for an access token."""
    claims = deps.tokens.verify(token or "")
    if not claims or claims.get("typ") != MAGIC:
        raise Unauthorized("invalid or expired link")
    user = deps.repos.users.get(claims["tid"], claims["sub"])
    if user is None or not user.active:
        raise Unauthorized("invalid or expired link")
    _portal_for(deps, user)  # before the claim: the link works again once the portal is back
    # One use only: a link forwarded or left in a mailbox cannot sign anyone in a second time.
    if not deps.repos.mail.claim(user.tenant_id, f"magic:{claims.get('jti')}", deps.settings.magic_link_ttl_seconds):
        raise Unauthorized("this sign-in link was already used")
    return issue_token(deps, user)
