"""Sub-folders of a project (issue 15): nesting, moves, the depth limit — decided on plain dataclasses."""

from __future__ import annotations

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.folders import MAX_DEPTH, Folder, check_parent, depth, height

NOW = "2026-11-22T10:00:00.000Z"


def chain(n: int, prefix: str = "f") -> dict[str, Folder]:
    """`n` folders, each under the one before: f1 (top) > f2 > … > fn."""
    return {f"{prefix}{i}": Folder("t1", f"{prefix}{i}", "p1", f"Level {i}", NOW,
                                   parent_id=f"{prefix}{i - 1}" if i > 1 else None) for i in range(1, n + 1)}


def test_depth_and_height_count_levels_of_a_chain():
    tree = chain(3)
    assert [depth(f, tree) for f in ("f1", "f2", "f3")] == [1, 2, 3]
    assert [height(f, tree) for f in ("f1", "f2", "f3")] == [3, 2, 1]
    assert depth(None, tree) == 0


def test_a_new_folder_nests_up_to_the_limit_and_no_deeper():
    tree = chain(MAX_DEPTH)
    check_parent(None, f"f{MAX_DEPTH - 1}", tree)  # lands at the last allowed level
    with pytest.raises(ValidationError) as too_deep:
        check_parent(None, f"f{MAX_DEPTH}", tree)
    assert too_deep.value.details == {"field": "parent_id"}


def test_a_move_keeps_its_subtree_within_the_limit_and_never_under_itself():
    # Given a chain of three and another of three beside it
    tree = {**chain(3), **chain(3, "g")}
    # Then g1's subtree (three levels) fits under f2 (depth 2 + 3 = 5), not under f3 (6)
    check_parent("g1", "f2", tree)
    with pytest.raises(ValidationError):
        check_parent("g1", "f3", tree)
    # And a folder moves neither under itself nor under one of its own sub-folders
    for parent in ("f1", "f3"):
        with pytest.raises(ValidationError):
            check_parent("f1", parent, tree)
    # And a parent of another project (not in the tree) is unknown
    with pytest.raises(ValidationError):
        check_parent(None, "elsewhere", tree)
