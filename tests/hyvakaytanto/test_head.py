"""Link checkers, monitors and link-preview fetchers ask with HEAD: every public page answers
it as it answers GET, with the same status and headers and no body."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.addresses import World, addresses

pytestmark = pytest.mark.django_db

# Headers that differ between any two answers, whatever the method.
PER_RESPONSE = {"Date", "Set-Cookie", "Content-Length"}


@pytest.mark.parametrize("phase", ["nomination", "voting"])
def test_every_public_page_answers_head_as_it_answers_get(settings, phase):
    settings.DEBUG = True
    call_command("demo_data", "--phase", phase, stdout=StringIO())
    client = Client()
    checked = 0
    for url, name, _model in addresses(World()):
        if name.startswith("admin:"):
            continue
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == get.status_code, f"HEAD {url}: {head.status_code}"
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", url
        same = {k: v for k, v in get.headers.items() if k not in PER_RESPONSE}
        assert {k: v for k, v in head.headers.items() if k not in PER_RESPONSE} == same, url
        checked += get.status_code == 200
    assert checked > 10
