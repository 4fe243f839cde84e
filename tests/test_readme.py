"""The README's shell examples run as written, top to bottom, so that they cannot rot.

Every ```sh block is run in order in one bash script (`set -euo pipefail`), in an empty folder,
with `schoolsync` on the PATH and a store of its own. Only two things change: the ports the
README names (8765, 8766, 8000) become free ones, and after a line that starts a server in the
background the script waits for it to listen. The block that sets the machine up
(`./scripts/...`) is left out: it is what runs these tests.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
PORTS = ("8765", "8766", "8000")

_WAIT = """
wait_for_port() {
    python -c 'import socket, sys, time
for _ in range(600):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("nothing listens on port " + sys.argv[1])' "$1"
}
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
"""


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def runnable(blocks: list[str], ports: dict[str, str]) -> str:
    lines = ["set -euo pipefail", _WAIT]
    for block in blocks:
        if "./scripts/" in block:
            continue
        for readme, free in ports.items():
            block = block.replace(readme, free)
        for line in block.splitlines():
            lines.append(line)
            started = re.search(r"\bserve\b.*--port (\d+).*&\s*(#.*)?$", line)
            if started:
                lines.append(f"wait_for_port {started.group(1)}")
    return "\n".join(lines) + "\n"


def test_the_readme_names_one_command_and_no_missing_files() -> None:
    text = README.read_text(encoding="utf-8")
    assert ".venv/bin/schoolsync " not in text
    assert "oneroster.zip" not in text
    assert "larkfield.sch.uk" not in text


@pytest.mark.slow
def test_the_readme_examples_run_as_written(tmp_path: Path) -> None:
    blocks = shell_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    script = runnable(blocks, {port: str(free_port()) for port in PORTS})
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SCHOOLSYNC_HOME": str(tmp_path / "home"),
        "COLUMNS": "120",
    }
    for name in ("SCHOOLSYNC_DATABASE_URL", "SCHOOLSYNC_SMTP_HOST"):
        env.pop(name, None)
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert "School key" not in done.stdout  # every key was captured into a variable
    assert "exit code 3: safe changes applied" in done.stdout  # the held run said so
    assert (work / "issues.csv").exists() and (work / "oneroster" / "users.csv").exists()
