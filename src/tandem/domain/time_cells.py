"""Time aggregates (issue 13): the cells a timesheet adds to, kept by the stream exactly once per change.

A cell is a record of integer fields named `m_{state}_{b}` (minutes) and `c_{state}_{b}` (timesheets), `b` being
`b` (billable) or `n` (not billable), so one cell answers any `state` and `billable` filter. Cells sit in
partitions `TR#{grain}#{scope}#{dim}` sorted `{when}#{value}`:

- grain `D` (a day, `when` = YYYY-MM-DD) or `M` (a month, `when` = YYYY-MM; long ranges and all-time rollups);
- scope `*` (the tenant) or one project `P:{id}`, portfolio `F:{id}`, organisation `O:{id}`: what a filter fixes;
- dim `T` (the scope's total), `U`/`P`/`F`/`O` (a cell per person / project / portfolio / organisation), or `X`
  in a person's scope `U:{id}`: one cell per (project, portfolio, organisation) they worked on that day, so any
  report of one person (an agent's own) is one partition whatever it is grouped or filtered by.

An item's all-time total is one more cell, `TR#I#{ref}` / `ALL`. ACCESS_PATTERNS.md ("Time reports") has the
reads this serves and its limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.time_tracking import SheetState, Timesheet

NONE = "-"  # no project / portfolio / organisation: a row of its own, so totals add up
ENTITIES = {"user": "U", "project": "P", "portfolio": "F", "organization": "O"}
# What each scope keeps a cell per (besides its total): every entity but the one the scope fixes.
PAIR_DIMS = {"*": ("U", "P", "F", "O"), "P": ("U", "F", "O"), "F": ("U", "P", "O"), "O": ("U", "P", "F")}
GRAINS = ("D", "M")
ITEM_SORT = "ALL"


@dataclass(frozen=True)
class CellKey:
    """One aggregate record: its partition, its sort key and the dimension value a read may filter on."""

    part: str
    sort: str
    value: str = ""


def field_names(state: SheetState, billable: bool) -> tuple[str, str]:
    """The minutes and count fields of one state and billable flag."""
    b = "b" if billable else "n"
    return f"m_{state.value}_{b}", f"c_{state.value}_{b}"


def measure(sheet: Timesheet, sign: int = 1) -> dict[str, int]:
    minutes, count = field_names(sheet.state, sheet.billable)
    return {minutes: sign * sheet.minutes, count: sign}


def dims_of(sheet: Timesheet) -> dict[str, str]:
    """The sheet's value per entity code (NONE where it has none)."""
    return {"U": sheet.user_id, "P": sheet.project_id or NONE, "F": sheet.portfolio_id or NONE,
            "O": sheet.organization_id or NONE}


def part(grain: str, scope: str, dim: str) -> str:
    return f"TR#{grain}#{scope}#{dim}"


def item_key(ref: str) -> CellKey:
    return CellKey(f"TR#I#{ref}", ITEM_SORT)


def cells_of(sheet: Timesheet) -> list[CellKey]:
    """Every cell the sheet counts in: both grains × (the tenant and each of its project, portfolio and
    organisation scopes × their dims, and the person's detail cell), and its item's total."""
    dims = dims_of(sheet)
    detail = f"{dims['P']}#{dims['F']}#{dims['O']}"
    keys = [item_key(sheet.item_ref)]
    for grain, when in (("D", sheet.date), ("M", sheet.date[:7])):
        scopes = [("*", "*")] + [(code, f"{code}:{dims[code]}") for code in ("P", "F", "O") if dims[code] != NONE]
        for code, scope in scopes:
            keys.append(CellKey(part(grain, scope, "T"), f"{when}#{NONE}", NONE))
            keys += [CellKey(part(grain, scope, d), f"{when}#{dims[d]}", dims[d]) for d in PAIR_DIMS[code]]
        keys.append(CellKey(part(grain, f"U:{dims['U']}", "X"), f"{when}#{detail}", detail))
    return keys


def deltas(old: Timesheet | None, new: Timesheet | None) -> dict[CellKey, dict[str, int]]:
    """What a change of a timesheet adds to each cell: the old version's share taken out, the new one's put in.
    Cells and fields that come out even are left out (an edit of the note changes nothing)."""
    found: dict[CellKey, dict[str, int]] = {}
    for sheet, sign in ((old, -1), (new, 1)):
        if sheet is None:
            continue
        amounts = measure(sheet, sign)
        for key in cells_of(sheet):
            fields = found.setdefault(key, {})
            for name, amount in amounts.items():
                fields[name] = fields.get(name, 0) + amount
    kept = {key: {n: a for n, a in fields.items() if a} for key, fields in found.items()}
    return {key: fields for key, fields in kept.items() if fields}
