"""Data that survives a restart of the local stack: a table journal and a mirror of the buckets.

The table: every stream record's new image (or key, on REMOVE) is appended to `<data_dir>/journal.jsonl`;
on start the journal is folded into final images, written back to the fresh table (BatchWriteItem, low-level
DynamoDB JSON as recorded) and rewritten compacted. The buckets: mirrored to `<data_dir>/blobs/<bucket>/<key>`
every few seconds while running and on shutdown (incrementally, with an index of content types and ETags) and
uploaded again on start. Only keyed reads and writes on the table.
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


def _read_index(root: Path) -> dict[str, dict[str, str]]:
    """The mirror's index: key → {type, etag} (older mirrors kept only the content type)."""
    path = root / INDEX
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k: v if isinstance(v, dict) else {"type": v, "etag": ""} for k, v in raw.items()}


def _write_index(root: Path, index: dict[str, dict[str, str]]) -> None:
    tmp = root / (INDEX + ".tmp")
    tmp.write_text(json.dumps(index, indent=0), encoding="utf-8")
    os.replace(tmp, root / INDEX)


def save_bucket(s3: Any, bucket: str, data_dir: Path) -> int:
    """Bring one bucket's mirror up to date: download new or changed objects (by ETag), drop deleted ones."""
    root = Path(data_dir) / BLOBS / bucket
    root.mkdir(parents=True, exist_ok=True)
    before, index, fetched = _read_index(root), {}, 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents") or []:
            key, etag = entry["Key"], entry.get("ETag", "")
            target = _inside(root, key)
            if target is None or key.startswith(INDEX):
                log.warning("object key %r cannot be mirrored safely: skipped", key)
                continue
            known = before.get(key)
            if known and known.get("etag") == etag and target.is_file():
                index[key] = known
                continue
            obj = s3.get_object(Bucket=bucket, Key=key)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(obj["Body"].read())
            index[key] = {"type": obj.get("ContentType") or "application/octet-stream", "etag": etag}
            fetched += 1
    for gone in set(before) - set(index):
        path = _inside(root, gone)
        if path is not None and path.is_file():
            path.unlink()
    _write_index(root, index)
    return fetched


def save_buckets(s3: Any, buckets: list[str], data_dir: Path) -> int:
    """Mirror every bucket to disk (incrementally: only new or changed objects are read); returns the count read."""
    return sum(save_bucket(s3, bucket, data_dir) for bucket in buckets)


def restore_buckets(s3: Any, buckets: list[str], data_dir: Path) -> int:
    """Upload the mirrored objects of each bucket again; returns the count."""
    count = 0
    for bucket in buckets:
        root = Path(data_dir) / BLOBS / bucket
        index = _read_index(root)
        if not index:
            continue
        for key, meta in index.items():
            source = _inside(root, key)
            if source is None or not source.is_file():
                continue
            s3.put_object(Bucket=bucket, Key=key, Body=source.read_bytes(), ContentType=meta["type"])
            count += 1
        # moto gives the same bytes the same ETag, so the mirror stays valid; rewrite it in the current format.
        _write_index(root, index)
    return count
