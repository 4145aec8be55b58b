"""Production settings and response headers."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories.hyvakaytanto import CompetitionFactory

ROOT = Path(__file__).resolve().parents[2]


def production_environment(**overrides: str) -> dict[str, str]:
    """The variables of .env.example, as a production service would export them."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^([A-Z_]+)=(.*)$", line)
        if match:
            env[match[1]] = match[2]
    return {**env, **overrides}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_at_warning_level_with_the_production_environment():
    env = production_environment(SECRET_KEY=secrets.token_urlsafe(50))

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_example_secret_key_is_refused_in_production():
    result = manage("check", env=production_environment())

    assert result.returncode != 0
    assert "SECRET_KEY is still the example" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    CompetitionFactory()

    response = client.get("/")

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/ehdota/",
        "/finalistit/",
        "/arkisto/",
        "/tulokset/2022/",
        "/tietosuoja/",
        "/admin/login/",
        "/tili/kirjaudu/",
    ],
)
def test_no_page_has_an_inline_script_or_style(client, url):
    CompetitionFactory()

    html = client.get(url, follow=True).content.decode()

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no onclick= and the like


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get(reverse("home"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_template_has_inline_script_or_style_that_the_policy_would_block():
    templates = [
        path
        for folder in ["templates", "hyvakaytanto", "nominations", "jury", "voting", "archive"]
        for path in (ROOT / folder).rglob("*.html")
    ]
    assert len(templates) > 30
    for path in templates:
        source = path.read_text()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", source, flags=re.S)
        assert all("src=" in attrs and not body.strip() for attrs, body in scripts), path
        assert "<style" not in source, path
        assert not re.search(r"\sstyle=", source), path
        assert not re.search(r"\son[a-z]+=", source), path
