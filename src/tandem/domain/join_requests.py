"""Asking to join a project (issue 15): an agent who is no member asks, an admin or a manager of the project
approves (the agent becomes a member) or declines.

A request is pending until decided; deciding is final. The same decision again changes nothing (a retried click
or a redelivered call), a different one is a conflict: the first decision stands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from tandem.domain.errors import Conflict
from tandem.domain.exposure import exposed
from tandem.domain.limits import Summary

MESSAGE = 4000  # characters of the asker's message and of the decider's note (the `Summary` limit)


class JoinState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass
class JoinRequest:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    project_id: str = exposed()
    user_id: str = exposed()
    created_at: str = exposed()
    message: Summary = exposed(create=True, default="")
    state: JoinState = exposed(default=JoinState.PENDING)
    decided_by: str | None = exposed(default=None)
    decided_at: str | None = exposed(default=None)
    note: Summary = exposed(default="")  # what the decider wrote to the asker
    version: int = exposed(default=0)

    @property
    def pending(self) -> bool:
        return self.state is JoinState.PENDING


def decide(request: JoinRequest, state: JoinState, *, by: str, at: str, note: str = "") -> JoinRequest | None:
    """The request decided as `state`, or None when it already is (nothing to write). Conflict when it was decided
    the other way: a decision is final."""
    if state is JoinState.PENDING:
        raise ValueError("a decision approves or declines")
    if request.state is state:
        return None
    if not request.pending:
        raise Conflict(f"this request was {request.state.value} already",
                       {"state": request.state.value, "decided_by": request.decided_by})
    return replace(request, state=state, decided_by=by, decided_at=at, note=note)
