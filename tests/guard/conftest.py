"""Tiny guard checkpoints built once per test session (no download)."""

import pytest

from tests.guard.checkpoints import build_random_guard, build_scripted_guard


@pytest.fixture(scope="session")
def unsafe_guard_dir(tmp_path_factory):
    return build_scripted_guard(tmp_path_factory.mktemp("unsafe"), categories=("S1", "S3"))


@pytest.fixture(scope="session")
def safe_guard_dir(tmp_path_factory):
    return build_scripted_guard(tmp_path_factory.mktemp("safe"), verdict="safe")


@pytest.fixture(scope="session")
def random_guard_dir(tmp_path_factory):
    return build_random_guard(tmp_path_factory.mktemp("random"))
