"""`schoolsync serve` as a user starts it: the web app and the API from one process."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_the_web_app_and_the_api(env: dict[str, str]) -> None:
    env = {k: v for k, v in env.items() if k != "SCHOOLSYNC_API_TOKEN"}  # needs no token
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "schoolsync", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        login = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                login = httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert login is not None, "schoolsync serve did not answer"
        assert login.status_code == 200 and "Log in to schoolsync" in login.text
        assert "script-src 'self'" in login.headers["Content-Security-Policy"]
        assert httpx.get(f"{base}/api/schools", timeout=5).status_code == 401
        assert httpx.get(f"{base}/schools", timeout=5).status_code == 303  # to the login page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in output


def test_ctrl_c_says_what_it_waits_for_and_exits_130(env: dict[str, str]) -> None:
    """Ctrl-C in `serve` stops the web app, says which syncs it waits for (a second Ctrl-C
    stops at once) and exits 130, as every command stopped by Ctrl-C does."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "schoolsync", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert "Stopping: no sync under way." in output
    assert "Traceback" not in output and "Aborted" not in output
    assert server.returncode == 130, output
