"""The package as pip installs it: the seeds travel inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_holds_the_seeds_byte_for_byte_and_the_default_scheme(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("cooltui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            assert archive.read(f"cooltui/seeds/{seed.name}") == seed.read_bytes()
        assert "cooltui/schemes/default.toml" in names
        assert any(name.endswith("entry_points.txt") for name in names)


def test_repo_seeds_are_the_five_shared_articles():
    seeds = sorted(path.name for path in (ROOT / "seeds").iterdir())
    assert len(seeds) == 5 and all(name.endswith(".txt") for name in seeds)
    shared = ROOT.parent / "shared" / "seeds"
    if shared.is_dir():  # beside the repo in CI and on developers' machines
        for name in seeds:
            assert (shared / name).read_bytes() == (ROOT / "seeds" / name).read_bytes()
