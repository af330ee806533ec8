"""Modules a tenant switches on or off (issue 15): the one table of what each covers.

A switched-off module's use cases raise ModuleDisabled (404 `module_disabled`) through `tenants.require_module`,
whatever the channel (API, mail, rules, timers, chat), and its screens are hidden. Switching it on again brings
everything back: nothing a module owns is deleted when it goes off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TASKS = "tasks"
PORTAL = "portal"
KNOWLEDGE_BASE = "knowledge_base"
TIME_TRACKING = "time_tracking"
CHAT = "chat"
INTEGRATIONS = "integrations"


@dataclass(frozen=True)
class Module:
    name: str
    default: bool  # its state while the tenant never switched it
    label: str
    description: str  # one line: what the settings screen says under the switch
    covers: tuple[str, ...]  # what goes away while it is off (the README lists the same)


MODULES: tuple[Module, ...] = (
    Module(TASKS, True, "Tasks", "Tasks next to tickets, with boards, Gantt charts and calendars.", (
        "creating task items on any channel (API, forms, inbound webhooks, mail to a task type's address: the mail "
        "is kept as a rejection, replayable)",
        "reading, listing, changing and replying to task items (K- references)",
        "lists without a kind leave tasks out; kind=task answers module_disabled",
        "converting tickets to tasks (API, rules, macros)",
        "planning: GET /v1/projects/{id}/schedule (Gantt, calendar)",
        "creating task item types",
        "rules acting on task items (timers and stream)",
    )),
    Module(PORTAL, True, "Customer portal", "The customers' portal: web forms, sign-in and their requests.", (
        "/v1/public/{slug}/forms (the portal's config), form submissions, magic links",
        "every API call made with a customer's session, customer sign-in",
        "the knowledge base's public routes (they need the knowledge base too)",
        "mail in and out and the agents' workspace keep working",
    )),
    Module(KNOWLEDGE_BASE, True, "Knowledge base", "Help articles for customers and agents.", (
        "the knowledge base's routes, public and workspace, and its search hits",
    )),
    Module(TIME_TRACKING, True, "Time tracking", "Timers, timesheets, approvals, time reports and statements.", (
        "timers, timesheets and their approval, time reports and statements",
        "the timers Lambda does not stop forgotten timers of the tenant",
    )),
    Module(CHAT, False, "Live chat", "A chat tab in the widget, answered live by agents.", (
        "chats, the chat socket and the widget's chat tab",
    )),
    Module(INTEGRATIONS, True, "Integrations", "API keys, REST hooks and inbound webhooks.", (
        "/v1/api-keys, /v1/hooks…, /v1/inbound-webhooks and the inbound webhooks' public URL",
        "every call made with an API key (tdk_…)",
        "rule call_webhook actions are skipped",
        "hook deliveries are recorded but not sent; they go out when the module is on again",
    )),
)
MODULE_DEFAULTS: dict[str, bool] = {m.name: m.default for m in MODULES}

# Rule and macro actions that need a module; the others need none. `set_type` needs none: a type change keeps
# the item's kind (update_item refuses a type of another kind), so it never makes a task.
ACTION_MODULES: dict[str, str] = {
    "convert_to_task": TASKS,
    "call_webhook": INTEGRATIONS,
}


def label(name: str) -> str:
    """The module's name as people read it (`the time tracking`)."""
    found = next((m for m in MODULES if m.name == name), None)
    return found.label if found else name.replace("_", " ")


def action_module(action_type: str) -> str | None:
    """The module a rule or macro action of this kind needs, if any."""
    return ACTION_MODULES.get(action_type)


@dataclass(frozen=True)
class ActionWarning:
    """An action of a rule that will be skipped: the module it needs is switched off."""

    action_index: int
    module: str
    message: str


def skip_reason(action_type: str, on: Mapping[str, bool]) -> str | None:
    """Why an action of this kind is skipped while the modules are as `on` says (None: it runs)."""
    name = action_module(action_type)
    if name is None or on.get(name, MODULE_DEFAULTS.get(name, True)):
        return None
    return f"{action_type.replace('_', ' ')} needs {label(name)}, which is switched off"


def action_warnings(action_types: Sequence[str], on: Mapping[str, bool]) -> list[ActionWarning]:
    """One warning per action whose module is off: what `GET /v1/rules` shows next to the rule."""
    found = []
    for index, kind in enumerate(action_types):
        reason = skip_reason(kind, on)
        if reason is not None:
            found.append(ActionWarning(index, ACTION_MODULES[kind], f"{reason}: the rule skips this action"))
    return found
