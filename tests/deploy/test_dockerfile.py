"""deploy/docker: the service image, checked without a Docker engine."""

import fnmatch
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from deploy_support import DOCKERFILE, REPO, SERVICES, uv

TEXT = DOCKERFILE.read_text()
# Instructions with their continuation lines joined.
INSTRUCTIONS = [
    re.split(r"\s+", line.strip(), maxsplit=1)
    for line in re.sub(r"\\\n", " ", TEXT).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]
ARG_DEFAULTS = dict(arg.split("=", 1) for op, arg in INSTRUCTIONS if op == "ARG" and "=" in arg)


def expand(text: str, service: str) -> str:
    values = {**ARG_DEFAULTS, "SERVICE": service, "HTTP_PORT": str(SERVICES[service])}
    return re.sub(r"\$\{?(\w+)\}?", lambda m: values[m.group(1)], text)


def dockerignore_excludes(path: str) -> bool:
    """Whether Dockerfile.dockerignore keeps `path` out of the build context (last match wins)."""
    excluded = False
    for pattern in (DOCKERFILE.parent / "Dockerfile.dockerignore").read_text().splitlines():
        pattern = pattern.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(
            fnmatch.fnmatch(p, pattern) or fnmatch.fnmatch(p, pattern.removeprefix("**/"))
            for p in prefixes
        ):
            excluded = not negate
    return excluded


@pytest.mark.parametrize("service", SERVICES)
def test_copy_sources_exist_and_are_in_the_build_context(service: str):
    copies = [arg.split() for op, arg in INSTRUCTIONS if op == "COPY" and "--from=" not in arg]
    assert copies
    for *sources, _dest in copies:
        for source in sources:
            path = expand(source, service)
            assert (REPO / path).exists(), f"COPY {path}: no such path in the repository"
            assert not dockerignore_excludes(path), f"COPY {path}: excluded by the .dockerignore"


def test_base_images_are_pinned_slim_and_the_same_for_build_and_runtime():
    images = {expand(arg.split()[0], "intake") for op, arg in INSTRUCTIONS if op == "FROM"}
    assert len(images) == 1
    [image] = images
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", image), image


def test_runs_as_non_root_with_a_healthcheck_on_healthz_without_curl():
    users = [arg for op, arg in INSTRUCTIONS if op == "USER"]
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    [health] = [arg for op, arg in INSTRUCTIONS if op == "HEALTHCHECK"]
    assert "/healthz" in health and "urllib" in health and "curl" not in TEXT
    assert "MOTCUA_HTTP_HOST=0.0.0.0" in TEXT


def test_runtime_has_the_unicode_font_the_printed_forms_need():
    # fpdf2's built-in fonts are Latin-1 only; the forms look for DejaVu Sans in /usr/share/fonts.
    runtime = TEXT[TEXT.index("AS runtime") :]
    assert "fonts-dejavu-core" in runtime and "rm -rf /var/lib/apt/lists/*" in runtime


@pytest.mark.parametrize("service", SERVICES)
def test_installs_a_workspace_package_that_has_the_console_script(service: str):
    project = tomllib.loads((REPO / "services" / service / "pyproject.toml").read_text())["project"]
    assert project["name"] == f"motcua-{service}"
    assert f"motcua-{service}" in project["scripts"]
    platform = tomllib.loads((REPO / "libs" / "platform" / "pyproject.toml").read_text())["project"]
    assert "motcua-provision" in platform["scripts"]
    assert (
        '--package "motcua-${SERVICE}"' in TEXT
        and '"motcua-${SERVICE}" /opt/motcua/bin/motcua-service' in TEXT
    )


@pytest.mark.parametrize("service", SERVICES)
def test_the_lock_installs_each_image(service: str, tmp_path: Path):
    """The Dockerfile's `uv sync --frozen` resolves from uv.lock (a dry run: nothing installed)."""
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv")}
    done = subprocess.run(
        [uv(), "sync", "--frozen", "--dry-run", "--no-dev", "--package", f"motcua-{service}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
