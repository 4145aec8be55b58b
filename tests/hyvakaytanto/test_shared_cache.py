"""Two app nodes (gunicorn, two processes each) sharing a real Valkey/Redis server through
CACHE_URL: what staff save shows on every node at the next request, though each node keeps
its public pages for half a minute and its site identity for a minute."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import caches

from core import services
from core.models import SiteSettings
from tests.cache_server import cache_server
from tests.processes import ROOT, database_url
from tests.smtp import free_port


def start_node(cache_url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hyvakaytanto.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "CACHE_URL": cache_url,
        "PUBLIC_PAGE_CACHE_SECONDS": "30",
        "SITE_IDENTITY_CACHE_SECONDS": "60",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "2"]
    with log.open("w") as output:  # the child keeps its own copy of the file
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}", "hyvakaytanto.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}/"


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read().decode()


def wait_for_page(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            page(url)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_site_name_shows_on_every_node_within_a_second(settings, tmp_path):
    services.site_settings_save(site_settings=SiteSettings(name="Vanha nimi"))
    with cache_server() as cache_url:
        settings.CACHES = {
            alias: {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": cache_url,
                "KEY_PREFIX": f"hyvakaytanto-{alias}",
                "VERSION": settings.CACHE_VERSION,  # as the nodes have it
            }
            for alias in ("default", "pages")
        }
        nodes = [start_node(cache_url, tmp_path / f"node-{n}.log") for n in (1, 2)]
        try:
            for _process, url in nodes:
                wait_for_page(url)
                for _request in range(6):  # every process of the node keeps the old page
                    assert "Vanha nimi" in page(url)

            renamed = SiteSettings.objects.get()
            renamed.name = "Uusi nimi"
            services.site_settings_save(site_settings=renamed)
            saved = time.monotonic()
            seen_after = {}
            while len(seen_after) < len(nodes) and time.monotonic() - saved < 10:
                for _process, url in nodes:
                    if url not in seen_after and "Uusi nimi" in page(url):
                        seen_after[url] = time.monotonic() - saved
            # Each node's every process, again: none keeps the old name.
            later = [page(url) for _process, url in nodes for _request in range(6)]
        finally:
            for process, _url in nodes:
                process.terminate()
            for process, _url in nodes:
                process.wait(timeout=30)
            caches["pages"].clear()

    assert len(seen_after) == 2, f"the new name was not seen on every node: {seen_after}"
    assert max(seen_after.values()) < 1.0, seen_after
    assert all("Uusi nimi" in text and "Vanha nimi" not in text for text in later)


@pytest.mark.django_db
def test_while_the_shared_cache_is_down_pages_and_saves_still_work(
    settings, client, caplog, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        alias: {
            "BACKEND": "core.shared_cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        }
        for alias in ("default", "pages")
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    renamed = SiteSettings.objects.get_or_create(pk=SiteSettings.SINGLE_ROW)[0]
    renamed.name = "Nimi ilman välimuistia"

    with django_capture_on_commit_callbacks(execute=True):
        services.site_settings_save(site_settings=renamed)
    first, second = client.get("/"), client.get("/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert "Nimi ilman välimuistia" in second.content.decode()
    assert "Shared cache unavailable" in caplog.text
