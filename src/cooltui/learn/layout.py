"""Where trained models are kept, light enough for the app to import: no spaCy, no exporter."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

MODELS = "models"
"""The folder of the store folder that holds the trained models."""
BEST = "model-best"
META_FILE = "training.json"
"""What a model folder holds beside the model: also what marks a folder as ours to replace."""


def model_folder(store_dir: Path, annotators: Sequence[str]) -> Path:
    """<store>/models/<name>: the annotators' names joined by "+"."""
    return store_dir / MODELS / "+".join(annotators)


def model_stamp(folder: Path) -> int | None:
    """Which model is in `folder` (its training.json's change time), or None without one."""
    try:
        return (folder / META_FILE).stat().st_mtime_ns
    except OSError:
        return None
