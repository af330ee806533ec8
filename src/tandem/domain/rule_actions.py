"""What rules and macros do: one typed struct per action kind, tagged by `type` on the wire.

The JSON shape is flat, `{"type": "set_field", "key": "budget", "value": 1500}`, as the workspace screen and
stored rules have always written it. Decoding checks the shape (kinds, required params, no unknown params,
lengths); whether the ids name real things of the tenant is the use case's check.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from tandem.domain.decoding import decode_as
from tandem.domain.errors import ValidationError
from tandem.domain.item_types import FIELD_KEY_RE, PRIORITIES

MAX_ACTIONS = 50

Id = Annotated[str, Meta(min_length=1, max_length=100)]
StatusKey = Annotated[str, Meta(min_length=1, max_length=50)]
# Assignees are principals: "user:<id>" or "team:<id>" (followers are plain user ids).
PrincipalRef = Annotated[str, Meta(pattern=r"^(user|team):[^\s:]{1,100}$")]
Tag = Annotated[str, Meta(min_length=1, max_length=100)]
FieldKey = Annotated[str, Meta(pattern=FIELD_KEY_RE.pattern)]
FieldValue = (
    Annotated[str, Meta(max_length=10_000)] | bool | int | float | list[Annotated[str, Meta(max_length=1_000)]] | None
)
Priority = Literal["low", "normal", "high", "urgent"]
assert set(Priority.__args__) == set(PRIORITIES)  # type: ignore[attr-defined]


class _Action(msgspec.Struct, tag_field="type", forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Every action is tagged by `type`; a parameter the kind does not know is an error, not ignored."""


class SetStatus(_Action, tag="set_status"):
    value: StatusKey


class SetPriority(_Action, tag="set_priority"):
    value: Priority


class SetType(_Action, tag="set_type"):
    value: Id


class SetProject(_Action, tag="set_project"):
    value: Id | None = None  # None takes the item out of its project


class SetAssignee(_Action, tag="set_assignee"):
    value: PrincipalRef | None = None  # None leaves the item unassigned


class AddAssignee(_Action, tag="add_assignee"):
    value: PrincipalRef


class SetField(_Action, tag="set_field"):
    key: FieldKey
    value: FieldValue = None


class AddFollower(_Action, tag="add_follower"):
    value: Id  # a user id (customers may follow)


class AddTag(_Action, tag="add_tag"):
    value: Tag


class PostMessage(_Action, tag="post_message"):
    body: Annotated[str, Meta(min_length=1, max_length=10_000)]
    visibility: Literal["public", "private"] = "private"


class SendEmail(_Action, tag="send_email"):
    """`to` is `requester`, `followers` or an address; subject and body are sandboxed Jinja templates."""

    to: Annotated[str, Meta(min_length=1, max_length=254)] = "requester"
    subject: Annotated[str, Meta(min_length=1, max_length=500)] = "[{{ item.ref }}] {{ item.title }}"
    body: Annotated[str, Meta(max_length=20_000)] = ""


class CallWebhook(_Action, tag="call_webhook"):
    url: Annotated[str, Meta(max_length=2_000, pattern=r"^https?://\S+$")]
    event: Annotated[str, Meta(min_length=1, max_length=100)] = "rule"


class ConvertToTask(_Action, tag="convert_to_task"):
    type_id: Id | None = None  # None: the task type chosen by conversion


class ApplySla(_Action, tag="apply_sla"):
    policy_id: Id


class Stop(_Action, tag="stop"):
    """Ends the evaluation: later actions of the rule and later rules do not run."""


Action = (
    SetStatus
    | SetPriority
    | SetType
    | SetProject
    | SetAssignee
    | AddAssignee
    | SetField
    | AddFollower
    | AddTag
    | PostMessage
    | SendEmail
    | CallWebhook
    | ConvertToTask
    | ApplySla
    | Stop
)
ActionList = Annotated[list[Action], Meta(max_length=MAX_ACTIONS)]
ACTION_TYPES: tuple[str, ...] = tuple(cls.__struct_config__.tag for cls in Action.__args__)
# Actions that only change fields: merged into one write per run.
SET_FIELDS: dict[type, str] = {
    SetStatus: "status", SetPriority: "priority", SetType: "type_id", SetProject: "project_id"
}
# Actions with an effect of their own beyond the fields, each claimed once.
SIDE_EFFECTS = (PostMessage, SendEmail, CallWebhook, ConvertToTask, ApplySla)


def action_type(action: Action) -> str:
    """The wire name of an action's kind (`set_status` …)."""
    return str(action.__struct_config__.tag)


def decode_actions(raw: Any, root: str = "actions") -> list[Action]:
    """Parsed JSON → typed actions; a ValidationError names the bad part, e.g. `actions[0].key`."""
    if raw is None:
        raise ValidationError("actions must be a list", {"field": root})
    return decode_as(raw, ActionList, root)


def actions_json(actions: list[Action]) -> list[dict[str, Any]]:
    """Typed actions → their JSON shape (every parameter spelled out, defaults included)."""
    return msgspec.to_builtins(actions)
