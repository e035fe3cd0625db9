"""`manage.py serve`: run web, worker and beat (the Procfile's processes) for `make run`.

Each process logs to `var/log/<name>.log`, so the terminal shows one block once Steward
answers: the address, the demo users, where logs and emails go, and how to stop. Ctrl-C stops
all three quietly and exits 0. In production run the Procfile with a process manager instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.management.commands.setup_demo import DEMO_USERS_FILE

READY_TIMEOUT_S = 120
STOP_TIMEOUT_S = 15


def procfile_processes(procfile: Path) -> dict[str, str]:
    """`name: command` lines of a Procfile, in order (comments and blank lines skipped)."""
    processes: dict[str, str] = {}
    for line in procfile.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, command = line.partition(":")
        if not sep or not name.strip() or not command.strip():
            raise CommandError(f"{procfile}: cannot read the line {line!r} as 'name: command'")
        processes[name.strip()] = command.strip()
    return processes


@contextlib.contextmanager
def terminal_foreground() -> Iterator[None]:
    """Own the terminal's foreground while serving, so that Ctrl-C reaches this process only
    (and not `make`, which would report the interrupt as an error), then hand it back."""
    try:
        fd = sys.stdin.fileno()
        interactive = os.isatty(fd)
    except (OSError, ValueError):
        interactive = False
    if not interactive:
        yield
        return
    previous = os.tcgetpgrp(fd)
    old_ttou = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
            os.tcsetpgrp(fd, os.getpgrp())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(fd, previous)
        signal.signal(signal.SIGTTOU, old_ttou)


class Command(BaseCommand):
    help = "Run web, worker and beat from the Procfile; Ctrl-C stops them all."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--procfile", default=str(Path(settings.BASE_DIR) / "Procfile"))

    def handle(self, *args: Any, **options: Any) -> None:
        processes = procfile_processes(Path(options["procfile"]))
        log_dir = Path(settings.VAR_DIR) / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        host = os.environ.get("STEWARD_HOST", "127.0.0.1")
        port = os.environ.get("STEWARD_PORT", "8000")
        children: dict[str, subprocess.Popen[bytes]] = {}
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        with terminal_foreground():
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
            try:
                for name, command in processes.items():
                    log = (log_dir / f"{name}.log").open("ab")
                    children[name] = subprocess.Popen(
                        ["/bin/sh", "-c", f"exec {command}"],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        env=env,
                        cwd=settings.BASE_DIR,
                        start_new_session=True,  # Ctrl-C is ours to pass on, not theirs
                    )
                    log.close()
                self._wait_until_ready(host, port, children, log_dir, lambda: stopping)
                if not stopping:
                    self._announce(host, port, log_dir)
                while not stopping:
                    for name, child in children.items():
                        if child.poll() is not None:
                            raise CommandError(
                                f"The {name} process exited ({child.returncode}); "
                                f"see {log_dir / f'{name}.log'}."
                            )
                    time.sleep(0.5)
            finally:
                self._stop(children)
        self.stdout.write("Steward stopped.")

    def _wait_until_ready(
        self,
        host: str,
        port: str,
        children: dict[str, subprocess.Popen[bytes]],
        log_dir: Path,
        stopping: Any,
    ) -> None:
        url_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        deadline = time.monotonic() + READY_TIMEOUT_S
        self.stdout.write(f"Starting web, worker and beat (logs in {log_dir}) ...")
        while time.monotonic() < deadline and not stopping():
            for name, child in children.items():
                if child.poll() is not None:
                    tail = _tail(log_dir / f"{name}.log")
                    raise CommandError(f"The {name} process failed to start:\n{tail}")
            try:
                with urllib.request.urlopen(f"http://{url_host}:{port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        if not stopping():
            raise CommandError(f"Steward did not answer within {READY_TIMEOUT_S} s; see {log_dir}.")

    def _announce(self, host: str, port: str, log_dir: Path) -> None:
        width = min(shutil.get_terminal_size((80, 24)).columns, 78)
        rule = "─" * width
        lines = [rule, f"  Steward is running at {settings.SITE_URL}/"]
        if host in ("0.0.0.0", "::"):
            lines.append(f"  (listening on all addresses, port {port})")
        users_file = Path(settings.VAR_DIR) / DEMO_USERS_FILE
        if users_file.exists():
            lines += ["", f"  Demo users (also in {users_file}):"]
            lines += [f"    {line}" for line in users_file.read_text().splitlines()]
        lines += [
            "",
            f"  API docs: {settings.SITE_URL}/api/docs/",
            f"  Logs:     {log_dir}/{{web,worker,beat}}.log",
            f"  Emails:   {settings.EMAIL_FILE_PATH}/"
            if "filebased" in settings.EMAIL_BACKEND
            else "  Emails:   sent through the configured mail server",
            "",
            "  Press Ctrl-C to stop.",
            rule,
        ]
        self.stdout.write("\n".join(lines))

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
