"""`cooltui sync`: an annotator's store shared over git, between annotators and machines.

Each annotator writes only their own folder of the store, so annotators never conflict. One sync
commits this annotator's folder, fetches the remote, rebases onto it and pushes.

The same annotator on two machines is the one case where both sides change one folder. Before
the rebase, the remote's records of the folder are merged into the open Store article by
article, three ways against the commit both sides share: a record changed on one side is taken;
one changed on both keeps the later (by `updated`) and the other goes to conflicts.jsonl in the
folder, committed. The folder then holds both sides' work, which the rebase keeps: where git
leaves a file of the folder otherwise, the Store's bytes are put back and committed, except a
shard whose records are the same (its stamp is another machine's, and the journal was numbered
past it first, see Store.number_past). So the journal and the shard files always agree.

The Store is open, and locked, from before the first commit to after the push: a cooltui
annotating as this annotator meanwhile refuses to write, and sync refuses while one is.
git runs as a program; the only machine reached is the remote.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from cooltui.errors import CoolError
from cooltui.model import Annotation
from cooltui.store import (
    CONFLICTS,
    MANIFEST,
    Store,
    StoreLocked,
    atomic_write,
    check_annotator,
    shard_contents,
)

_SHARD = re.compile(r"shard-\d+\.json")
_KEPT_AS_WRITTEN = (MANIFEST, CONFLICTS)
"""The folder's files besides the shards that a sync leaves as this machine wrote them."""
NAMED = 5
"""How many article ids a one-line message names before "and N more"."""
LISTED = 1000
"""How many article ids a commit message lists."""

_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",  # a remote asking for a password fails instead of waiting
    "GIT_EDITOR": "true",  # rebase --continue keeps each commit's message
    "LC_ALL": "C",  # git's messages as this module reads them
}
_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}
"""A store folder named like a glob is that folder (check-ignore, which takes paths, refuses
it)."""


class SyncError(CoolError):
    """Sync cannot go on; the message says why and what to do. Nothing is lost: what was
    committed stays committed, and the store is never left behind its journal."""


@dataclass(frozen=True)
class SyncReport:
    """What one sync did."""

    annotator: str
    folder: str
    """The annotator's folder, relative to the repository."""
    target: str
    """The remote branch synced with, e.g. origin/main."""
    committed: tuple[str, ...] = ()
    """The articles this machine changed, committed by this sync."""
    taken: tuple[str, ...] = ()
    """The articles changed on another machine (by this annotator), taken from the remote."""
    conflicts: tuple[str, ...] = ()
    """The articles changed on both: the later record kept, the other in conflicts.jsonl."""
    pushed: bool = False

    def lines(self) -> list[str]:
        """The report for the terminal, one line each."""
        lines = [
            f"{self.folder}: committed {_articles(self.committed)}"
            if self.committed
            else f"{self.folder}: no change of yours to commit"
        ]
        if self.taken:
            lines.append(f"took {_articles(self.taken)} from {self.target}")
        lines.append(f"pushed to {self.target}" if self.pushed else f"{self.target} is up to date")
        return lines

    def conflict_message(self) -> str | None:
        """The warning that some articles were edited on two machines, if any were."""
        if not self.conflicts:
            return None
        return (
            f"{self.annotator} edited {_articles(self.conflicts)} on two machines: the later "
            f"record of each is kept, the other is in {self.folder}/{CONFLICTS}"
        )


def _names(ids: Iterable[str], limit: int = NAMED) -> str:
    ids = list(ids)
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


def _articles(ids: tuple[str, ...]) -> str:
    return f"{len(ids)} article{'' if len(ids) == 1 else 's'} ({_names(ids)})"


class _Git:
    """git run in one repository, from its top folder."""

    def __init__(self, top: Path) -> None:
        self.top = top

    @classmethod
    def find(cls, store_dir: Path) -> _Git:
        """The repository `store_dir` is in (it need not exist yet)."""
        start = Path(store_dir).absolute()
        while not start.is_dir():
            start = start.parent
        result = _run_git(start, "rev-parse", "--show-toplevel")
        if result.returncode == 0:
            return cls(Path(os.fsdecode(result.stdout.strip())))
        if b"not a git repository" in result.stderr:
            raise SyncError(
                f"{store_dir} is not in a git repository: clone the team's repository and "
                "annotate in it (or `git init` and `git remote add origin URL`), then run "
                "`cooltui sync` again"
            )
        raise SyncError(f"git cannot use the repository of {store_dir}: {_reason(result)}")

    def run(
        self, *args: str, stdin: bytes | None = None, literal: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        return _run_git(self.top, *args, stdin=stdin, env=_LITERAL if literal else {})

    def out(self, *args: str) -> str:
        """git's output, stripped; a SyncError if git fails."""
        result = self.run(*args)
        if result.returncode != 0:
            raise SyncError(f"`git {' '.join(args)}` failed: {_reason(result)}")
        return os.fsdecode(result.stdout).strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args).returncode == 0

    def paths(self, *args: str) -> list[str]:
        """The NUL-separated paths a command given -z prints."""
        return [os.fsdecode(p) for p in self.run(*args).stdout.split(b"\0") if p]

    def commit_of(self, rev: str) -> str | None:
        result = self.run("rev-parse", "--verify", "-q", f"{rev}^{{commit}}")
        return os.fsdecode(result.stdout).strip() if result.returncode == 0 else None

    def config(self, key: str) -> str | None:
        result = self.run("config", "--get", key)
        return os.fsdecode(result.stdout).strip() if result.returncode == 0 else None

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.ok("merge-base", "--is-ancestor", older, newer)

    def blobs(self, rev: str, paths: list[str]) -> dict[str, bytes | None]:
        """The bytes of each of `paths` at `rev` (None where it has none), in one git process."""
        if not paths:
            return {}
        request = "".join(f"{rev}:{path}\n" for path in paths).encode()
        out = self.run("cat-file", "--batch", stdin=request).stdout
        found: dict[str, bytes | None] = {}
        at = 0
        for path in paths:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            if header[-1] == b"missing":
                found[path], at = None, end + 1
                continue
            size = int(header[2])
            found[path] = out[end + 1 : end + 1 + size]
            at = end + 2 + size
        return found


def _run_git(
    cwd: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env={**os.environ, **_GIT_ENV, **(env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise SyncError(
            "git is not installed (or not on PATH): install it, then run `cooltui sync` again"
        ) from None


def _reason(result: subprocess.CompletedProcess[bytes]) -> str:
    """git's own explanation of a failure, in one line: a refused ref's ("! [rejected] main ->
    main (fetch first)"), else its last error, else its last line."""
    lines = [line.strip() for line in os.fsdecode(result.stderr).splitlines() if line.strip()]
    refused = [line for line in lines if line.startswith("!")]
    errors = [line for line in lines if line.startswith(("error:", "fatal:"))]
    return (refused or errors or lines or [f"exit status {result.returncode}"])[-1]


# Before anything changes


@dataclass(frozen=True)
class _Where:
    """What a sync works on: the repository, the folder, the branch and the remote's."""

    git: _Git
    folder: Path
    path: str
    """The folder relative to the repository, as git names it."""
    branch: str
    remote: str
    remote_branch: str
    tracked: bool
    """Whether the branch has an upstream already (the first push sets one)."""

    @property
    def target(self) -> str:
        return f"{self.remote}/{self.remote_branch}"

    @property
    def upstream_ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.remote_branch}"

    def inside(self, path: str) -> bool:
        return PurePosixPath(path).is_relative_to(self.path)


def _where(store_dir: Path, annotator: str, remote: str | None) -> _Where:
    git = _Git.find(store_dir)
    folder = Path(store_dir).absolute() / annotator
    try:
        path = folder.resolve().relative_to(git.top.resolve()).as_posix()
    except ValueError:
        raise SyncError(f"{folder} is outside the repository {git.top}") from None
    branch = git.run("symbolic-ref", "-q", "--short", "HEAD")
    if branch.returncode != 0:
        raise SyncError(
            f"{git.top} is not on a branch (a detached HEAD): `git switch BRANCH`, then run "
            "`cooltui sync` again"
        )
    name = os.fsdecode(branch.stdout).strip()
    remote_name = _remote(git, name, remote)
    merge = git.config(f"branch.{name}.merge")
    tracked = git.config(f"branch.{name}.remote") == remote_name and merge is not None
    remote_branch = merge.removeprefix("refs/heads/") if tracked and merge else name
    return _Where(git, folder, path, name, remote_name, remote_branch, tracked)


def _remote(git: _Git, branch: str, asked: str | None) -> str:
    remotes = git.out("remote").split()
    if asked is not None:
        if asked not in remotes:
            have = f" (it has {', '.join(remotes)})" if remotes else ""
            raise SyncError(f"{git.top} has no git remote {asked!r}{have}: check --remote")
        return asked
    configured = git.config(f"branch.{branch}.remote")
    if configured in remotes:
        return configured
    if "origin" in remotes:
        return "origin"
    if len(remotes) == 1:
        return remotes[0]
    if not remotes:
        raise SyncError(
            f"{git.top} has no git remote to sync with: add the team's with "
            "`git remote add origin URL`, then run `cooltui sync` again"
        )
    raise SyncError(f"{git.top} has several remotes ({', '.join(remotes)}): name one with --remote")


_UNFINISHED = {
    "rebase-merge": "rebase",
    "rebase-apply": "rebase",
    "MERGE_HEAD": "merge",
    "CHERRY_PICK_HEAD": "cherry-pick",
}
"""What git keeps in its folder while an operation waits for the user, and the operation."""


def _check_ready(where: _Where) -> None:
    """Refuse a repository in the middle of something, a folder git ignores, and changes
    outside the folder (a rebase needs a clean tree, and sync commits only the folder)."""
    git = where.git
    for name, what in _UNFINISHED.items():
        if (git.top / git.out("rev-parse", "--git-path", name)).exists():
            raise SyncError(
                f"{git.top} is in the middle of a git {what}: finish it (`git status` says how) "
                "or abort it, then run `cooltui sync` again"
            )
    ignored = git.run("check-ignore", "-v", "--", f"{where.path}/{MANIFEST}", literal=False)
    if ignored.returncode == 0:
        rule = os.fsdecode(ignored.stdout).split("\t")[0]
        raise SyncError(
            f"git ignores {where.path} ({rule}): remove that rule so the store can be shared, "
            "then run `cooltui sync` again"
        )
    changed = git.paths("status", "--porcelain", "-z", "--untracked-files=no", "--no-renames")
    outside = [entry[3:] for entry in changed if not where.inside(entry[3:])]
    if outside:
        raise SyncError(
            f"{_names(outside)} outside {where.path} {'has' if len(outside) == 1 else 'have'} "
            "uncommitted changes: commit or stash them first (`cooltui sync` commits only "
            f"{where.path})"
        )


def _fetch(where: _Where) -> str | None:
    """Fetch the remote; the commit of its branch, None if it has none yet."""
    result = where.git.run("fetch", "-q", where.remote)
    if result.returncode != 0:
        raise SyncError(
            f"`git fetch {where.remote}` failed ({_reason(result)}): check the remote "
            "(`git remote -v`) and the connection, then run `cooltui sync` again; nothing "
            "was changed"
        )
    return where.git.commit_of(where.upstream_ref)


def _open(store_dir: Path, annotator: str) -> Store:
    try:
        return Store.open(store_dir, annotator)
    except StoreLocked as error:
        raise SyncError(
            f"{error.folder} is open in another cooltui ({error.holder}): quit it, then run "
            "`cooltui sync` again"
        ) from None


# Records


def _shard(raw: bytes | None, where: str) -> tuple[dict[str, dict[str, Any]], int]:
    """A shard's records by article id, in the form Annotation.to_dict gives (so that two
    records compare equal when their annotations do), and its stamp; none for no file."""
    if raw is None:
        return {}, 0
    try:
        records, stamp = shard_contents(raw)
    except ValueError as error:
        raise SyncError(
            f"{where} is not a shard cooltui can read ({error}); nothing was changed: repair "
            "that file (in the commit that damaged it), then run `cooltui sync` again"
        ) from None
    return {key: Annotation.from_dict(record).to_dict() for key, record in records.items()}, stamp


def _records(raw: bytes | None, where: str) -> dict[str, dict[str, Any]]:
    return _shard(raw, where)[0]


def _current(store: Store, article_id: str) -> dict[str, Any] | None:
    annotation = store.get(article_id)
    return None if annotation is None else annotation.to_dict()


def _is_shard(path: str) -> bool:
    return _SHARD.fullmatch(PurePosixPath(path).name) is not None


def _changed_here(where: _Where, head: str | None) -> tuple[str, ...]:
    """The articles whose record in the folder differs from the last commit's."""
    changed = where.git.paths(
        "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", where.path
    )
    shards = [entry[3:] for entry in changed if _is_shard(entry[3:])]
    before = where.git.blobs(head, shards) if head else {}
    ids: set[str] = set()
    for path in shards:
        file = where.git.top / path
        old = _records(before.get(path), f"{head}:{path}")
        new = _records(file.read_bytes() if file.exists() else None, str(file))
        ids.update(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    return tuple(sorted(ids))


@dataclass
class _Merged:
    """What merging the remote's copy of the folder into the Store did."""

    taken: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    aside: list[bytes] = field(default_factory=list)
    """The conflicts file's new lines: the records set aside."""
    theirs: dict[str, bytes] = field(default_factory=dict)
    """The remote's shard files that differ from the shared commit's, by path."""
    stamp: int = 0
    """The highest stamp of those files."""


def _merge_base(git: _Git, head: str | None, upstream: str) -> str | None:
    """The last commit both sides share; None if they share none (a first commit here)."""
    if head is None:
        return None
    result = git.run("merge-base", head, upstream)
    return os.fsdecode(result.stdout).strip() if result.returncode == 0 else None


def _merge_remote(where: _Where, store: Store, head: str | None, upstream: str) -> _Merged:
    """Merge the remote's records of the folder into `store`, three ways against the commit
    both sides share (none: every remote record is new here)."""
    git = where.git
    base = _merge_base(git, head, upstream)
    diff = (
        ("diff", "--name-only", "-z", "--no-renames", base, upstream, "--", where.path)
        if base
        else ("ls-tree", "-r", "--name-only", "-z", upstream, "--", where.path)
    )
    changed = git.paths(*diff)
    shards = [path for path in changed if _is_shard(path)]
    theirs_raw = git.blobs(upstream, shards)
    base_raw = git.blobs(base, shards) if base else {}
    merged = _Merged(theirs={path: raw for path, raw in theirs_raw.items() if raw is not None})
    theirs: dict[str, dict[str, Any]] = {}
    shared: dict[str, dict[str, Any]] = {}
    for path in shards:
        records, stamp = _shard(theirs_raw[path], f"{where.target}:{path}")
        theirs.update(records)
        merged.stamp = max(merged.stamp, stamp)
        shared.update(_records(base_raw.get(path), f"{base}:{path}"))
    source = f"{where.target} {upstream[:12]}"
    for article_id in sorted(theirs.keys() | shared.keys()):
        _merge_article(
            store, article_id, theirs.get(article_id), shared.get(article_id), source, merged
        )
    conflicts = f"{where.path}/{CONFLICTS}"
    remote_conflicts = git.blobs(upstream, [conflicts])[conflicts] if conflicts in changed else None
    if remote_conflicts or merged.aside:
        elsewhere = _keep_conflicts(where.folder, remote_conflicts or b"", merged.aside)
        merged.conflicts = sorted({*merged.conflicts, *elsewhere})
    return merged


def _merge_article(
    store: Store,
    article_id: str,
    theirs: dict[str, Any] | None,
    shared: dict[str, Any] | None,
    source: str,
    merged: _Merged,
) -> None:
    """One article: `theirs` (the remote's record, None: none) against `shared` (the shared
    commit's) and the Store's."""
    ours = _current(store, article_id)
    if theirs in (shared, ours):
        return
    if ours == shared or ours is None:
        # Changed there only (or removed here, changed there: the record is kept).
        _take(store, article_id, theirs)
        merged.taken.append(article_id)
        return
    if theirs is None:
        return  # removed there, changed here: the record is kept
    merged.conflicts.append(article_id)
    if theirs["updated"] > ours["updated"]:
        _take(store, article_id, theirs)
        merged.aside.append(_aside(ours, f"{socket.gethostname()} (this machine)"))
    else:
        merged.aside.append(_aside(theirs, source))


def _take(store: Store, article_id: str, record: dict[str, Any] | None) -> None:
    if record is None:
        store.delete(article_id)
    else:
        store.put(Annotation.from_dict(record))


def _aside(record: dict[str, Any], source: str) -> bytes:
    """A conflicts file line: the record set aside, and where it came from."""
    line = {"id": record["id"], "at": time.time(), "from": source, "record": record}
    return orjson.dumps(line, option=orjson.OPT_SORT_KEYS) + b"\n"


def _keep_conflicts(folder: Path, remote: bytes, new: list[bytes]) -> list[str]:
    """Write the conflicts file: this machine's lines, the remote's it lacks, then `new`.
    Returns the articles of the remote's lines it lacked (set aside by another machine)."""
    path = folder / CONFLICTS
    mine = path.read_bytes() if path.exists() else b""
    have = set(mine.splitlines())
    extra = [line for line in remote.splitlines() if line.strip() and line not in have]
    atomic_write(path, mine + b"".join(line + b"\n" for line in extra) + b"".join(new))
    return [_conflict_id(line) for line in extra]


def _conflict_id(line: bytes) -> str:
    try:
        return str(orjson.loads(line)["id"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return "(a damaged line)"


def _adopt(where: _Where, theirs: dict[str, bytes]) -> None:
    """Where a shard file holds the same records as the remote's, make it the remote's bytes
    (another machine's stamp, which the journal was numbered past): a record taken from the
    remote is then no change to commit."""
    for path, raw in theirs.items():
        file = where.git.top / path
        mine = file.read_bytes() if file.is_file() else None
        if mine != raw and _same_records(mine, raw):
            atomic_write(file, raw)


# Committing, rebasing, pushing


_NO_IDENTITY = ("tell me who you are", "empty ident", "unable to auto-detect email")
"""What git says when it has no name or email to commit with."""


def _commit(where: _Where, subject: str, body: str) -> bool:
    """Commit the folder as it is; False if nothing in it changed."""
    git = where.git
    git.out("add", "-A", "--", where.path)
    if git.ok("diff", "--cached", "--quiet", "--", where.path):
        return False
    result = git.run("commit", "-q", "-m", subject, "-m", body, "--", where.path)
    if result.returncode != 0:
        reason = _reason(result)
        if any(sign in os.fsdecode(result.stderr) for sign in _NO_IDENTITY):
            raise SyncError(
                'git does not know who you are: `git config user.name "Your Name"` and '
                "`git config user.email you@example.org`, then run `cooltui sync` again"
            )
        raise SyncError(f"`git commit` of {where.path} failed ({reason}); nothing was lost")
    return True


def _message(
    annotator: str, changed: tuple[str, ...], merged: _Merged, where: _Where
) -> tuple[str, str]:
    """The commit's subject, naming the articles changed, and its body, listing them."""
    subject = (
        f"{annotator}: {_articles(changed)}"
        if changed
        else f"{annotator}: merged from {where.target}"
    )
    parts = [f"Changed on {socket.gethostname()}: {_names(changed, LISTED)}"] if changed else []
    if merged.taken:
        parts.append(
            f"Changed on another machine, from {where.target}: {_names(merged.taken, LISTED)}"
        )
    if merged.conflicts:
        parts.append(
            f"Changed on both (the later record kept, the other in {CONFLICTS}): "
            f"{_names(merged.conflicts, LISTED)}"
        )
    return subject, "\n\n".join(parts) or "No article changed."


def _folder_files(where: _Where) -> dict[str, bytes]:
    """The bytes of every file of the folder git tracks, as they are on disk."""
    return {
        path: (where.git.top / path).read_bytes()
        for path in where.git.paths("ls-files", "-z", "--", where.path)
        if (where.git.top / path).is_file()
    }


def _rebase(where: _Where, upstream: str) -> None:
    """Rebase onto the remote's branch. A conflict in the folder takes this machine's side (the
    Store already holds both); one elsewhere aborts the rebase, leaving everything as it was."""
    git = where.git
    result = git.run("rebase", "--no-autostash", upstream)
    while result.returncode != 0:
        unmerged = git.paths("diff", "--name-only", "-z", "--diff-filter=U")
        outside = [path for path in unmerged if not where.inside(path)]
        if not unmerged or outside:
            git.run("rebase", "--abort")
            what = (
                f"your commits conflict with it in {_names(outside)}"
                if outside
                else _reason(result)
            )
            raise SyncError(
                f"rebasing onto {where.target} failed ({what}): `git pull --rebase "
                f"{where.remote} {where.remote_branch}` and settle it, then run `cooltui sync` "
                f"again; {where.path} is committed and nothing was lost"
            )
        try:
            _take_this_side(git, where, unmerged)
        except SyncError:
            git.run("rebase", "--abort")
            raise
        result = git.run("rebase", "--continue")


def _take_this_side(git: _Git, where: _Where, unmerged: list[str]) -> None:
    """Settle a stopped rebase's conflicts in the folder with the commit being replayed (in a
    rebase, "theirs"), or its removal of the file."""
    for path in unmerged:
        if git.ok("cat-file", "-e", f":3:{path}"):
            git.out("checkout", "--theirs", "--", path)
        else:
            git.out("rm", "-q", "--", path)
    git.out("add", "-A", "--", where.path)


def _settle(where: _Where, before: dict[str, bytes]) -> list[str]:
    """Make the store's files in the folder what the Store wrote before the rebase (`before`),
    wherever the rebase left them otherwise; a shard with the same records is left as git has
    it, and any other file too. Returns the files put back."""
    put_back = []
    for path in sorted(before.keys() | set(where.git.paths("ls-files", "-z", "--", where.path))):
        file = where.git.top / path
        mine, now = before.get(path), file.read_bytes() if file.is_file() else None
        shard = _is_shard(path)
        if not (shard or PurePosixPath(path).name in _KEPT_AS_WRITTEN):
            continue
        if mine == now or (shard and _same_records(mine, now)):
            continue
        if mine is None:
            file.unlink()
        else:
            atomic_write(file, mine)
        put_back.append(path)
    return put_back


def _same_records(one: bytes | None, other: bytes | None) -> bool:
    try:
        return one is not None and other is not None and _records(one, "") == _records(other, "")
    except SyncError:
        return False


def _push(where: _Where, upstream: str | None) -> bool:
    """Push the branch; False if the remote has it all already."""
    git = where.git
    if upstream is not None and git.is_ancestor("HEAD", upstream):
        return False
    track = [] if where.tracked else ["--set-upstream"]
    result = git.run("push", "-q", *track, where.remote, f"HEAD:refs/heads/{where.remote_branch}")
    if result.returncode != 0:
        reason = _reason(result)
        meanwhile = (
            " (someone pushed meanwhile)"
            if "fetch first" in reason or "non-fast-forward" in reason
            else ""
        )
        raise SyncError(
            f"git push to {where.target} was rejected{meanwhile}: {reason}; your commit is kept: "
            "run `cooltui sync` again"
        )
    return True


def sync(store_dir: Path, annotator: str, remote: str | None = None) -> SyncReport:
    """Commit `annotator`'s folder of `store_dir`, take the remote's work (rebasing onto it, and
    merging this annotator's records from another machine), and push. A SyncError says why it
    cannot, with nothing lost."""
    check_annotator(annotator)
    where = _where(store_dir, annotator, remote)
    _check_ready(where)
    upstream = _fetch(where)
    if not where.folder.is_dir() and not (
        upstream and where.git.ok("cat-file", "-e", f"{upstream}:{where.path}/manifest.json")
    ):
        raise SyncError(
            f"there is no store of {annotator!r} in {store_dir}, nor on {where.target}: check "
            "--annotator and --store"
        )
    with closing(_open(store_dir, annotator)) as store:
        store.flush()
        head = where.git.commit_of("HEAD")
        changed = _changed_here(where, head)
        behind = upstream is not None and not (head and where.git.is_ancestor(upstream, head))
        merged = _Merged()
        if behind:
            assert upstream is not None
            merged = _merge_remote(where, store, head, upstream)
            store.flush()
            store.number_past(merged.stamp)
            _adopt(where, merged.theirs)
        _commit(where, *_message(annotator, changed, merged, where))
        if behind:
            assert upstream is not None
            before = _folder_files(where)
            _rebase(where, upstream)
            put_back = _settle(where, before)
            if put_back:
                _commit(
                    where,
                    f"{annotator}: this machine's records kept after merging {where.target}",
                    f"The rebase left other records in: {_names(put_back, LISTED)}",
                )
        pushed = _push(where, upstream)
    return SyncReport(
        annotator,
        where.path,
        where.target,
        committed=changed,
        taken=tuple(merged.taken),
        conflicts=tuple(merged.conflicts),
        pushed=pushed,
    )
