#!/usr/bin/env python3
"""Build llama-cpp-python once per machine, and take Llama 3's tokenizer and converter from it.

The guard's server tests and benches need three things from the llama-cpp-python source
archive (sdist), all cached under `${STEWARD_CACHE:-~/.cache/steward}`:

  wheel      build the wheel from the sdist (15-20 minutes untrimmed on 2 cores, about 4 with
             the trimmed CMake options below) unless a wheel for the same version and options
             is cached; print its path.
  install    `wheel`, then `pip install <wheel>[server]` into this interpreter when
             `llama_cpp` is missing or another version.
  tokenizer  the real Llama 3 tokenizer from the sdist's `ggml-vocab-llama-bpe.gguf`, saved as
             `tokenizer.json` with Llama 3's 128,256 ids; print its folder.
  convert    an HF checkpoint folder to GGUF with the sdist's own `convert_hf_to_gguf.py`.
  seed       put an already built wheel into the cache (as if `wheel` had built it).

Layout of the cache:
  sdist/llama_cpp_python-<version>.tar.gz
  wheels/<version>-<options key>/llama_cpp_python-<version>-py3-none-linux_<arch>.whl
  llama.cpp/<version>/   converter, gguf-py and the vocabulary, extracted from the sdist
  tokenizers/llama3-bpe-<version>/tokenizer.json, tokenizer_config.json

Building is niced and holds a lock, so parallel test runs on one machine build once.
Everything but `tokenizer` and `convert` needs only the standard library and pip.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

VERSION = os.environ.get("LLAMA_CPP_PYTHON_VERSION", "0.3.36")
# Only the library is needed (the server is the Python package's): no llava, tests, examples,
# tools or C++ server; GGML_NATIVE=OFF so one cached wheel runs on any x86-64 CPU of the fleet.
CMAKE_OPTIONS = (
    "-DLLAVA_BUILD=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_TOOLS=OFF",
    "-DLLAMA_BUILD_SERVER=OFF",
    "-DGGML_NATIVE=OFF",
)
VOCAB_FILE = "ggml-vocab-llama-bpe.gguf"
# Llama 3's vocabulary: ids 0..128255. transformers' GGUF loader adds `<|endoftext|>` at
# 128256, which Llama 3 does not have (and convert_hf_to_gguf.py rejects).
LLAMA3_VOCAB_SIZE = 128256
BEGIN_OF_TEXT, END_OF_TEXT, END_OF_TURN = "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"
SDIST_MEMBERS = (
    "vendor/llama.cpp/convert_hf_to_gguf.py",
    "vendor/llama.cpp/conversion/",
    "vendor/llama.cpp/gguf-py/",
    f"vendor/llama.cpp/models/{VOCAB_FILE}",
)


class SetupError(Exception):
    """A step could not be done (no network for the sdist, no compiler, a failed build)."""


def cache_root() -> Path:
    return Path(os.environ.get("STEWARD_CACHE") or Path.home() / ".cache" / "steward")


def cmake_args(extra: str = "") -> str:
    return " ".join((*CMAKE_OPTIONS, *extra.split()))


def options_key(cmake: str) -> str:
    """Which build a cached wheel is: the options and the CPU architecture it targets."""
    text = json.dumps({"version": VERSION, "cmake": cmake, "arch": platform.machine()})
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def wheel_dir(cmake: str) -> Path:
    return cache_root() / "wheels" / f"{VERSION}-{options_key(cmake)}"


def cached_wheel(cmake: str) -> Path | None:
    found = sorted(wheel_dir(cmake).glob(f"llama_cpp_python-{VERSION}-*.whl"))
    return found[0] if found else None


@contextlib.contextmanager
def locked(name: str) -> Iterator[None]:
    """One builder per machine and step; the others wait, then find its result."""
    path = cache_root() / "locks" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def log(message: str) -> None:
    print(f"[llama_cpp_wheel] {message}", file=sys.stderr, flush=True)


def run(command: list[str], **options) -> None:
    """Run a step; its output goes to stderr, so that stdout carries only the printed path."""
    log("$ " + " ".join(command))
    options.setdefault("stdout", sys.stderr)
    completed = subprocess.run(command, check=False, **options)
    if completed.returncode:
        raise SetupError(f"{command[0]} {command[1:3]} exited with {completed.returncode}")


# -- sdist ----------------------------------------------------------------------------------


def sdist_path() -> Path:
    """The source archive, downloaded once (pip, from the configured index)."""
    target = cache_root() / "sdist" / f"llama_cpp_python-{VERSION}.tar.gz"
    if target.exists():
        return target
    with locked("sdist"):
        if target.exists():
            return target
        with tempfile.TemporaryDirectory(dir=cache_root()) as scratch:
            run(
                [
                    *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                    *("--no-binary", ":all:", f"llama-cpp-python=={VERSION}", "-d", scratch),
                ]
            )
            found = list(Path(scratch).glob("*.tar.gz"))
            if len(found) != 1:
                raise SetupError(f"pip download left {found}, expected one sdist")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(found[0], target)
    return target


def vendor_dir() -> Path:
    """The sdist's converter, gguf-py and Llama 3 vocabulary, extracted once."""
    target = cache_root() / "llama.cpp" / VERSION
    if (target / "models" / VOCAB_FILE).exists():
        return target
    with locked("vendor"):
        if (target / "models" / VOCAB_FILE).exists():
            return target
        archive = sdist_path()
        top = f"llama_cpp_python-{VERSION}/"
        scratch = Path(tempfile.mkdtemp(dir=cache_root()))
        try:
            with tarfile.open(archive) as tar:
                members = [
                    member
                    for member in tar.getmembers()
                    if member.isfile()
                    and any(member.name.startswith(top + prefix) for prefix in SDIST_MEMBERS)
                ]
                tar.extractall(scratch, members=members, filter="data")
            if not members:
                raise SetupError(f"{archive.name} has no vendor/llama.cpp converter")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            shutil.move(scratch / top / "vendor" / "llama.cpp", target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


# -- wheel ----------------------------------------------------------------------------------


def build_command(sdist: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    command = [
        *("nice", "-n", "19", sys.executable, "-m", "pip", "wheel"),
        # pip's own wheel cache is keyed by the archive, not by CMAKE_ARGS: bypass it.
        *("--no-deps", "--no-cache-dir", "--wheel-dir", str(out), str(sdist)),
    ]
    return command, {"CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count() or 2)}


def ensure_wheel(extra_cmake: str = "") -> Path:
    cmake = cmake_args(extra_cmake)
    wheel = cached_wheel(cmake)
    if wheel:
        return wheel
    with locked("wheel"):
        wheel = cached_wheel(cmake)
        if wheel:
            return wheel
        sdist = sdist_path()
        if shutil.which("cc") is None and shutil.which("gcc") is None:
            raise SetupError("No C/C++ compiler on PATH (apt-get install build-essential)")
        target = wheel_dir(cmake)
        with tempfile.TemporaryDirectory(dir=cache_root()) as scratch:
            command, env = build_command(sdist, Path(scratch))
            log(f"building llama-cpp-python {VERSION} with CMAKE_ARGS={cmake!r}")
            started = time.monotonic()
            run(command, env={**os.environ, **env, "CMAKE_ARGS": cmake})
            log(f"built in {time.monotonic() - started:.0f} s")
            built = list(Path(scratch).glob("llama_cpp_python-*.whl"))
            if len(built) != 1:
                raise SetupError(f"pip wheel left {built}, expected one wheel")
            target.mkdir(parents=True, exist_ok=True)
            shutil.move(built[0], target / built[0].name)
        (target / "options.json").write_text(
            json.dumps({"version": VERSION, "cmake_args": cmake, "arch": platform.machine()})
        )
    wheel = cached_wheel(cmake)
    assert wheel is not None
    return wheel


def seed_wheel(wheel: Path, extra_cmake: str = "") -> Path:
    """Cache a wheel built elsewhere with exactly these options."""
    cmake = cmake_args(extra_cmake)
    if not wheel.name.startswith(f"llama_cpp_python-{VERSION}-"):
        raise SetupError(f"{wheel.name} is not llama-cpp-python {VERSION}")
    target = wheel_dir(cmake)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(wheel, target / wheel.name)
    (target / "options.json").write_text(
        json.dumps({"version": VERSION, "cmake_args": cmake, "arch": platform.machine()})
    )
    return target / wheel.name


def installed_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("llama_cpp_python")
    except metadata.PackageNotFoundError:
        return None


def ensure_installed(extra_cmake: str = "") -> Path:
    wheel = ensure_wheel(extra_cmake)
    if installed_version() != VERSION:
        run([sys.executable, "-m", "pip", "install", "--quiet", f"{wheel}[server]"])
    return wheel


# -- tokenizer and converter ------------------------------------------------------------------


def tokenizer_dir() -> Path:
    """Llama 3's tokenizer (ids exactly as Llama 3's: 128000 begin_of_text, 128009 eot_id)."""
    target = cache_root() / "tokenizers" / f"llama3-bpe-{VERSION}"
    if (target / "tokenizer.json").exists():
        return target
    with locked("tokenizer"):
        if (target / "tokenizer.json").exists():
            return target
        vocab = vendor_dir() / "models"
        started = time.monotonic()
        from transformers import AutoTokenizer, PreTrainedTokenizerFast

        loaded = AutoTokenizer.from_pretrained(vocab, gguf_file=VOCAB_FILE)
        data = json.loads(loaded.backend_tokenizer.to_str())
        data["added_tokens"] = [t for t in data["added_tokens"] if t["id"] < LLAMA3_VOCAB_SIZE]
        # As Meta's tokenizer.json: whole-word vocabulary hits skip the merges, and encoding
        # with special tokens puts <|begin_of_text|> first. With these, convert_hf_to_gguf.py
        # recognises the tokenizer as Meta-Llama-3-8B's ("llama-bpe") rather than a variant.
        data["model"]["ignore_merges"] = True
        data["post_processor"] = _bos_template()
        from tokenizers import Tokenizer

        tokenizer = PreTrainedTokenizerFast(
            tokenizer_object=Tokenizer.from_str(json.dumps(data)),
            bos_token=BEGIN_OF_TEXT,
            eos_token=END_OF_TEXT,
            model_max_length=131072,
        )
        expected = {BEGIN_OF_TEXT: 128000, END_OF_TEXT: 128001, END_OF_TURN: 128009}
        got = {token: tokenizer.convert_tokens_to_ids(token) for token in expected}
        if (
            got != expected
            or len(tokenizer) != LLAMA3_VOCAB_SIZE
            or tokenizer("Hello world")["input_ids"] != [128000, 9906, 1917]
        ):
            raise SetupError(f"Unexpected Llama 3 ids {got}, {len(tokenizer)} tokens")
        scratch = Path(tempfile.mkdtemp(dir=cache_root()))
        tokenizer.save_pretrained(scratch)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        scratch.chmod(0o755)
        scratch.rename(target)
        log(f"tokenizer extracted in {time.monotonic() - started:.1f} s")
    return target


def _bos_template() -> dict:
    bos = {"SpecialToken": {"id": BEGIN_OF_TEXT, "type_id": 0}}
    return {
        "type": "TemplateProcessing",
        "single": [bos, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [
            bos,
            {"Sequence": {"id": "A", "type_id": 0}},
            {"SpecialToken": {"id": BEGIN_OF_TEXT, "type_id": 1}},
            {"Sequence": {"id": "B", "type_id": 1}},
        ],
        "special_tokens": {
            BEGIN_OF_TEXT: {"id": BEGIN_OF_TEXT, "ids": [128000], "tokens": [BEGIN_OF_TEXT]}
        },
    }


def convert_to_gguf(checkpoint: Path, outfile: Path, *, outtype: str = "f32") -> Path:
    """`convert_hf_to_gguf.py` from the same sdist as the server (their formats match)."""
    converter = vendor_dir() / "convert_hf_to_gguf.py"
    outfile.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            *("nice", "-n", "19", sys.executable, str(converter), str(checkpoint)),
            *("--outfile", str(outfile), "--outtype", outtype),
        ],
        stdout=subprocess.DEVNULL,
    )
    return outfile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cmake-args", default="", help="more CMake options (part of the key)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("wheel", help="build or reuse the wheel; print its path")
    commands.add_parser("install", help="wheel, then pip install it with [server]")
    commands.add_parser("tokenizer", help="extract Llama 3's tokenizer; print its folder")
    commands.add_parser("build-command", help="print the command `wheel` would build with")
    seed = commands.add_parser("seed", help="cache a wheel built elsewhere with these options")
    seed.add_argument("wheel", type=Path)
    convert = commands.add_parser("convert", help="HF checkpoint folder -> GGUF")
    convert.add_argument("checkpoint", type=Path)
    convert.add_argument("outfile", type=Path)
    convert.add_argument("--outtype", default="f32")
    args = parser.parse_args(argv)
    try:
        if args.command == "wheel":
            print(ensure_wheel(args.cmake_args))
        elif args.command == "install":
            print(ensure_installed(args.cmake_args))
        elif args.command == "tokenizer":
            print(tokenizer_dir())
        elif args.command == "seed":
            print(seed_wheel(args.wheel, args.cmake_args))
        elif args.command == "convert":
            print(convert_to_gguf(args.checkpoint, args.outfile, outtype=args.outtype))
        elif args.command == "build-command":
            sdist = cache_root() / "sdist" / f"llama_cpp_python-{VERSION}.tar.gz"
            command, env = build_command(sdist, wheel_dir(cmake_args(args.cmake_args)))
            env["CMAKE_ARGS"] = cmake_args(args.cmake_args)
            print(" ".join([*(f"{k}={v!r}" for k, v in env.items()), *command]))
    except SetupError as exc:
        log(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
