"""Management commands: add_user, create_api_token, setup_demo, and the deploy check."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.roles import Role, user_roles

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_user_with_role_and_password(client):
    out = run("add_user", "dana", "--role", "legal", "--password", "s3cret-pass")
    assert "Created user dana with role Legal" in out
    user = User.objects.get(username="dana")
    assert user_roles(user) == {Role.LEGAL}
    signed_in = client.post("/login/", {"username": "dana", "password": "s3cret-pass"})
    assert signed_in.status_code == 302


def test_add_user_generates_a_password_and_changes_roles():
    out = run("add_user", "eli", "--role", "PM")
    password = out.strip().splitlines()[-1].removeprefix("Password: ")
    assert User.objects.get(username="eli").check_password(password)
    run("add_user", "eli", "--role", "Annotator")
    assert user_roles(User.objects.get(username="eli")) == {Role.ANNOTATOR}


def test_add_user_rejects_unknown_role():
    with pytest.raises(CommandError, match="Unknown role 'boss'; choose one of PM, Legal"):
        run("add_user", "x", "--role", "boss")


def test_create_api_token_prints_a_working_token_last():
    run("add_user", "etl", "--role", "Pipeline")
    token = run("create_api_token", "etl", "--expires-days", "7").strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me/").json()["username"] == "etl"


def test_create_api_token_for_unknown_user_says_how_to_fix():
    with pytest.raises(CommandError, match="add_user ghost --role Pipeline"):
        run("create_api_token", "ghost")


def test_setup_demo_is_idempotent_and_keeps_passwords_in_a_private_file(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = run("setup_demo")
    users_file = tmp_path / "demo-users.txt"
    assert f"Demo users (also written to {users_file})" in first
    assert users_file.stat().st_mode & 0o777 == 0o600
    lines = users_file.read_text().splitlines()
    assert lines[0].split() == ["user", "role", "password"]
    passwords = {line.split()[0]: line.split()[2] for line in lines[1:]}
    assert set(passwords) == {"pm", "legal", "annotator", "pipeline", "admin"}
    for name, password in passwords.items():
        assert User.objects.get(username=name).check_password(password)
    second = run("setup_demo")
    assert f"their passwords are in {users_file}" in second
    assert "Demo users (also" not in second
    assert User.objects.count() == 5
    assert users_file.read_text().splitlines() == lines


def test_procfile_is_read_in_order_and_a_bad_line_is_named(tmp_path):
    from core.management.commands.serve import procfile_processes

    assert list(procfile_processes(ROOT / "Procfile")) == ["web", "worker", "beat"]
    bad = tmp_path / "Procfile"
    bad.write_text("web: gunicorn x\n# comment\n\nnot a process line\n")
    with pytest.raises(CommandError, match="'not a process line'"):
        procfile_processes(bad)


def test_check_deploy_is_clean_in_production_mode():
    env = os.environ | {
        "STEWARD_ENV": "production",
        "SECRET_KEY": "x7!kq2@v9#Lm4$Pz8^Rt1&Wy6*Hb3(Nc5)Jd0_Fg-Se+Ua=Ox|Ei~Qo",
        "ALLOWED_HOSTS": "steward.example.com",
    }
    env.pop("HTTPS_ONLY", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = os.environ | {"STEWARD_ENV": "production"}
    env.pop("SECRET_KEY", None)
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "SECRET_KEY must be set when STEWARD_ENV=production" in out.stderr
