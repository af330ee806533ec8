"""`dynamo_repos()`: every PynamoDB repo on the one table, each built (and its module imported) on first use."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tandem.services.ports import Repos


def _item_repo(facts: Any, users: Any) -> Any:
    from tandem.dal.dynamo_items import DynamoItemRepo

    return DynamoItemRepo(facts, users)


def dynamo_repos() -> Repos:
    """Every repository on the one table, each built, and its module imported, on first use (a LazyRepos): a
    Lambda's first call imports only the adapters it touches."""
    from tandem.dal.deferred import LazyRepos
    from tandem.dal.warm import WarmFacts

    def lazy(module: str, name: str, *needs: str) -> Callable[[Repos], Any]:
        def build(repos: Repos) -> Any:
            import importlib

            return getattr(importlib.import_module(f"tandem.dal.{module}"), name)(*(getattr(repos, n) for n in needs))

        return build

    builders = dict(
        items=lambda repos: _item_repo(facts, repos.users),
        conversations=lazy("dynamo_items", "DynamoConversationRepo", "items"),
        idempotency=lazy("dynamo_mail", "DynamoIdempotencyStore"), mail=lazy("dynamo_mail", "DynamoMailLog"),
        rules=lazy("dynamo_rules", "DynamoRuleRepo"), macros=lazy("dynamo_rules", "DynamoMacroRepo"),
        timers=lazy("dynamo_mail", "DynamoTimerRepo"), counters=lazy("dynamo_mail", "DynamoCounters"),
        revocations=lazy("dynamo_mail", "DynamoRevocations"), api_keys=lazy("dynamo_keys", "DynamoApiKeyRepo"),
        hooks=lazy("dynamo_hooks", "hook_repo"), deliveries=lazy("dynamo_hooks", "DynamoDeliveryRepo"),
        inbound_webhooks=lazy("dynamo_inbound", "DynamoInboundWebhookRepo"),
        notifications=lazy("dynamo_notes", "DynamoNotificationRepo"),
        queue_counts=lazy("dynamo_queues", "DynamoQueueCounters"), search=lazy("dynamo_search", "DynamoSearchIndex"),
        views=lazy("dynamo_views", "DynamoViewRepo"), time=lazy("dynamo_time", "DynamoTimeRepo"),
        time_cells=lazy("dynamo_time_cells", "DynamoTimeCells"), kb_categories=lazy("dynamo_kb", "category_repo"),
        articles=lazy("dynamo_kb", "DynamoArticleRepo"), chats=lazy("dynamo_chat", "DynamoChatRepo"),
        roles=lazy("dynamo_roles", "role_repo"),
        join_requests=lazy("dynamo_projects", "DynamoJoinRequestRepo", "projects"),
        folders=lazy("dynamo_projects", "DynamoFolderRepo"),
        imports=lazy("dynamo_imports", "DynamoImportLedger", "users"),
    )
    # What a warm Lambda remembers (dal/warm.py), shared by the repos whose writes re-check it.
    facts = WarmFacts()
    builders.update({name: _people(name, facts) for name in PEOPLE})
    return LazyRepos.deferred(builders)


# The people and configuration repos (dal/dynamo_people.py, with the domain types they decode), built on first use
# too: a timer tick that finds nothing due imports none of them.
PEOPLE = ("users", "teams", "organizations", "portfolios", "projects", "item_types", "sla_policies", "tenants")


def _people(name: str, facts: Any) -> Callable[[Repos], Any]:
    def build(repos: Repos) -> Any:
        from tandem.dal.dynamo_people import people_repo

        return people_repo(name, facts, repos)

    return build
