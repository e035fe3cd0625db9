"""`manage.py serve` (what `make run` runs): one block once Steward answers, and Ctrl-C in the
terminal stops every process quietly with exit status 0 — for `make` too."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_until(fd: int, text: str, timeout: float) -> str:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other side closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if text.encode() in seen:
            break
    return seen.decode(errors="replace")


def test_ctrl_c_stops_everything_quietly_and_make_exits_zero(tmp_path):
    port = _free_port()
    site = tmp_path / "site"
    site.mkdir()
    (site / "healthz").write_text("ok")
    # Stand-ins for gunicorn and celery: a web server that answers /healthz, two idlers.
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        f"web: {sys.executable} -m http.server {port} --bind 127.0.0.1 --directory {site}\n"
        f"worker: {sys.executable} -c 'import time; time.sleep(600)'\n"
        f"beat: {sys.executable} -c 'import time; time.sleep(600)'\n"
    )
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t@{sys.executable} manage.py serve --procfile {procfile}\n")
    env = os.environ | {
        "STEWARD_PORT": str(port),
        "STEWARD_VAR_DIR": str(tmp_path / "var"),
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    main, terminal = pty.openpty()
    make = subprocess.Popen(
        ["make", "-s", "-f", str(makefile), "run"],
        cwd=ROOT,
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,  # a session of its own, with the pty as its terminal
        preexec_fn=lambda: __import__("fcntl").ioctl(0, __import__("termios").TIOCSCTTY, 0),
    )
    os.close(terminal)
    try:
        shown = _read_until(main, "Press Ctrl-C to stop.", timeout=90)
        assert f"Steward is running at http://127.0.0.1:{port}/" in shown, shown
        assert "Logs:" in shown and "var/log" in shown
        os.write(main, b"\x03")  # Ctrl-C, as typed: the terminal sends SIGINT to its foreground
        rest = _read_until(main, "Steward stopped.", timeout=30)
        assert make.wait(timeout=30) == 0, shown + rest
    finally:
        if make.poll() is None:
            os.killpg(make.pid, 9)
        os.close(main)
    assert "Steward stopped." in rest
    assert "Error" not in rest and "Traceback" not in rest
    with pytest.raises(OSError):  # the web process is gone with the rest
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
