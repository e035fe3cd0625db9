"""A real llama.cpp server (llama-cpp-python, built once per machine into a cached wheel)
serving tiny checkpoints with the real Llama 3 tokenizer, converted to f32 GGUF."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.guard_server.checkpoints import build_random_llama3, build_scripted_llama3_guard
from tests.guard_server.servers import (
    REPO,
    start_llama_cpp_server,
    start_text_only_server,
    start_transformers_serve,
    transformers_serve_available,
)

SCRIPT = REPO / "scripts" / "llama_cpp_wheel.py"
API_KEY_ENV = "STEWARD_TEST_GUARD_API_KEY"


def _script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def _last_line(completed: subprocess.CompletedProcess) -> str:
    return completed.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def llama_cpp_installed() -> None:
    """llama-cpp-python[server] in this interpreter: from the cached wheel, built if missing
    (about 4-5 minutes on 2 cores); skipped only when it cannot be built here."""
    if importlib.util.find_spec("llama_cpp") is not None:
        return
    completed = _script("install")
    if completed.returncode or importlib.util.find_spec("llama_cpp") is None:
        pytest.skip(
            "llama-cpp-python is not installed and no wheel is cached or can be built "
            f"(scripts/llama_cpp_wheel.py install): {completed.stderr.strip()[-600:]}"
        )


@pytest.fixture(scope="session")
def llama3_tokenizer_dir() -> Path:
    completed = _script("tokenizer")
    if completed.returncode:
        pytest.skip(
            "The Llama 3 tokenizer cannot be extracted (no llama-cpp-python sdist cached or "
            f"downloadable): {completed.stderr.strip()[-600:]}"
        )
    return Path(_last_line(completed))


def _gguf(checkpoint: Path) -> Path:
    outfile = checkpoint.parent / f"{checkpoint.name}.f32.gguf"
    completed = _script("convert", str(checkpoint), str(outfile))
    assert completed.returncode == 0, completed.stderr[-2000:]
    return outfile


@pytest.fixture(scope="session")
def checkpoints(tmp_path_factory, llama3_tokenizer_dir) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("llama3-checkpoints")
    return {
        "guard-unsafe": build_scripted_llama3_guard(
            root / "unsafe",
            llama3_tokenizer_dir,
            verdict="unsafe",
            p_unsafe=0.8,
            categories=("S1", "S10"),
        ),
        "guard-safe": build_scripted_llama3_guard(
            root / "safe", llama3_tokenizer_dir, verdict="safe", p_unsafe=0.2
        ),
        "random": build_random_llama3(root / "random", llama3_tokenizer_dir),
    }


@pytest.fixture(scope="session")
def ggufs(checkpoints, llama_cpp_installed) -> dict[str, Path]:
    return {name: _gguf(path) for name, path in checkpoints.items()}


@pytest.fixture(scope="session")
def api_key() -> str:
    key = "sk-test-" + secrets.token_hex(16)
    os.environ[API_KEY_ENV] = key
    yield key
    os.environ.pop(API_KEY_ENV, None)


@pytest.fixture(scope="session")
def llama_server(ggufs, api_key, tmp_path_factory):
    """One llama.cpp server for the session, with an API key, serving every checkpoint."""
    server = start_llama_cpp_server(ggufs, tmp_path_factory.mktemp("llama-server"), api_key=api_key)
    yield server
    server.stop()


@pytest.fixture
def doomed_llama_server(ggufs, tmp_path):
    """A server of the test's own, to be killed by it."""
    server = start_llama_cpp_server({"guard-safe": ggufs["guard-safe"]}, tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def text_only_servers(checkpoints, tmp_path_factory):
    """A completions server without log-probabilities per scripted checkpoint: `transformers
    serve` when transformers[serving] and accelerate are installed, else the tests' own
    stdlib server that answers the same way (`text_only_server.py`)."""
    workdir = tmp_path_factory.mktemp("text-servers")
    start = start_transformers_serve if transformers_serve_available() else start_text_only_server
    servers = {name: start(checkpoints[name], workdir) for name in ("guard-unsafe", "guard-safe")}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def misbehaving_server(checkpoints, tmp_path_factory):
    """The stdlib server, whose /broken/, /babble/ and /failing/ paths answer badly."""
    server = start_text_only_server(
        checkpoints["guard-safe"], tmp_path_factory.mktemp("misbehaving-server")
    )
    yield server
    server.stop()
