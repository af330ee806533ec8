"""The API package has no import cycle through its own __init__: route modules import the blueprint module, never
the package (which imports them). import-linter's acyclic_siblings contract cannot see a cycle through the parent."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def test_no_module_of_the_api_imports_the_api_package_itself():
    sys.path.insert(0, str(FUNCTIONS))
    try:
        graph = grimp.build_graph("api", include_external_packages=False)
    finally:
        sys.path.remove(str(FUNCTIONS))
    importers = graph.find_modules_that_directly_import("api")
    assert importers == set(), f"these modules import the api package and close a cycle: {sorted(importers)}"
