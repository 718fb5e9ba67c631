"""`lshub serve`, `reindex`, `token` and the help of every command."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from lshub.cli import main
from lshub.registry.models import Organisation, SearchEntry
from lshub.registry.services.directory import DirectoryQuery, browse


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def every_command(group=main, prefix=()):
    """Every command, and the groups defined here (other apps' groups are theirs to document)."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from every_command(command, prefix + (name,))
            if command.callback.__module__ != main.callback.__module__:
                continue
        yield prefix + (name,)


@pytest.mark.parametrize("path", list(every_command()), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "lshub " + " ".join(path) in result.stdout


# --- reindex -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reindex_rebuilds_a_lost_index():
    SearchEntry.objects.all().delete()
    assert browse(DirectoryQuery(q="besta"), with_facets=False).total == 0
    result = run("reindex")
    assert result.exit_code == 0 and f"reindexed {Organisation.objects.count()} organisations" in result.stdout
    assert [o.slug for o in browse(DirectoryQuery(q="besta"), with_facets=False).organisations][0] == "besta"


# --- tokens --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_create_prints_a_working_key_once_and_revoke_disables_it():
    from lshub.api.tokens import check_token

    result = run("token", "create", "cli-test")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert check_token(key).name == "cli-test"
    assert "shown only once" in result.stderr
    again = run("token", "create", "cli-test")
    assert again.exit_code == 1 and "already active" in again.stderr
    assert run("token", "revoke", "cli-test").exit_code == 0
    assert check_token(key) is None
    missing = run("token", "revoke", "cli-test")
    assert missing.exit_code == 1 and "no active token called 'cli-test'" in missing.stderr


# --- serve ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def scratch_env(tmp_path):
    """A fresh SQLite data directory, whatever database the suite itself runs on."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["LSHUB_DATA_DIR"] = str(tmp_path / "data")
    return env


def lshub(*args: str, env: dict, **kwargs):
    return subprocess.run([sys.executable, "-m", "lshub.cli", *args], env=env, capture_output=True, text=True, **kwargs)


def test_serve_refuses_an_unmigrated_database(scratch_env):
    result = lshub("serve", "--port", str(free_port()), env=scratch_env, timeout=60)
    assert result.returncode == 1 and "run `lshub migrate` first" in result.stderr


def test_serve_answers_pages_and_static_files(scratch_env):
    assert lshub("migrate", env=scratch_env, timeout=300).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lshub.cli", "serve", "--port", str(port)],
        env=scratch_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        login = _get_when_up(f"http://127.0.0.1:{port}/admin/login/", server)
        assert login.status == 200 and b"csrfmiddlewaretoken" in login.read()
        static = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=10)
        assert static.status == 200 and static.headers["Content-Type"].startswith("text/css")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get_when_up(url: str, server: subprocess.Popen, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=10)
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                pytest.fail(f"lshub serve stopped: {server.stderr.read().decode()}")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
