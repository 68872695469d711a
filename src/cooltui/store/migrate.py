"""The manifest and the schema: which layout a store folder has, and bringing an older one up to
SCHEMA_VERSION. Each migration takes a folder at schema N to N + 1, writing the manifest last, so
that one cut short is done again at the next open."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from cooltui import __version__
from cooltui.model import Annotation, RecordError
from cooltui.store.files import atomic_write, fsync_dir
from cooltui.store.layout import MANIFEST, READ_ONLY_FLAG, V0_FILE, StoreError, _corrupt
from cooltui.store.shards import (
    DEFAULT_SHARDS,
    TABLE,
    _shard_files,
    _tables_problem,
    shard_json,
    shard_name,
    shard_of,
)

SCHEMA_VERSION = 2
"""The layout this cooltui writes; older ones are migrated at open, newer ones refused.
Schema 2 numbers the journal's operations and stamps each shard with the last one it holds."""


def write_manifest(folder: Path, annotator: str, shards: int, schema: int = SCHEMA_VERSION) -> None:
    manifest = {
        "schema": schema,
        "annotator": annotator,
        "shards": shards,
        "created_by": f"cooltui {__version__}",
    }
    data = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
    atomic_write(folder / MANIFEST, data, backup=True)


def _manifest_problem(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return None, f"not valid JSON: {error}"
    if not isinstance(data, dict):
        return None, "not a JSON object"
    schema, shards = data.get("schema"), data.get("shards", DEFAULT_SHARDS)
    if type(schema) is not int or schema < 0:
        return None, f"schema {schema!r} is not a version number"
    if type(shards) is not int or not 0 < shards <= 100_000:
        return None, f"shards {shards!r} is not a number of shards"
    return data, None


def _store_version(folder: Path) -> tuple[int | None, dict[str, Any] | None]:
    """The schema of the store in `folder` (None: no store yet) and its manifest."""
    path = folder / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if (folder / V0_FILE).exists():
            return 0, None
        if _shard_files(folder):
            raise _corrupt(folder, [(path, "missing, but the folder holds shard files")]) from None
        return None, None
    manifest, problem = _manifest_problem(raw)
    if manifest is None:
        raise _corrupt(folder, [(path, str(problem))])
    return manifest["schema"], manifest


def _migrate_0_to_1(folder: Path, annotator: str) -> None:
    """Schema 0: one stock TinyDB file annotations.json -> shard files, then the manifest."""
    source = folder / V0_FILE
    try:
        data = orjson.loads(source.read_bytes())
    except orjson.JSONDecodeError as error:
        raise _corrupt(folder, [(source, f"not valid JSON: {error}")]) from None
    problem = _tables_problem(data)
    if problem:
        raise _corrupt(folder, [(source, problem)])
    shards: dict[int, dict[str, Any]] = {}
    seen: set[str] = set()
    for record in data.get("_default", {}).values():
        try:
            annotation = Annotation.from_dict(record)
        except RecordError as error:
            raise _corrupt(folder, [(source, str(error))]) from None
        if annotation.article_id in seen:
            raise _corrupt(folder, [(source, f"article {annotation.article_id!r} is stored twice")])
        seen.add(annotation.article_id)
        table = shards.setdefault(shard_of(annotation.article_id, DEFAULT_SHARDS), {})
        table[str(len(table) + 1)] = annotation.to_dict()
    for number, table in shards.items():
        raw, _ = shard_json({TABLE: table})
        atomic_write(folder / shard_name(number), raw, sync_dir=False)
    fsync_dir(folder)
    write_manifest(folder, annotator, DEFAULT_SHARDS, schema=1)
    source.rename(folder / (V0_FILE + ".v0"))
    fsync_dir(folder)


def _migrate_1_to_2(folder: Path, annotator: str) -> None:
    """Schema 1 numbered nothing: its journal's lines count up in the order they were written
    and its shards are stamped 0 (see _History.replay, _index), so only the manifest changes,
    which keeps an older cooltui, blind to the numbers, from writing the store."""
    _, manifest = _store_version(folder)
    assert manifest is not None
    write_manifest(folder, annotator, manifest["shards"], schema=2)


_MIGRATIONS: dict[int, Callable[[Path, str], None]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


def _current_manifest(folder: Path, annotator: str, *, read_only: bool) -> dict[str, Any] | None:
    """The manifest of the store in `folder`, an older schema migrated to SCHEMA_VERSION first;
    None for a new store, whose manifest (DEFAULT_SHARDS) is written unless `read_only`.
    Read-only, an older schema is refused too; a newer one always is."""
    version, manifest = _store_version(folder)
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(
            f"{folder} was made by a newer cooltui (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}): upgrade cooltui"
        )
    if version is not None and version < SCHEMA_VERSION:
        if read_only:
            raise StoreError(
                f"{folder} has the older schema {version}: open it once without "
                f"{READ_ONLY_FLAG} to upgrade it"
            )
        while version < SCHEMA_VERSION:
            _MIGRATIONS[version](folder, annotator)
            version, manifest = _store_version(folder)
            assert version is not None
    if manifest is None and not read_only:
        try:
            write_manifest(folder, annotator, DEFAULT_SHARDS)
        except OSError as error:
            raise StoreError(f"cannot create the store in {folder}: {error.strerror}") from None
    return manifest
