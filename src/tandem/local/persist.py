"""Data that survives a restart of the local stack: a table journal and a mirror of the buckets.

The table: every stream record's new image (or key, on REMOVE) is appended to `<data_dir>/journal.jsonl`;
on start the journal is folded into final images, written back to the fresh table (BatchWriteItem, low-level
DynamoDB JSON as recorded) and rewritten compacted. The buckets: mirrored to `<data_dir>/blobs/<bucket>/<key>`
on shutdown (with an index of content types) and uploaded again on start. Only keyed reads and writes.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger("tandem.local.persist")

JOURNAL = "journal.jsonl"
BLOBS = "blobs"
INDEX = ".index.json"


def _key_of(key: dict) -> str:
    return json.dumps(key, sort_keys=True)


class Journal:
    """Append-only log of the table's changes, fed by the stream poller."""

    def __init__(self, data_dir: Path, key_names: tuple[str, ...] = ("pk", "sk")) -> None:
        self.path = Path(data_dir) / JOURNAL
        self._keys = key_names
        self._lock = threading.Lock()

    def append(self, records: list[dict]) -> None:
        """Record each change: the new image, or the key of a removed record."""
        lines = []
        for record in records:
            body = record.get("dynamodb") or {}
            if record.get("eventName") == "REMOVE" or not body.get("NewImage"):
                lines.append({"op": "delete", "key": body.get("Keys")})
            else:
                lines.append({"op": "put", "item": body["NewImage"]})
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            for line in lines:
                f.write(json.dumps(line, separators=(",", ":")) + "\n")

    def fold(self) -> dict[str, dict]:
        """The final image of every record still present, keyed by its primary key."""
        images: dict[str, dict] = {}
        if not self.path.exists():
            return images
        with self.path.open(encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                try:
                    entry = json.loads(raw)
                except ValueError:
                    log.warning("journal line %d is not JSON (an interrupted write?): skipped", n)
                    continue
                if entry.get("op") == "put":
                    item = entry["item"]
                    images[_key_of({k: item[k] for k in self._keys if k in item})] = item
                elif entry.get("key"):
                    images.pop(_key_of(entry["key"]), None)
        return images

    def compact(self, images: dict[str, dict] | None = None) -> int:
        """Rewrite the journal as one put per live record (atomically: write aside, then rename)."""
        images = self.fold() if images is None else images
        tmp = self.path.with_suffix(".tmp")
        with self._lock:
            with tmp.open("w", encoding="utf-8") as f:
                for item in images.values():
                    f.write(json.dumps({"op": "put", "item": item}, separators=(",", ":")) + "\n")
            os.replace(tmp, self.path)
        return len(images)


def restore_table(dynamodb: Any, table_name: str, journal: Journal) -> int:
    """Write the journal's final images into the (fresh) table and compact the journal; returns the count."""
    images = journal.fold()
    items = list(images.values())
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        pending: dict[str, Any] = {table_name: requests}
        while pending:
            answer = dynamodb.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}
    if journal.path.exists():
        journal.compact(images)
    return len(items)


# --------------------------------------------------------------------------- buckets


def _inside(root: Path, key: str) -> Path | None:
    path = (root / key).resolve()
    return path if path.is_relative_to(root.resolve()) and path != root.resolve() else None


def save_buckets(s3: Any, buckets: list[str], data_dir: Path) -> int:
    """Mirror every object of the buckets to disk (with their content types); returns the count."""
    count = 0
    for bucket in buckets:
        root = Path(data_dir) / BLOBS / bucket
        root.mkdir(parents=True, exist_ok=True)
        index: dict[str, str] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents") or []:
                key = entry["Key"]
                target = _inside(root, key)
                if target is None or key == INDEX:
                    log.warning("object key %r cannot be mirrored safely: skipped", key)
                    continue
                obj = s3.get_object(Bucket=bucket, Key=key)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(obj["Body"].read())
                index[key] = obj.get("ContentType") or "application/octet-stream"
                count += 1
        (root / INDEX).write_text(json.dumps(index, indent=0), encoding="utf-8")
    return count


def restore_buckets(s3: Any, buckets: list[str], data_dir: Path) -> int:
    """Upload the mirrored objects of each bucket again; returns the count."""
    count = 0
    for bucket in buckets:
        root = Path(data_dir) / BLOBS / bucket
        index_path = root / INDEX
        if not index_path.exists():
            continue
        index = json.loads(index_path.read_text(encoding="utf-8"))
        for key, content_type in index.items():
            source = _inside(root, key)
            if source is None or not source.is_file():
                continue
            s3.put_object(Bucket=bucket, Key=key, Body=source.read_bytes(), ContentType=content_type)
            count += 1
    return count
