"""Pure planning rules (issue 13): conflicts of a plan, predecessors without cycles, actual dates that follow the
status category, and a plan that ends before it starts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.items import Item, diff_and_apply
from tandem.domain.planning import MAX_WALK, check_acyclic, conflicts, follow_status
from tandem.domain.statuses import Category

TODAY = "2026-03-10"


def task(ref: str, **fields) -> Item:
    base = Item(tenant_id="t", id=f"id-{ref}", ref=ref, kind="task", type_id="task", title=f"Task {ref}",
                status="todo", status_category=Category.NEW, created_at="2026-03-01T00:00:00.000Z",
                updated_at="2026-03-01T00:00:00.000Z")
    return replace(base, **fields)


# --------------------------------------------------------------------------- conflicts


def test_a_plan_within_its_constraints_and_after_its_predecessor_has_no_conflict():
    pred = task("K-1", planned_start="2026-03-01", planned_finish="2026-03-03")
    item = task("K-2", planned_start="2026-03-04", planned_finish="2026-03-06", start_no_earlier_than="2026-03-04",
                finish_no_later_than="2026-03-06", predecessors=["K-1"])
    assert conflicts(item, [pred]) == []


def test_a_start_before_its_constraint_and_a_finish_after_its_constraint_are_both_reported():
    item = task("K-2", planned_start="2026-03-02", planned_finish="2026-03-09", start_no_earlier_than="2026-03-03",
                finish_no_later_than="2026-03-08")
    found = conflicts(item, [])
    assert [c.code for c in found] == ["start_before_constraint", "finish_after_constraint"]
    assert "2026-03-03" in found[0].message and "2026-03-08" in found[1].message
    assert all(c.ref is None for c in found)


def test_a_predecessor_finishing_on_the_planned_start_day_is_a_conflict_naming_it():
    # Days are whole and both ends included: finishing on the 4th leaves no room to start on the 4th
    pred = task("K-1", planned_start="2026-03-01", planned_finish="2026-03-04")
    item = task("K-2", planned_start="2026-03-04", predecessors=["K-1"])
    [found] = conflicts(item, [pred])
    assert (found.code, found.ref) == ("starts_before_predecessor", "K-1")
    assert "K-1" in found.message and "2026-03-04" in found.message


def test_a_predecessors_actual_finish_counts_before_its_plan():
    # Given a predecessor planned to end on the 3rd that really finished on the 6th
    pred = task("K-1", planned_finish="2026-03-03", actual_finish="2026-03-06")
    item = task("K-2", planned_start="2026-03-05", predecessors=["K-1"])
    assert [c.code for c in conflicts(item, [pred])] == ["starts_before_predecessor"]
    # And one that finished early frees its successor
    early = replace(pred, planned_finish="2026-03-09", actual_finish="2026-03-02")
    assert conflicts(item, [early]) == []


def test_missing_dates_and_items_that_are_not_predecessors_make_no_conflict():
    pred = task("K-1", planned_finish="2026-03-09")
    assert conflicts(task("K-2", predecessors=["K-1"], start_no_earlier_than="2026-03-03"), [pred]) == []
    assert conflicts(task("K-2", planned_start="2026-03-04"), [pred]) == []  # K-1 is not its predecessor


def test_a_predecessor_named_by_its_retired_reference_still_counts():
    pred = task("K-7", former_refs=["T-3"], planned_finish="2026-03-09")
    item = task("K-2", planned_start="2026-03-04", predecessors=["T-3"])
    assert [c.ref for c in conflicts(item, [pred])] == ["K-7"]


# --------------------------------------------------------------------------- cycles


def graph(**preds: list[str]) -> dict[str, Item]:
    return {ref.replace("_", "-"): task(ref.replace("_", "-"), predecessors=p) for ref, p in preds.items()}


def fetcher(items: dict[str, Item], calls: list[list[str]]):
    def fetch(refs: list[str]) -> list[Item]:
        calls.append(list(refs))
        return [items[r] for r in refs if r in items]

    return fetch


def test_a_predecessor_that_waits_for_the_item_is_a_cycle_reported_on_its_field():
    # Given K-1 ← K-2 ← K-3 (K-3 waits for K-2, which waits for K-1)
    items = graph(K_1=[], K_2=["K-1"], K_3=["K-2"])
    calls: list[list[str]] = []
    # When K-1 is made to wait for K-5 (no loop) and K-3 (which waits for K-1 through K-2)
    items["K-5"] = task("K-5")
    with pytest.raises(ValidationError) as err:
        check_acyclic(items["K-1"], [items["K-5"], items["K-3"]], fetcher(items, calls))
    # Then the second predecessor's field is named, with the loop in words
    assert err.value.details["field"] == "predecessors[1]"
    assert err.value.details["cycle"] == "K-1 → K-3 → K-2 → K-1"


def test_a_direct_two_item_loop_is_found_without_any_read():
    items = graph(K_1=[], K_2=["K-1"])
    calls: list[list[str]] = []
    with pytest.raises(ValidationError):
        check_acyclic(items["K-1"], [items["K-2"]], fetcher(items, calls))
    assert calls == []


def test_a_diamond_is_no_cycle_and_each_level_is_one_read():
    # K-4 waits for K-2 and K-3, both wait for K-1; K-5 now waits for K-4
    items = graph(K_1=[], K_2=["K-1"], K_3=["K-1"], K_4=["K-2", "K-3"], K_5=[])
    calls: list[list[str]] = []
    check_acyclic(items["K-5"], [items["K-4"]], fetcher(items, calls))
    assert calls == [["K-2", "K-3"], ["K-1"]]


def test_a_loop_through_the_items_retired_reference_is_found():
    # Given a ticket T-1 converted to K-9 that K-2 named as its predecessor before the conversion
    items = graph(K_2=["T-1"])
    me = task("K-9", former_refs=["T-1"])
    with pytest.raises(ValidationError):
        check_acyclic(me, [items["K-2"]], fetcher(items, []))


def test_a_chain_too_long_to_walk_is_refused_rather_than_read_without_bound():
    n = MAX_WALK + 5
    items = {f"K-{i}": task(f"K-{i}", predecessors=[f"K-{i + 1}"]) for i in range(1, n)}
    wide = task("K-0", predecessors=[f"K-{i}" for i in range(1, n)])
    with pytest.raises(ValidationError) as err:
        check_acyclic(task("K-99999"), [wide], fetcher(items, []))
    assert err.value.details == {"field": "predecessors"} and "too long" in err.value.message


# --------------------------------------------------------------------------- actuals follow the status


def moved(before: Item, category: Category, explicit=(), **fields) -> Item:
    after = replace(before, status_category=category, **fields)
    return follow_status(before, after, explicit, TODAY)[0]


def test_starting_work_sets_the_actual_start_once():
    started = moved(task("K-1"), Category.OPEN)
    assert (started.actual_start, started.actual_finish) == (TODAY, None)
    # A later move between open and waiting keeps the first start
    again = follow_status(replace(started, actual_start="2026-03-02"),
                          replace(started, actual_start="2026-03-02", status_category=Category.WAITING), (), TODAY)
    assert again[0].actual_start == "2026-03-02" and again[1] == {}


def test_finishing_sets_the_actual_finish_and_a_missing_start():
    done, diff = follow_status(task("K-1"), task("K-1", status_category=Category.DONE), (), TODAY)
    assert (done.actual_start, done.actual_finish) == (TODAY, TODAY)
    assert diff == {"actual_start": [None, TODAY], "actual_finish": [None, TODAY]}
    kept = moved(task("K-1", actual_start="2026-03-01"), Category.CLOSED)
    assert (kept.actual_start, kept.actual_finish) == ("2026-03-01", TODAY)


def test_reopening_clears_the_actual_finish_but_closing_a_done_item_keeps_it():
    done = task("K-1", status_category=Category.DONE, actual_start="2026-03-01", actual_finish="2026-03-05")
    reopened = moved(done, Category.OPEN)
    assert (reopened.actual_start, reopened.actual_finish) == ("2026-03-01", None)
    assert moved(done, Category.NEW).actual_finish is None
    assert moved(done, Category.CLOSED).actual_finish == "2026-03-05"


def test_explicit_values_in_the_same_change_win():
    # Finishing with a finish date given: kept, and a missing start is not later than it
    done = moved(task("K-1"), Category.DONE, ("actual_finish",), actual_finish="2026-03-04")
    assert (done.actual_start, done.actual_finish) == ("2026-03-04", "2026-03-04")
    # Reopening while giving the finish explicitly (even empty) leaves it as given
    was = task("K-1", status_category=Category.DONE, actual_finish="2026-03-05")
    assert moved(was, Category.OPEN, ("actual_finish",)).actual_finish == "2026-03-05"
    assert moved(task("K-1"), Category.OPEN, ("actual_start",)).actual_start is None


def test_a_change_within_the_same_category_touches_no_actual_date():
    item = task("K-1", status_category=Category.OPEN)
    assert follow_status(item, replace(item, status="other_open"), (), TODAY) == (replace(item, status="other_open"),
                                                                                 {})


# --------------------------------------------------------------------------- field checks


def test_a_plan_that_ends_before_it_starts_is_refused_on_the_field_changed():
    item = task("K-1", planned_start="2026-03-05")
    with pytest.raises(ValidationError) as err:
        diff_and_apply(item, {"planned_finish": "2026-03-04"})
    assert err.value.details == {"field": "planned_finish"}
    with pytest.raises(ValidationError) as err:
        diff_and_apply(task("K-1", planned_finish="2026-03-04"), {"planned_start": "2026-03-05"})
    assert err.value.details == {"field": "planned_start"}
    same_day, _ = diff_and_apply(item, {"planned_finish": "2026-03-05"})
    assert same_day.planned_finish == "2026-03-05"


def test_older_data_that_ends_before_it_starts_does_not_block_other_changes():
    item = task("K-1", planned_start="2026-03-05", planned_finish="2026-03-01")
    assert diff_and_apply(item, {"title": "Renamed"})[0].title == "Renamed"


def test_predecessors_are_references_upper_cased_once_never_the_item_itself_and_at_most_fifty():
    item = task("K-1")
    assert diff_and_apply(item, {"predecessors": ["k-2", " K-3", "K-2"]})[0].predecessors == ["K-2", "K-3"]
    for bad, field in ((["K-2", "nope"], "predecessors[1]"), (["K-2", "k-1"], "predecessors[1]"),
                       ("K-2", "predecessors"), ([f"K-{n}" for n in range(2, 53)], "predecessors")):
        with pytest.raises(ValidationError) as err:
            diff_and_apply(item, {"predecessors": bad})
        assert err.value.details["field"] == field, bad
