"""Operator mistakes end in one line on stderr and a non-zero exit, not a traceback; ``--debug``
brings the traceback back. Every case runs the real ``petstore`` command in a process."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from petstore.cli.errors import ENV_PREFIX
from tests.support.servers import cli_failure, closed_port, free_port, run_cli, server_env


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return server_env(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")


def test_a_bad_setting_names_the_variable_and_its_bound(sqlite_env: dict[str, str]) -> None:
    env = {**sqlite_env, f"{ENV_PREFIX}ACCESS_TOKEN_TTL_SECONDS": "5"}
    line = cli_failure(run_cli(env, "migrate"))
    assert "PETSTORE_ACCESS_TOKEN_TTL_SECONDS" in line
    assert "greater than or equal to 30" in line
    assert "'5'" in line


def test_an_unsupported_database_is_named_without_its_password(
    sqlite_env: dict[str, str],
) -> None:
    env = {**sqlite_env, "PETSTORE_DATABASE_URL": "mysql://shop:hunter2@localhost/shop"}
    line = cli_failure(run_cli(env, "migrate"))
    assert "PETSTORE_DATABASE_URL" in line
    assert "'mysql' database is not supported" in line
    assert "hunter2" not in line


def test_a_database_that_is_down_says_so() -> None:
    with closed_port() as port:
        env = server_env(f"postgresql://shop:secret@127.0.0.1:{port}/shop")
        line = cli_failure(run_cli(env, "migrate"))
    assert "cannot reach the database" in line
    assert "PETSTORE_DATABASE_URL" in line
    assert "secret" not in line


def test_seeding_before_migrating_says_to_migrate(sqlite_env: dict[str, str]) -> None:
    line = cli_failure(run_cli(sqlite_env, "seed", "--pets", "1"))
    assert "run `petstore migrate` first" in line


def test_debug_shows_the_traceback(sqlite_env: dict[str, str]) -> None:
    result = run_cli(sqlite_env, "--debug", "seed", "--pets", "1")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "no such table: pets" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["seed", "--pets", "1", "--tenant", "not-a-uuid"],
        ["user", "create", "--username", "x", "--email", "x@example.com", "--tenant", "nope"],
        ["client", "list", "--tenant", "shop"],
    ],
)
def test_a_tenant_must_be_a_uuid_everywhere(sqlite_env: dict[str, str], command: list[str]) -> None:
    line = cli_failure(run_cli(sqlite_env, *command, stdin="Correct-Horse-7\n"))
    assert "--tenant must be a UUID" in line


def test_a_port_in_use_is_one_line_before_anything_else(sqlite_env: dict[str, str]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = run_cli(sqlite_env, "serve", "--port", str(port), "--demo")
    line = cli_failure(result)
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert result.stdout == ""  # no docs URL that would point at the other server


def test_a_grpc_port_in_use_is_one_line_too(sqlite_env: dict[str, str]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        env = {**sqlite_env, "PETSTORE_GRPC_PORT": str(port)}
        result = run_cli(env, "serve", "--port", str(free_port()))
    line = cli_failure(result)
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "PETSTORE_GRPC_PORT" in line


def test_version() -> None:
    result = run_cli(server_env("sqlite+aiosqlite://"), "--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("petstore 0.")


def test_a_dotenv_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env = server_env(f"sqlite+aiosqlite:///{tmp_path / 'from-env.db'}")
    (tmp_path / ".env").write_text(
        f"PETSTORE_DATABASE_URL=sqlite+aiosqlite:///{tmp_path / 'from-dotenv.db'}\n"
        "PETSTORE_ACCESS_TOKEN_TTL_SECONDS=7\n"
    )
    line = cli_failure(run_cli(env, "migrate", cwd=tmp_path))
    assert "PETSTORE_ACCESS_TOKEN_TTL_SECONDS" in line  # the .env line was read
    (tmp_path / ".env").write_text(
        f"PETSTORE_DATABASE_URL=sqlite+aiosqlite:///{tmp_path / 'from-dotenv.db'}\n"
    )
    del env["PETSTORE_DATABASE_URL"]
    assert run_cli(env, "migrate", cwd=tmp_path).returncode == 0
    assert (tmp_path / "from-dotenv.db").exists()
    env["PETSTORE_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'from-env.db'}"
    assert run_cli(env, "migrate", cwd=tmp_path).returncode == 0
    assert (tmp_path / "from-env.db").exists()
