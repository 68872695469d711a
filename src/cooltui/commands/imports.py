"""`cooltui import`: annotations from doccano, Prodigy, Label Studio, spaCy, brat, CoNLL or our
own export, checked and saved into an annotator's store (or offered as suggestions)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cooltui.options import settings_from

NAME = "import"
HELP = (
    "bring in annotations from other tools (doccano, Prodigy, Label Studio, spaCy, brat, CoNLL) "
    "or a cooltui export: every span checked, nothing overwritten unless --replace"
)
FORMAT_NAMES = ("auto", "jsonl", "doccano", "prodigy", "labelstudio", "spacy", "conll", "brat")
"""The readers' formats and "auto", spelled out: `cooltui --help` need not import them."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="files to import (a brat folder counts as one file)",
    )
    parser.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        default="auto",
        help="the files' format; auto (the default) tells them apart by extension and shape",
    )
    parser.add_argument(
        "--as-suggestions",
        action="store_true",
        help="offer the spans and document labels as suggestions (a model's predictions as "
        "pre-annotations) instead of saving them as done work",
    )
    parser.add_argument(
        "--labels-map",
        metavar="FILE",
        help='their labels -> ours: a JSON map such as {"ORG": "UNIT", "MISC": "O"} (O leaves '
        "one out); labels the scheme lacks stop the import unless mapped",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite articles the annotator already annotated (`--undo` takes it back)",
    )
    parser.add_argument(
        "--offsets",
        choices=("auto", "codepoints", "utf16"),
        default="auto",
        help="what the offsets count: auto (told from the spans' texts), codepoints, or utf16 "
        "(browsers: doccano, Label Studio)",
    )
    parser.add_argument(
        "--undo",
        action="store_true",
        help="take back the annotator's last import: each article as it was before, unless "
        "edited since",
    )


def run(args: argparse.Namespace) -> int:
    from cooltui.errors import UsageError
    from cooltui.export.labels import load_labels_map
    from cooltui.imports.core import (
        ImportOptions,
        last_log,
        run_import,
        undo_import,
    )
    from cooltui.store import Store

    settings = settings_from(args)
    if args.undo:
        if args.files:
            raise UsageError("--undo takes back the last import; give no files with it")
        log = last_log(settings.store_dir, settings.annotator)
        if log is None:
            raise UsageError(
                f"no import to take back in {settings.store_dir} for {settings.annotator!r}; "
                "check --store and --annotator"
            )
        with Store.open(settings.store_dir, settings.annotator) as store:
            print(undo_import(store, log).render(), file=sys.stderr)
        return 0
    if not args.files:
        raise UsageError("give the files to import, e.g. `cooltui import data.jsonl`")
    for path in args.files:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder; check the path")
    labels_map = load_labels_map(args.labels_map, values=True).mapping if args.labels_map else None
    scheme = settings.load_scheme()
    options = ImportOptions(
        format=args.format,
        as_suggestions=args.as_suggestions,
        labels_map=labels_map,
        replace=args.replace,
        offsets=args.offsets,
    )
    corpus = settings.load_corpus()
    with Store.open(settings.store_dir, settings.annotator) as store:
        report = run_import(args.files, corpus, scheme, store, settings.store_dir, options)
    print(report.render(), file=sys.stderr)
    if report.left_out:
        print(
            f"cooltui: {report.left_out:,} record{'' if report.left_out == 1 else 's'} left "
            "out because of the problems above; fix them and import again (what was imported "
            "stays)",
            file=sys.stderr,
        )
        return 1
    return 0
