"""The annotation store: a crash-safe TinyDB store per annotator, with undo that survives restarts.

Layout of <store_dir>/<annotator>/ (schema 2):

    manifest.json        {"schema": 2, "annotator": ..., "shards": 1024, "created_by": ...}
    shard-000.json ...   TinyDB files (table "annotations", one document per article); an article
                         lives in shard crc32(id) % shards; files are created when first needed;
                         table "journal" stamps each with the last journal operation it holds;
                         written in a stable form, a span a line (see shards.shard_json)
    shard-000.json.bak   the previous version of each shard, kept for `recover`
    history.jsonl        the edit journal: one numbered JSON line per edit, undo or redo
    lock, lock.info      the OS lock held by the writing cooltui, and its pid and host
    .gitignore           what git leaves out (the lock, .bak, the journal...), .gitattributes
                         how it merges (see gitfiles); conflicts.jsonl: what `cooltui sync` set
                         aside

Every file is written whole to a temporary file in the same folder, fsynced, renamed over the old
one and the folder fsynced, so a file is always either its old or its new version. The journal is
the one file that is appended to (one fsynced append per batch of edits); it is written before the
shards, so at open any edit found in it but not in its shard (numbered above the shard's stamp: a
crash in between) is applied again.

Saving does not block the caller: Store.save() changes the in-memory state and one writer thread
puts it on disk (several saves to one shard become one write). When a write fails (full disk,
read-only folder, I/O error) the changes stay in memory, the writer retries every 0.5-2 s, and the
state callback reports it; close() refuses to lose them silently.

The modules, each using only those listed before it: layout (file names, errors), files (durable
writes), shards, journal (the line format, the undo history), lock, gitfiles (.gitignore,
.gitattributes), migrate (manifest, schema), writer (the writer thread), store (the Store),
recover (annotators, recover).
"""

from cooltui.store.files import atomic_write as atomic_write
from cooltui.store.journal import HISTORY_LIMIT
from cooltui.store.layout import (
    CONFLICTS,
    PROJECT_FILE,
    READ_ONLY_FLAG,
    RECOVER_COMMAND,
    ReadOnlyStore,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreNotWritable,
    check_annotator,
)
from cooltui.store.layout import HISTORY as HISTORY
from cooltui.store.layout import MANIFEST as MANIFEST
from cooltui.store.migrate import SCHEMA_VERSION
from cooltui.store.migrate import write_manifest as write_manifest
from cooltui.store.recover import annotators, recover
from cooltui.store.shards import DEFAULT_SHARDS, shard_contents
from cooltui.store.shards import TABLE as TABLE
from cooltui.store.shards import shard_json as shard_json
from cooltui.store.shards import shard_name as shard_name
from cooltui.store.shards import shard_of as shard_of
from cooltui.store.store import Store
from cooltui.store.writer import SaveState

# The store's public names; HISTORY, MANIFEST, TABLE, atomic_write, shard_json, shard_name,
# shard_of and write_manifest are importable from here too (imported `as` themselves), for the
# tests and benches that build or read a store's files by hand.
__all__ = [
    "CONFLICTS",
    "DEFAULT_SHARDS",
    "HISTORY_LIMIT",
    "PROJECT_FILE",
    "READ_ONLY_FLAG",
    "RECOVER_COMMAND",
    "SCHEMA_VERSION",
    "ReadOnlyStore",
    "SaveState",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreNotWritable",
    "annotators",
    "check_annotator",
    "recover",
    "shard_contents",
]
