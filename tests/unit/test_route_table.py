"""The API's lazy route table (functions/api/route_table.py) against the route modules, read the eager way.

Each check that needs a process with no route module imported yet runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fresh(code: str) -> str:
    """Run `code` in a new interpreter with functions/ on the path; its stdout."""
    env_code = f"import sys; sys.path.insert(0, {str(ROOT / 'functions')!r})\n" + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "TANDEM_BACKEND": "memory"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_given_the_route_modules_when_read_eagerly_then_the_generated_table_lists_exactly_their_operations():
    rows = json.loads(fresh("""
        import json
        from api.route_gen import eager_rows
        from api.route_table import MODULES
        print(json.dumps(eager_rows(MODULES)))
    """))
    from api.route_table import ROUTES

    expected = [[m, p, mod, name, list(types) if types else None] for m, p, mod, name, types in ROUTES]
    assert rows == expected, "route_table.py is out of step: run `python functions/api/route_gen.py`"


def test_given_routes_loaded_in_another_order_when_the_openapi_document_is_built_then_it_is_the_eager_one():
    eager = fresh("""
        import json
        from api.route_gen import eager_rows
        from api.route_table import MODULES
        eager_rows(MODULES)
        from api.spec import document
        print(json.dumps(document()))
    """)
    lazy = fresh("""
        import importlib, json
        import app
        for module in ("api.routes_views", "api.routes_items", "api.routes_auth"):
            importlib.import_module(module)
        from api.spec import document
        print(json.dumps(document()))
    """)
    assert lazy == eager


def test_given_a_cold_app_when_health_is_called_then_only_its_module_loads_and_openapi_loads_them_all():
    loaded = json.loads(fresh("""
        import json, sys
        import app
        before = sorted(m for m in sys.modules if m.startswith("api.routes_"))
        from chalice.test import Client
        answers, seen = [], []
        with Client(app.app) as client:
            for path in ("/v1/health", "/v1/openapi.json"):
                answers.append(client.http.get(path, headers={"Accept": "application/json"}).status_code)
                seen.append(sorted(m for m in sys.modules if m.startswith("api.routes_")))
        print(json.dumps([before, answers, seen]))
    """))
    before, answers, seen = loaded
    assert before == []
    assert answers == [200, 200]
    assert seen[0] == ["api.routes_health"]
    assert len(seen[1]) == 22  # the document names every operation: every module is in now


def test_given_every_module_loaded_then_every_listed_operation_has_its_view_and_no_other():
    from api.ops import OPS, VIEWS
    from api.route_table import ROUTES

    assert {(o.method, o.path) for o in OPS} == set(VIEWS) == {(m, p) for m, p, *_ in ROUTES}
    assert [(o.method, o.path, o.name) for o in OPS] == [(m, p, name) for m, p, _, name, _ in ROUTES]
