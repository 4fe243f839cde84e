"""How long `read_file` takes on a whole school's upload. Prints; asserts nothing.

.venv/bin/python -m tests.files.measure            # 2,000 pupils
.venv/bin/python -m tests.files.measure --pupils 500
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from schoolsync.sources.registry import read_file
from tests.files.cases import zip_folder
from tests.files.generate import write


def best_of(runs: int, path: Path) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        snapshot = read_file(path)
        times.append(time.perf_counter() - started)
    return min(times), len(snapshot.people)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ctf, package = write(arguments.pupils, Path(folder))
        packed = zip_folder(package, Path(folder) / "oneroster.zip")
        for label, path in (("CTF", ctf), ("OneRoster folder", package), ("OneRoster zip", packed)):
            size = (
                sum(p.stat().st_size for p in path.iterdir())
                if path.is_dir()
                else path.stat().st_size
            )
            seconds, people = best_of(arguments.runs, path)
            print(
                f"{label:17} {arguments.pupils} pupils, {people} people, "
                f"{size / 1e6:.1f} MB: {seconds:.3f} s (best of {arguments.runs})"
            )


if __name__ == "__main__":
    main()
