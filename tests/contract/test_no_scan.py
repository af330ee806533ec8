"""Every list is a Query on a designed key: nothing in src/ or functions/ may call Scan."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `.scan(` (PynamoDB models, boto3 tables and clients), `Scan(`, and the operation's name handed to botocore
# (`dispatch("Scan", …)`, `get_paginator("scan")`); `ScanIndexForward` and prose never match.
SCAN_CALL = re.compile(r"""\.scan\s*\(|\bScan\s*\(|["'](?:Scan|scan)["']""")


def _sources() -> list[Path]:
    found = []
    for top in ("src", "functions"):
        for folder, _, names in os.walk(ROOT / top):  # vendor/ symlinks are not followed: no double counting
            found += [Path(folder) / n for n in names if n.endswith(".py")]
    return found


def test_the_pattern_catches_scan_calls_and_nothing_else():
    for call in (
        "Record.scan(",
        "table.scan (",
        'client.scan(TableName="t")',
        'dispatch("Scan", kw)',
        "get_paginator('scan')",
    ):
        assert SCAN_CALL.search(call), call
    for harmless in ("ScanIndexForward=False", "scan_index_forward=False", "# No Scan anywhere", "rescan"):
        assert not SCAN_CALL.search(harmless), harmless


def test_nothing_calls_scan():
    sources = _sources()
    assert len(sources) > 20  # the walk really found the code
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sources
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SCAN_CALL.search(line.split("#", 1)[0])
    ]
    assert offenders == [], "Scan calls found:\n" + "\n".join(offenders)
