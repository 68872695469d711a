"""A large export with one worker process per core, each taking a share of the store's shards.

Each worker runs the ordinary export on its share into files of its own, in a private folder
beside the output (in the system's temporary folder when the output is a FIFO or a device),
each in corpus order; the parent adds up their reports and merges their files, record by record
in corpus order, into the real output files, written as always: the same bytes as one process
writes. Only the formats of chunks (jsonl, doccano, conll) can be put together this way; spacy
and stdout stay in one process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from cooltui.corpus import Corpus
from cooltui.export.core import ExportOptions, Report, companions, export_laid_out
from cooltui.export.formats import FORMATS
from cooltui.export.order import Layout, merge
from cooltui.export.output import AtomicFile, ExportError, part_paths, workers_folder
from cooltui.scheme import Scheme
from cooltui.store.files import atomic_write

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    from cooltui.model import Annotation
    from cooltui.store import Store

    _Record = tuple[str, Annotation]

MIN_RECORDS = 5_000
"""Below this, starting workers costs more than it saves."""

# What the forked workers read: set by the parent just before forking, inherited, never pickled;
# with a counter of the records done, shared with the parent for its progress bar.
_JOB: tuple[Sequence[Store], Corpus, Scheme, ExportOptions, Synchronized[int]] | None = None
_TELL_EVERY = 500


def can_split(fmt: str, output: object, records: int, jobs: int) -> bool:
    """Whether an export is worth doing (and can be done) by several processes."""
    return (
        jobs > 1
        and fmt in FORMATS
        and FORMATS[fmt].chunks
        and isinstance(output, Path)
        and records >= MIN_RECORDS
        and "fork" in multiprocessing.get_all_start_methods()
    )


def export_in_parts(
    stores: Sequence[Store],
    corpus: Corpus,
    scheme: Scheme,
    output: Path,
    options: ExportOptions,
    jobs: int,
    *,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Export with `jobs` worker processes; the same files and report as one process writes.

    `progress` is told, a few times a second, how many records the workers have done.
    """
    global _JOB  # noqa: PLW0603 - handed to the forked workers, which inherit it
    extension = FORMATS[options.format].extension
    targets = part_paths(output, extension) if options.split else {"": output}
    files: dict[str, AtomicFile] = {}
    try:
        # The real outputs first: a folder that cannot be written fails before any work.
        for part, target in targets.items():
            files[part] = AtomicFile(target)
        with workers_folder(output) as folder:
            bases = [folder / f"worker{index}.{extension}" for index in range(jobs)]
            context = multiprocessing.get_context("fork")
            done = context.Value("q", 0)
            _JOB = (stores, corpus, scheme, options, done)
            try:
                with context.Pool(jobs) as pool:
                    shares = [(index, jobs, base) for index, base in enumerate(bases)]
                    running = pool.starmap_async(_export_share, shares)
                    while not running.ready():
                        running.wait(0.2)
                        if progress is not None:
                            progress(done.value)
                    report = Report(options.format)
                    layouts = []
                    for share, laid_out in running.get():
                        report.merge(share)
                        layouts.append(laid_out)
            finally:
                _JOB = None
            for part, file in files.items():
                with ExitStack() as stack:
                    sources: list[tuple[BinaryIO, Layout]] = []
                    for base, laid_out in zip(bases, layouts, strict=True):
                        if part in laid_out:  # a worker that exported nothing wrote nothing
                            piece = part_paths(base, extension)[part] if part else base
                            sources.append((stack.enter_context(piece.open("rb")), laid_out[part]))
                    merge(sources, file.stream)
        if report.exported:
            for path, data in companions(output, FORMATS[options.format], scheme, options).items():
                atomic_write(path, data, sync_dir=False)
        for file in files.values():
            if report.exported:
                file.commit()
            else:  # nothing exported: a previous output stays as it was
                file.abort()
    except OSError as error:
        for file in files.values():
            file.abort()
        names = ", ".join(str(target) for target in targets.values())
        raise ExportError(
            f"writing {names} failed ({error.strerror or error}); nothing was written"
        ) from None
    except BaseException:
        for file in files.values():
            file.abort()
        raise
    report.outputs = [str(target) for target in targets.values()] + [
        str(path) for path in companions(output, FORMATS[options.format], scheme, options)
    ]
    report.written = report.exported > 0
    return report


def _export_share(index: int, shares: int, base: Path) -> tuple[Report, dict[str, Layout]]:
    assert _JOB is not None
    stores, corpus, scheme, options, done = _JOB
    records = ((store.annotator, a) for store in stores for a in store.share(index, shares))
    return export_laid_out(_told(records, done), corpus, scheme, base, options)


def _told(records: Iterable[_Record], done: Synchronized[int]) -> Iterator[_Record]:
    for count, record in enumerate(records, 1):
        yield record
        if count % _TELL_EVERY == 0:
            with done.get_lock():
                done.value += _TELL_EVERY
