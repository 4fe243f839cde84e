"""`./scripts/demo` as a new user runs it: it syncs the sandbox school, prints the web app's
address and a login, and keeps serving until Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.test_serve_command import free_port
from tests.web.helpers import browser_client_at, csrf_of

PRINTED = re.compile(r"Open the web app: (http://\S+)\nLog in as (\S+) with the password (\S+)")


def test_demo_prints_a_login_that_opens_the_synced_school(tmp_path: Path) -> None:
    env = {**os.environ, "SCHOOLSYNC_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    for name in ("SCHOOLSYNC_DATABASE_URL", "SCHOOLSYNC_API_TOKEN"):
        env.pop(name, None)
    port = free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "schoolsync", "demo", "--pupils", "60", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    printed = ""
    try:
        deadline = time.monotonic() + 120
        assert demo.stdout is not None
        while time.monotonic() < deadline and not PRINTED.search(printed):
            line = demo.stdout.readline()
            if not line:
                break
            printed += line
        found = PRINTED.search(printed)
        assert found, printed
        url, email, password = found.groups()
        assert url.startswith(f"http://127.0.0.1:{port}/schools/sch_")
        page = _logged_in_page(url, email, password)
        school = re.search(r"Added (.+ \(sandbox\)): school key", printed)
        assert school and f"<h1>{school.group(1)}</h1>" in page
        assert "Started by a person" in page  # the demo's sync, in the history
        assert "Start sync" in page
    finally:
        demo.send_signal(signal.SIGINT)  # as Ctrl-C
        demo.communicate(timeout=30)
    assert demo.returncode == 0  # Ctrl-C is how a person stops it: not an error


def _logged_in_page(url: str, email: str, password: str) -> str:
    base, path = url.split("/schools/", 1)
    deadline = time.monotonic() + 30
    while True:
        try:
            with browser_client_at(base) as client:
                form = client.get("/login")
                done = client.post(
                    "/login",
                    data={"email": email, "password": password,
                          "csrf_token": csrf_of(form.text), "next": f"/schools/{path}"},
                )  # fmt: skip
                assert done.status_code == 200, done.text
                return done.text
        except ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
