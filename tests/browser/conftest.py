"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Chromium comes from $CHROMIUM_PATH or the PATH; `python3 dev.py test` finds or installs it.
"""

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations import RunPython

# Playwright's sync API runs an event loop in the test's thread; the ORM calls that set up
# each test's data are ordinary blocking calls there, which Django refuses unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Without a system Chromium, Playwright's own (from `playwright install chromium`) is used.
    executable = {"executable_path": CHROMIUM} if CHROMIUM else {}
    return {
        **browser_type_launch_args,
        **executable,
        # The closed network here refuses Chromium's background connections; don't make them.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# The data migrations whose rows every page relies on; their steps are idempotent.
SEEDS = [
    "core.migrations.0002_seed_criteria",
    "archive.migrations.0002_historical_record",
    "jury.migrations.0002_groups",
    "voting.migrations.0002_tally_permission",
    "archive.migrations.0005_publish_permission",
    "jury.migrations.0003_viestinta_audit_and_data_requests",
    "core.migrations.0008_email_permissions",
    "jury.migrations.0018_viestinta_invites",
    "voting.migrations.0008_viestinta_reviews_votes",
]


@pytest.fixture(autouse=True)
def seeded(transactional_db):
    """Put the migrations' rows back before each browser test. A transactional test empties
    the tables afterwards, and with Playwright's event loop in this thread Django's
    serialized_rollback cannot restore them (see tests/conftest.py)."""
    for module in SEEDS:
        for operation in importlib.import_module(module).Migration.operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


@pytest.fixture
def site(live_server, page):
    """The page, with a helper to open a path on the live server."""
    page.set_default_timeout(10_000)

    def open_path(path: str):
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return page

    page.open = open_path
    return page


def serious_accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the current page (WCAG 2.1 AA rules).

    axe is evaluated through the DevTools protocol rather than added as a <script>: the
    site's Content-Security-Policy rightly refuses inline scripts, the test's included."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                resultTypes: ["violations"],
            });
            return result.violations
                .filter(v => ["serious", "critical"].includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
        }"""
    )


def has_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
