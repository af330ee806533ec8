"""The Zapier example app (docs/zapier) driven by its own node test against the real local stack.

The stack runs with TANDEM_ALLOW_PRIVATE_WEBHOOKS=1 so deliveries reach the node test's receiver on 127.0.0.1.
Here: a tenant and an API key through the API, `npm ci` (cached in docs/zapier/node_modules, gitignored, keyed by
package-lock.json), then `node --test` with the base URL and key in the environment; every node test must pass and
none may be skipped. Without node/npm or the npm registry this test FAILS: it never skips silently.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess

import pytest

from e2e.portal_helpers import PASSWORD, ROOT, Client, start_stack, stop_stack

pytestmark = [pytest.mark.e2e]

APP = ROOT / "docs" / "zapier"
STAMP = APP / "node_modules" / ".tandem-lock-sha256"
NPM_TIMEOUT = 600
NODE_TIMEOUT = 600


@pytest.fixture(scope="module")
def stack():
    s = start_stack(extra_env={"TANDEM_ALLOW_PRIVATE_WEBHOOKS": "1"})
    yield s
    stop_stack(s)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not on PATH: the Zapier example test needs node >= 18 and npm", pytrace=False)
    return path


def _node() -> str:
    node = _tool("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    major = int(re.match(r"v(\d+)", version).group(1)) if re.match(r"v\d+", version) else 0
    if major < 18:
        pytest.fail(f"node {version or '?'} is too old: the Zapier example needs node >= 18", pytrace=False)
    return node


def _node_modules() -> None:
    """`npm ci` unless node_modules was installed from this very package-lock.json."""
    lock = hashlib.sha256((APP / "package-lock.json").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == lock:
        return
    try:
        done = subprocess.run(
            [_tool("npm"), "ci", "--no-audit", "--no-fund"],
            cwd=APP,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`npm ci` in {APP} took more than {NPM_TIMEOUT}s (is the npm registry reachable?)", pytrace=False)
    if done.returncode != 0:
        pytest.fail(
            f"`npm ci` in {APP} failed ({done.returncode}); the Zapier example needs the npm registry "
            f"(or a prepared docs/zapier/node_modules):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
            pytrace=False,
        )
    STAMP.write_text(lock)


def _api_key(base: str) -> str:
    """A fresh tenant (its admin signs up) and an API key with every scope the app uses."""
    slug = f"zap-{os.urandom(3).hex()}"
    signup = Client(base).post(
        "/v1/signup",
        {
            "organization": f"Zapier {slug}",
            "slug": slug,
            "email": f"admin@{slug}.example",
            "name": "Ada Admin",
            "password": PASSWORD,
        },
    )
    admin = Client(base, signup["token"])
    created = admin.post("/v1/api-keys", {"name": "Zapier", "scopes": ["items:read", "items:write", "hooks"]})
    assert created["key"].startswith("tdk_")
    return created["key"]


def _tap_counts(output: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$", output, re.M)}


def test_the_zapier_example_app_passes_its_node_test_against_the_local_stack(stack):
    # Given node, the app's dependencies, and an API key of a new tenant on the local stack
    node = _node()
    _node_modules()
    key = _api_key(stack.base)
    env = {**os.environ, "TANDEM_BASE_URL": stack.base, "TANDEM_API_KEY": key, "NODE_ENV": "test"}
    # When the app's own test runs (auth test, subscribe, deliveries → perform, performList, actions, search,
    # unsubscribe)
    try:
        done = subprocess.run(
            [node, "--test", "--test-reporter=tap", "test/"],
            cwd=APP,
            env=env,
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"node --test took more than {NODE_TIMEOUT}s:\n{e.stdout}\n{stack.log_tail()}", pytrace=False)
    report = f"{done.stdout[-6000:]}\n{done.stderr[-3000:]}\n--- stack log ---\n{stack.log_tail()}"
    # Then every node test passed, none was skipped, and the live suite ran
    assert done.returncode == 0, report
    counts = _tap_counts(done.stdout)
    assert counts.get("tests", 0) >= 10 and counts["pass"] == counts["tests"], report
    assert counts["fail"] == counts["skipped"] == counts["cancelled"] == 0, report
    assert re.search(r"^ok \d+ - the Zapier app against a running Tandem$", done.stdout, re.M), report
