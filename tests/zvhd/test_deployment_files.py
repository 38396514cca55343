"""The production-like stack: Dockerfile, docker-compose.yml, .env.example and the production settings.

No Docker engine runs in CI, so the stack cannot be started here: these tests read the files and hold them
to what docs/operations.md promises, and run `manage.py check --deploy` on the documented production
environment.
"""

from __future__ import annotations

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_choice"}
INHERITED = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}


# --- Reading the files --------------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def settings_variables() -> set[str]:
    """The variables zvhd/settings.py reads: the first argument of every call to an env helper."""
    tree = ast.parse((BASE_DIR / "zvhd" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ENV_HELPERS:
            first = node.args[0]
            assert isinstance(first, ast.Constant), f"line {node.lineno}: name the variable literally"
            names.add(first.value)
    return names


def compose_variables() -> set[str]:
    """The variables docker-compose.yml interpolates from .env (`${NAME...}`)."""
    return set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", (BASE_DIR / "docker-compose.yml").read_text()))


ENV_LINE = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$")


def env_example() -> dict[str, tuple[bool, str, list[str]]]:
    """Per variable in .env.example: whether it is set (not commented out), its value, its comment lines."""
    variables: dict[str, tuple[bool, str, list[str]]] = {}
    comment: list[str] = []
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        match = ENV_LINE.match(line)
        if match:
            disabled, name, value = match.groups()
            assert name not in variables, f"{name} appears twice in .env.example"
            variables[name] = (not disabled, value, comment)
            comment = []
        elif line.startswith("# "):
            comment = [*comment, line]
        else:
            comment = []
    return variables


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), one list per build stage."""
    text = re.sub(r"\\\n", " ", (BASE_DIR / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        instruction, _, arguments = stripped.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def final_stage(instruction: str) -> list[str]:
    return [arguments for name, arguments in dockerfile_stages()[-1] if name == instruction]


def production_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of an app container: .env.example as shipped with its secret filled in, plus what
    docker-compose.yml sets; a scratch folder stands in for PostgreSQL, which `check` does not open."""
    # Nothing else from this process: the suite sets variables of its own (pytest-env, browser tests).
    inherited = {name: value for name, value in os.environ.items() if name in INHERITED}
    shipped = {name: value for name, (enabled, value, _) in env_example().items() if enabled}
    stack = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ZVHD_HTTPS": "true",
        "ZVHD_BEHIND_PROXY": "true",
        "ZVHD_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'zvhd.sqlite3'}",
    }
    return inherited | shipped | stack


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


# --- docker-compose.yml -------------------------------------------------------------------------------


def test_the_stack_has_postgres_redis_migrate_web_worker_and_beat() -> None:
    assert set(compose()["services"]) == {"postgres", "redis", *APP_SERVICES}


def test_the_compose_file_follows_the_compose_spec_without_a_version_key() -> None:
    assert "version" not in compose()


def test_postgres_is_version_15_and_redis_version_7() -> None:
    assert service("postgres")["image"] == "postgres:15"
    assert service("redis")["image"] == "redis:7"


def test_postgres_redis_and_beat_keep_their_data_in_named_volumes() -> None:
    volumes = set(compose()["volumes"])
    for name in ("postgres", "redis", "beat"):
        sources = {mount.split(":")[0] for mount in service(name)["volumes"]}
        assert sources, name
        assert sources <= volumes, name


def test_every_long_running_service_has_a_healthcheck() -> None:
    for name, definition in compose()["services"].items():
        if name == "migrate":
            continue
        healthcheck = definition.get("healthcheck", {})
        assert healthcheck.get("test"), name
        assert not healthcheck.get("disable"), name


def test_every_long_running_service_restarts_and_the_migrate_job_does_not() -> None:
    for name, definition in compose()["services"].items():
        expected = "no" if name == "migrate" else "unless-stopped"
        assert definition["restart"] == expected, name


def test_app_services_share_one_build_and_one_image() -> None:
    builds = {repr(service(name)["build"]) for name in APP_SERVICES}
    images = {service(name)["image"] for name in APP_SERVICES}
    assert len(builds) == 1
    assert len(images) == 1


def test_app_services_read_env_and_reach_the_stacks_own_postgres_and_redis() -> None:
    for name in APP_SERVICES:
        definition = service(name)
        environment = definition["environment"]
        assert definition["env_file"] == ".env", name
        assert "@postgres:5432/" in environment["DATABASE_URL"], name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/"), name
        assert environment["ZVHD_BEHIND_PROXY"] == "true", name


def test_migrate_runs_the_migrations_once_a_healthy_database_is_there() -> None:
    migrate = service("migrate")
    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_web_worker_and_beat_wait_for_the_migrations_and_a_healthy_postgres_and_redis() -> None:
    for name in ("web", "worker", "beat"):
        assert service(name)["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }, name


def test_gunicorn_is_published_on_the_loopback_address_only_for_the_reverse_proxy() -> None:
    assert service("web")["ports"] == ["127.0.0.1:8000:8000"]


def test_the_web_health_check_asks_the_health_endpoint_as_the_proxy_would() -> None:
    check = " ".join(service("web")["healthcheck"]["test"])
    assert "urllib.request" in check
    assert "http://127.0.0.1:8000/health/" in check
    assert "DJANGO_ALLOWED_HOSTS" in check
    assert "X-Forwarded-Proto" in check


def test_worker_and_beat_health_checks_ping_their_own_celery_node() -> None:
    assert service("worker")["command"][:4] == ["celery", "-A", "zvhd", "worker"]
    assert "inspect ping --destination celery@$$HOSTNAME" in service("worker")["healthcheck"]["test"][1]
    assert service("beat")["command"][:4] == ["celery", "-A", "zvhd", "beat"]
    assert "--enable-remote-control" in service("beat")["command"]
    assert "inspect ping --destination celerybeat@$$HOSTNAME" in service("beat")["healthcheck"]["test"][1]


def test_beat_keeps_its_schedule_file_in_its_volume(settings) -> None:  # type: ignore[no-untyped-def]
    # In the image ZVHD_VAR_DIR is unset, so the var folder is var/ under the WORKDIR.
    schedule = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).relative_to(settings.VAR_DIR)
    folder_in_image = Path(final_stage("WORKDIR")[-1]) / "var" / schedule.parent
    assert f"beat-schedule:{folder_in_image}" in service("beat")["volumes"]


# --- .env.example -------------------------------------------------------------------------------------


def test_env_example_documents_exactly_the_variables_settings_and_compose_read() -> None:
    documented = set(env_example())
    read = settings_variables() | compose_variables()
    assert len(settings_variables()) > 15, "the ast walk found too few variables: did settings.py change?"
    assert read - documented == set(), "undocumented variables"
    assert documented - read == set(), "stale variables: nothing reads them"


def test_settings_read_the_environment_only_through_the_typed_helpers() -> None:
    # Otherwise a variable could escape .env.example and the fail-fast checks of zvhd/env.py.
    source = (BASE_DIR / "zvhd" / "settings.py").read_text()
    assert "os.environ" not in source
    assert "getenv" not in source


def test_every_variable_in_env_example_says_what_it_does_its_default_and_its_production_value() -> None:
    for name, (_, _, comment) in env_example().items():
        text = " ".join(comment)
        assert comment, name
        assert "Default:" in text, name
        assert "Production:" in text, name


def test_env_example_ships_no_secret_so_a_copied_file_refuses_to_start_until_filled_in() -> None:
    variables = env_example()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "DJANGO_EMAIL_HOST_PASSWORD"):
        enabled, value, _ = variables[name]
        assert enabled, name
        assert value == "", name


def test_env_example_leaves_the_var_folder_where_the_image_collected_the_static_files() -> None:
    enabled, _, _ = env_example()["ZVHD_VAR_DIR"]
    assert not enabled


# --- Dockerfile and .dockerignore ---------------------------------------------------------------------


def test_the_image_builds_assets_on_node_20_and_runs_on_python_311_slim_bookworm() -> None:
    stages = dockerfile_stages()
    assert stages[0][0] == ("FROM", "node:20-bookworm-slim AS assets")
    assert ("RUN", "npm ci --omit=dev --no-audit --no-fund --loglevel=error") in stages[0]
    assert stages[-1][0] == ("FROM", "python:3.11-slim-bookworm")


def test_the_image_installs_the_project_from_the_lock_without_dev_extras() -> None:
    installs = [run for run in final_stage("RUN") if "pip install" in run]
    assert len(installs) == 1
    assert re.search(r"pip install -c requirements\.lock \.(\s|$)", installs[0])
    assert "[dev]" not in installs[0]
    assert "-e " not in installs[0]


def test_the_image_compiles_the_dutch_messages_and_collects_static_files() -> None:
    text = (BASE_DIR / "Dockerfile").read_text()
    assert "msgfmt --check" in text
    assert "locale/nl/LC_MESSAGES/django.mo" in text
    assert any("manage.py collectstatic --no-input" in run for run in final_stage("RUN"))


def test_the_image_runs_as_a_non_root_user() -> None:
    users = final_stage("USER")
    assert users, "no USER instruction: the container would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    instructions = [name for name, _ in dockerfile_stages()[-1]]
    assert instructions.index("CMD") > len(instructions) - 1 - instructions[::-1].index("USER")


def test_the_image_serves_gunicorn_on_port_8000_by_default() -> None:
    assert final_stage("EXPOSE") == ["8000"]
    command = final_stage("CMD")[-1]
    assert command.startswith('["gunicorn", "zvhd.wsgi", "--bind", "0.0.0.0:8000"')


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image() -> None:
    ignored = set((BASE_DIR / ".dockerignore").read_text().splitlines())
    assert {".env", "var/", "backups/", ".venv/", "node_modules/", ".git/", ".pytest_cache/"} <= ignored


# --- Production settings --------------------------------------------------------------------------------


@pytest.mark.slow
def test_production_settings_pass_check_deploy_without_a_single_warning(tmp_path: Path) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path: Path) -> None:
    environment = production_environment(tmp_path)
    del environment["DJANGO_SECRET_KEY"]
    result = manage("check", env=environment)
    assert result.returncode != 0
    assert "Environment variable DJANGO_SECRET_KEY is required but not set." in result.stderr


@pytest.mark.slow
def test_settings_refuse_a_log_level_that_logging_does_not_know(tmp_path: Path) -> None:
    result = manage("check", env=production_environment(tmp_path) | {"ZVHD_LOG_LEVEL": "verbose"})
    assert result.returncode != 0
    assert "Environment variable ZVHD_LOG_LEVEL must be one of" in result.stderr
