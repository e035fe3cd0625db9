"""Real OpenAI-compatible servers as child processes: llama.cpp's, and a text-only one."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
GGML_TYPE_F32 = 0  # llama.cpp's ggml_type for float32


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ServerProcess:
    process: subprocess.Popen
    port: int
    log: Path
    started_in_s: float = 0.0
    # The model name requests must carry ("" for servers that take any).
    model_name: str = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would: no graceful shutdown."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _start(
    command: list[str],
    port: int,
    log: Path,
    *,
    ready_path: str,
    wait_s: float,
    headers: dict[str, str] | None = None,
) -> ServerProcess:
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = ServerProcess(process, port, log)
    deadline = started + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{command[:4]} exited with {process.returncode}:\n{server.log_tail()}"
            )
        try:
            response = httpx.get(
                f"http://127.0.0.1:{port}{ready_path}", headers=headers, timeout=2, trust_env=False
            )
            if response.status_code == 200:
                server.started_in_s = time.monotonic() - started
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"{command[:4]} not ready after {wait_s:.0f} s:\n{server.log_tail()}")


def start_llama_cpp_server(
    models: dict[str, Path], workdir: Path, *, api_key: str = "", wait_s: float = 120
) -> ServerProcess:
    """`python -m llama_cpp.server` serving each GGUF under its alias (first one loaded)."""
    port = free_port()
    config = {
        "host": "127.0.0.1",
        "port": port,
        "api_key": api_key or None,
        "models": [
            {
                "model": str(path),
                "model_alias": alias,
                "n_ctx": 2048,
                "n_threads": 1,
                "n_threads_batch": 1,
                "logits_all": True,
                "verbose": False,
                # f32 keys and values (the default is f16), so that the cross-backend test
                # measures the model, not the cache's rounding.
                "type_k": GGML_TYPE_F32,
                "type_v": GGML_TYPE_F32,
            }
            for alias, path in models.items()
        ],
    }
    config_file = workdir / f"llama-server-{port}.json"
    config_file.write_text(json.dumps(config))
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
    return _start(
        [sys.executable, "-m", "llama_cpp.server", "--config_file", str(config_file)],
        port,
        workdir / f"llama-server-{port}.log",
        ready_path="/v1/models",
        wait_s=wait_s,
        headers=headers,
    )


def transformers_serve_available() -> bool:
    """`transformers serve` needs transformers[serving] (openai, fastapi, uvicorn) and, to
    place the model on a device, accelerate."""
    from importlib.util import find_spec

    from transformers.utils.import_utils import is_serve_available

    return is_serve_available() and find_spec("accelerate") is not None


def start_transformers_serve(
    model_dir: Path, workdir: Path, *, wait_s: float = 180
) -> ServerProcess:
    """`transformers serve` with the checkpoint preloaded, offline, on the CPU."""
    port = free_port()
    executable = Path(sys.executable).with_name("transformers")
    command = [
        str(executable),
        "serve",
        str(model_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--device",
        "cpu",
        "--dtype",
        "float32",
    ]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    server = _start(
        command,
        port,
        workdir / f"transformers-serve-{port}.log",
        ready_path="/health",
        wait_s=wait_s,
    )
    server.model_name = str(model_dir)
    return server


def start_text_only_server(model_dir: Path, workdir: Path, *, wait_s: float = 120) -> ServerProcess:
    port = free_port()
    return _start(
        [
            sys.executable,
            "-m",
            "tests.guard_server.text_only_server",
            "--model",
            str(model_dir),
            "--port",
            str(port),
        ],
        port,
        workdir / f"text-server-{port}.log",
        ready_path="/health",
        wait_s=wait_s,
    )
