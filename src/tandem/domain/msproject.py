"""Microsoft Project XML (the 2010+ "Save As XML" format) read into plain plan records (pure, no I/O).

The file comes from a user, so it is read with defusedxml: a DOCTYPE, entity declarations and external
references are refused outright (billion laughs, quadratic blow-up, XXE), and the input is bounded
(MAX_BYTES, MAX_TASKS). Every value problem is collected and reported at once, each naming the task UID, as one
ValidationError (422): a plan either imports as a whole or not at all.

What is read: Tasks (UID, ID, Name, WBS, OutlineNumber, OutlineLevel, Start, Finish, Duration, PercentComplete,
Summary, Milestone, PredecessorLink, Notes), Resources (UID, Name, EmailAddress) and Assignments (TaskUID,
ResourceUID). The project summary task (UID 0 / outline level 0) and blank rows (IsNull) are skipped, as are the
blank resource UID 0 and the "unassigned" resource -65535 real exports carry. Only finish-to-start links are
Tandem predecessors; other link types, lags and links to other projects are kept aside as notices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tandem.domain.errors import TooLarge, ValidationError
from tandem.domain.limits import DESCRIPTION, EMAIL, LIST, NAME, PREDECESSORS, TITLE
from tandem.domain.plan_graph import find_cycle

NS = "http://schemas.microsoft.com/project"
MAX_BYTES = 10 * 1024 * 1024
MAX_TASKS = 5_000
MAX_RESOURCES = 5_000
MAX_ERRORS = 50  # reported at once; a file wrong everywhere needs no 5,000-line answer
UNASSIGNED = -65535  # the resource MS Project writes for an assignment without one
FINISH_TO_START = 1
LINK_TYPES = {0: "finish-to-finish", 1: "finish-to-start", 2: "start-to-finish", 3: "start-to-start"}
_DURATION = re.compile(
    r"^P(?=\d|T\d)(?:(\d{1,6}(?:\.\d{1,9})?)D)?"
    r"(?:T(?=\d)(?:(\d{1,9}(?:\.\d{1,9})?)H)?(?:(\d{1,9}(?:\.\d{1,9})?)M)?(?:(\d{1,9}(?:\.\d{1,9})?)S)?)?$"
)


@dataclass
class PlanTask:
    """One task of the plan; `parent_uid` is None for a top-level task (the project summary is not a task here)."""

    uid: int
    name: str
    id: int | None = None
    wbs: str = ""
    outline_number: str = ""
    outline_level: int = 1
    parent_uid: int | None = None
    start: date | None = None
    finish: date | None = None
    duration_minutes: int | None = None
    percent_complete: int = 0
    milestone: bool = False
    summary: bool = False
    predecessor_uids: list[int] = field(default_factory=list)  # finish-to-start only
    notes: str = ""
    resource_uids: list[int] = field(default_factory=list)


@dataclass
class PlanResource:
    uid: int
    name: str
    email: str | None = None


@dataclass
class PlanNotice:
    """Something of the file Tandem does not keep as it is (a start-to-start link, a lag, cut notes)."""

    uid: int
    field: str
    message: str


@dataclass
class Plan:
    title: str
    tasks: list[PlanTask]  # in outline order: every parent before its children
    resources: list[PlanResource]
    notices: list[PlanNotice] = field(default_factory=list)


def parse_duration(text: str) -> int:
    """An ISO 8601 duration as MS Project writes it (`PT8H0M0S`, `PT4H30M0S`, also `P1DT2H`) in whole minutes,
    rounded half up; ValueError for anything else (years, months and weeks have no fixed length)."""
    found = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise ValueError(f"not a duration: {str(text)[:40]!r}")
    days, hours, minutes, seconds = (Decimal(g) if g else Decimal(0) for g in found.groups())
    total = days * 86400 + hours * 3600 + minutes * 60 + seconds
    return int((total + 30) // 60)


def format_duration(minutes: int) -> str:
    """Whole minutes the way MS Project writes a duration."""
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def parse_plan(data: bytes | str) -> Plan:
    """Read an MS Project XML export: TooLarge past MAX_BYTES or MAX_TASKS, ValidationError (details.errors, each
    with `uid` and `field`) for XML that is unsafe, not well formed, not a project, or has wrong values."""
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        raise TooLarge(f"the plan is larger than {MAX_BYTES} bytes", {"field": "xml", "limit": MAX_BYTES})
    # Text is parsed as text (its declared encoding is moot: a UTF-16 file read by a client stays readable);
    # bytes are parsed as the declaration says.
    root = _read_xml(data if isinstance(data, str) else bytes(data))
    reader = _Reader(root.tag[: -len("Project")])
    plan = reader.plan(root)
    if reader.errors:
        shown = reader.errors[:MAX_ERRORS]
        first = shown[0]["message"]
        more = f" (and {len(reader.errors) - 1} more)" if len(reader.errors) > 1 else ""
        raise ValidationError(f"the plan has errors: {first}{more}", {"field": "xml", "errors": shown})
    return plan


def _read_xml(raw: bytes | str) -> Element:
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ValidationError("the XML may not contain a DOCTYPE, entities or external references",
                              {"field": "xml", "reason": type(exc).__name__}) from exc
    except UnicodeEncodeError as exc:  # a lone surrogate in text (JSON allows one): no XML holds it
        raise ValidationError("the XML holds characters that are not Unicode text", {"field": "xml"}) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ValidationError(f"not well-formed XML (line {line}, column {column})",
                              {"field": "xml", "line": line, "column": column}) from exc
    if root.tag not in (f"{{{NS}}}Project", "Project"):
        raise ValidationError(f"not a Microsoft Project XML file: the root element must be Project in {NS}",
                              {"field": "xml"})
    return root


def _too_many_tasks() -> None:
    raise TooLarge(f"the plan has more than {MAX_TASKS} tasks", {"field": "xml", "limit": MAX_TASKS})


class _Reader:
    """One pass over the document, collecting every error instead of stopping at the first."""

    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.errors: list[dict[str, Any]] = []
        self.notices: list[PlanNotice] = []

    def plan(self, root: Element) -> Plan:
        task_nodes = self._all(root, "Tasks", "Task")
        if len(task_nodes) > MAX_TASKS + 1:  # the project summary task comes on top (counted exactly below)
            _too_many_tasks()
        resource_nodes = self._all(root, "Resources", "Resource")
        if len(resource_nodes) > MAX_RESOURCES:
            raise TooLarge(f"the plan has more than {MAX_RESOURCES} resources",
                           {"field": "xml", "limit": MAX_RESOURCES})
        skipped: set[int] = set()
        tasks = [t for node in task_nodes if (t := self._task(node, skipped)) is not None]
        if len(tasks) > MAX_TASKS:
            _too_many_tasks()
        tasks = self._unique(tasks, "Task")
        self._outline(tasks)
        self._links(tasks)
        resources = self._unique([r for n in resource_nodes if (r := self._resource(n)) is not None], "Resource")
        self._assignments(root, tasks, resources, skipped)
        title = (self._text(root, "Title") or self._text(root, "Name") or "").strip()
        return Plan(title[:TITLE], tasks, resources, self.notices)

    # -- reading values ------------------------------------------------------------------------------------
    def _all(self, node: Element, *path: str) -> list[Element]:
        return node.findall("/".join(self.ns + p for p in path))

    def _text(self, node: Element, name: str) -> str | None:
        found = node.find(self.ns + name)
        return None if found is None else (found.text or "")

    def _error(self, uid: Any, where: str, message: str) -> None:
        self.errors.append({"uid": uid, "field": where, "message": message})

    def _int(self, node: Element, name: str, where: str, uid: Any, default: int | None = None) -> int | None:
        text = self._text(node, name)
        if text is None or not text.strip():
            return default
        try:
            return int(text.strip())
        except ValueError:
            self._error(uid, f"{where}.{name}", f"{name} must be a whole number")
            return default

    def _flag(self, node: Element, name: str, where: str, uid: Any) -> bool:
        text = (self._text(node, name) or "0").strip().lower()
        if text not in ("0", "1", "true", "false"):
            self._error(uid, f"{where}.{name}", f"{name} must be 0 or 1")
        return text in ("1", "true")

    def _day(self, node: Element, name: str, where: str, uid: int) -> date | None:
        text = (self._text(node, name) or "").strip()
        if not text:
            return None
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            self._error(uid, f"{where}.{name}", f"{name} must be a date and time (YYYY-MM-DDTHH:MM:SS)")
            return None

    # -- tasks ---------------------------------------------------------------------------------------------
    def _task(self, node: Element, skipped: set[int]) -> PlanTask | None:
        uid = self._int(node, "UID", "Task", None)
        if uid is None or uid < 0:
            self._error(uid, "Task.UID", "every task needs a UID (a whole number, 0 or more)")
            return None
        where = f"Task[UID={uid}]"
        level = self._int(node, "OutlineLevel", where, uid)
        if self._flag(node, "IsNull", where, uid) or uid == 0 or level == 0:
            skipped.add(uid)  # a blank row, or the project summary task: the project itself is Tandem's project
            return None
        name = (self._text(node, "Name") or "").strip()
        if not name:
            self._error(uid, f"{where}.Name", "a task needs a name")
        elif len(name) > TITLE:
            self._error(uid, f"{where}.Name", f"a task name may have at most {TITLE} characters")
        number = (self._text(node, "OutlineNumber") or "").strip()
        if level is None:
            level = number.count(".") + 1 if number else 1
        if level < 0:
            self._error(uid, f"{where}.OutlineLevel", "OutlineLevel must not be negative")
        task = PlanTask(uid, name, self._int(node, "ID", where, uid), (self._text(node, "WBS") or "").strip()[:NAME],
                        number[:NAME], max(level, 1))
        task.start, task.finish = self._day(node, "Start", where, uid), self._day(node, "Finish", where, uid)
        if task.start and task.finish and task.finish < task.start:
            self._error(uid, f"{where}.Finish", "Finish must not be before Start")
        task.duration_minutes = self._duration(node, where, uid)
        task.percent_complete = self._percent(node, where, uid)
        task.summary = self._flag(node, "Summary", where, uid)
        task.milestone = self._flag(node, "Milestone", where, uid)
        task.notes = self._notes(node, where, uid)
        task.predecessor_uids = self._predecessors(node, where, uid)
        return task

    def _duration(self, node: Element, where: str, uid: int) -> int | None:
        text = (self._text(node, "Duration") or "").strip()
        if not text:
            return None
        try:
            return parse_duration(text)
        except ValueError:
            self._error(uid, f"{where}.Duration", "Duration must be an ISO 8601 duration such as PT8H0M0S")
            return None

    def _percent(self, node: Element, where: str, uid: int) -> int:
        value = self._int(node, "PercentComplete", where, uid, 0) or 0
        if not 0 <= value <= 100:
            self._error(uid, f"{where}.PercentComplete", "PercentComplete must be between 0 and 100")
            return 0
        return value

    def _notes(self, node: Element, where: str, uid: int) -> str:
        notes = (self._text(node, "Notes") or "").strip()
        if len(notes) > DESCRIPTION:
            self.notices.append(PlanNotice(uid, f"{where}.Notes", f"notes cut to {DESCRIPTION} characters"))
        return notes[:DESCRIPTION]

    def _predecessors(self, node: Element, where: str, uid: int) -> list[int]:
        found: list[int] = []
        for n, link in enumerate(node.findall(self.ns + "PredecessorLink")):
            at = f"{where}.PredecessorLink[{n}]"
            pred = self._int(link, "PredecessorUID", at, uid)
            kind = self._int(link, "Type", at, uid, FINISH_TO_START)
            if pred is None or kind not in LINK_TYPES:
                if pred is None:
                    self._error(uid, f"{at}.PredecessorUID", "a link needs the PredecessorUID")
                else:
                    self._error(uid, f"{at}.Type", "Type must be 0 (FF), 1 (FS), 2 (SF) or 3 (SS)")
                continue
            if self._flag(link, "CrossProject", at, uid):
                self.notices.append(PlanNotice(uid, at, f"link to task {pred} of another project left out"))
            elif kind != FINISH_TO_START:
                self.notices.append(PlanNotice(uid, at, f"{LINK_TYPES[kind]} link to task UID {pred} left out: "
                                               "Tandem keeps finish-to-start predecessors only"))
            else:
                if self._int(link, "LinkLag", at, uid, 0):
                    self.notices.append(PlanNotice(uid, at, f"lag of the link to task UID {pred} left out"))
                found.append(pred)
        return list(dict.fromkeys(found))

    def _unique(self, records: list[Any], kind: str) -> list[Any]:
        seen: set[int] = set()
        for r in records:
            if r.uid in seen:
                self._error(r.uid, f"{kind}[UID={r.uid}].UID", f"two {kind.lower()}s have UID {r.uid}")
            seen.add(r.uid)
        return records

    def _outline(self, tasks: list[PlanTask]) -> None:
        """Parents from the outline: each task's parent is the nearest task above it one level up."""
        stack: list[PlanTask] = []
        for task in tasks:
            while stack and stack[-1].outline_level >= task.outline_level:
                stack.pop()
            above = stack[-1].outline_level if stack else 0
            if task.outline_level > above + 1:
                self._error(task.uid, f"Task[UID={task.uid}].OutlineLevel",
                            f"OutlineLevel {task.outline_level} follows level {above}: a level is missing")
            task.parent_uid = stack[-1].uid if stack else None
            stack.append(task)

    def _links(self, tasks: list[PlanTask]) -> None:
        by_uid = {t.uid: t for t in tasks}
        for t in tasks:
            where = f"Task[UID={t.uid}].PredecessorLink"
            for pred in t.predecessor_uids:
                if pred == t.uid:
                    self._error(t.uid, where, "a task cannot be its own predecessor")
                elif pred not in by_uid:
                    self._error(t.uid, where, f"predecessor UID {pred} is not a task of this plan")
            t.predecessor_uids = [p for p in t.predecessor_uids if p in by_uid and p != t.uid]
            if len(t.predecessor_uids) > PREDECESSORS:
                self._error(t.uid, where, f"a task may have at most {PREDECESSORS} finish-to-start predecessors")
        cycle = find_cycle({t.uid: t.predecessor_uids for t in tasks})
        if cycle:
            chain = " → ".join(str(u) for u in cycle)
            self._error(cycle[0], f"Task[UID={cycle[0]}].PredecessorLink",
                        f"predecessors form a cycle: UID {chain} (each after the one before)")

    # -- resources and assignments ------------------------------------------------------------------------------
    def _resource(self, node: Element) -> PlanResource | None:
        uid = self._int(node, "UID", "Resource", None)
        name = " ".join((self._text(node, "Name") or "").split())
        if uid is None:
            self._error(None, "Resource.UID", "every resource needs a UID")
            return None
        if self._flag(node, "IsNull", f"Resource[UID={uid}]", uid) or not name:
            return None  # the blank resource 0 of every export, or a blank row
        email = (self._text(node, "EmailAddress") or "").strip() or None
        if email is not None and (len(email) > EMAIL or "@" not in email):
            self.notices.append(PlanNotice(uid, f"Resource[UID={uid}].EmailAddress", "not an email address: left out"))
            email = None
        return PlanResource(uid, name[:NAME], email)

    def _assignments(self, root: Element, tasks: list[PlanTask], resources: list[PlanResource],
                     skipped: set[int]) -> None:
        by_uid = {t.uid: t for t in tasks}
        known = {r.uid for r in resources}
        for n, node in enumerate(self._all(root, "Assignments", "Assignment")):
            where = f"Assignment[{n}]"
            task_uid = self._int(node, "TaskUID", where, None)
            resource_uid = self._int(node, "ResourceUID", where, task_uid)
            if task_uid in skipped or resource_uid == UNASSIGNED:
                continue
            task = by_uid.get(task_uid) if task_uid is not None else None
            if task is None or resource_uid is None:
                self._error(task_uid, where, "an assignment needs a TaskUID and a ResourceUID of this plan")
            elif resource_uid in known and resource_uid not in task.resource_uids:
                task.resource_uids.append(resource_uid)
                if len(task.resource_uids) == LIST + 1:
                    self._error(task_uid, where, f"a task may have at most {LIST} resources")
