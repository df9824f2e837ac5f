import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

from rehab.settings.env import VARIABLES

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "rehab.settings.production",
    "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-" + "y" * 20,
    "DATABASE_URL": "postgres://samrehab:secret@db:5432/samrehab",
    "REDIS_URL": "redis://redis:6379/0",
    "ALLOWED_HOSTS": "samrehab.example.se",
    "DEBUG": "false",
}


def clean_environment() -> dict[str, str]:
    """This process's environment without anything that configures Django or Samrehab."""
    ignored = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    return {k: v for k, v in os.environ.items() if k not in ignored}


def production_variables() -> set[str]:
    """The variables the production settings read, as they register them."""
    code = (
        "import django; django.setup(); "
        "from rehab.settings.env import VARIABLES; print(','.join(sorted(VARIABLES)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean_environment(), **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(output.strip().split(","))


def test_production_settings_pass_the_deployment_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**clean_environment(), **PRODUCTION_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_compose_has_the_production_services_each_with_a_command():
    services = compose()["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        assert services[name].get("command"), name
    assert "gunicorn" in str(services["web"]["command"])
    assert "worker" in str(services["worker"]["command"])
    assert "beat" in str(services["beat"]["command"])


def test_compose_and_settings_agree_on_variable_names():
    app_services = ("web", "worker", "beat")
    settings_vars = production_variables()
    for name in app_services:
        environment = compose()["services"][name]["environment"]
        names = set(environment) - {"DJANGO_SETTINGS_MODULE"}
        assert names <= settings_vars, f"{name} sets variables the settings never read"
        required = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
        assert required <= names, f"{name} lacks {required - names}"
        assert environment["DJANGO_SETTINGS_MODULE"] == "rehab.settings.production"


def test_readme_lists_every_production_variable():
    readme = (BASE_DIR / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert production_variables() <= documented


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    readme = (BASE_DIR / "README.md").read_text()
    commands = re.findall(r"```(?:sh|bash)\n(.*?)```", readme, flags=re.DOTALL)
    assert [c.strip() for c in commands] == ["bin/run", "bin/test"]
    assert "exec bin/test" in (BASE_DIR / ".ci/run").read_text()


def test_dependencies_are_pinned_to_compatible_versions():
    import tomllib

    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    assert deps and all("~=" in dep for dep in deps), deps
    assert any(dep.startswith("Django~=5.2") for dep in deps)


def test_the_variables_registry_is_filled_by_the_settings():
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG", "ALLOWED_HOSTS"} <= VARIABLES


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        if path.name.endswith("_pdf.html"):
            continue  # rendered to PDF by WeasyPrint, never served to a browser
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=\"|\son[a-z]+=\"", text):
            offenders.append(path.name)
    assert offenders == []
