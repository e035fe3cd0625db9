"""The worker's guard: none without GUARD_MODEL, unavailable when it cannot load, else cached."""

import pytest

from monitoring.guard.runtime import GuardUnavailable, get_engine, reset_engine


@pytest.fixture(autouse=True)
def fresh_runtime():
    reset_engine()
    yield
    reset_engine()


def test_no_guard_model_configured_means_no_engine(settings):
    settings.GUARD_MODEL = ""
    assert get_engine() is None


def test_a_directory_that_is_not_a_model_is_unavailable(settings, tmp_path):
    settings.GUARD_MODEL = str(tmp_path / "nothing-here")
    settings.GUARD_DEVICE = "cpu"
    with pytest.raises(GuardUnavailable):
        get_engine()


def test_the_engine_is_loaded_once_per_process(settings, safe_guard_dir):
    settings.GUARD_MODEL = str(safe_guard_dir)
    settings.GUARD_DEVICE = "auto"
    engine = get_engine()
    assert engine is get_engine()
    assert engine.model_id == str(safe_guard_dir)
    assert engine.revision
