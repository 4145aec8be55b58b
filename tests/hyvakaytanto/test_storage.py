"""Attachments live in PostgreSQL: a backup holds them, and any app server serves them."""

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command

from core.models import StoredFile
from nominations.models import Attachment
from tests.factories.nominations import PDF_BYTES, AttachmentFactory, NominationFactory
from tests.processes import ROOT, database_url, restored_copy
from tests.smtp import free_port


def fetch_from_another_app_server(database: str, path: str, empty_disk: Path) -> bytes:
    """Start the site in a process of its own on ``database``, with nothing on its disk but
    the code, and GET ``path`` from it."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hyvakaytanto.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(database),
        "PRIVATE_MEDIA_ROOT": str(empty_disk),
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                    return r.read()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restore_round_trip_and_another_app_server_with_an_empty_disk_serve_the_attachment(
    tmp_path,
):
    content = PDF_BYTES + secrets.token_bytes(200_000)  # binary, larger than one page
    nomination = NominationFactory(token="varmuuskopion-linkki")
    attachment = AttachmentFactory(
        nomination=nomination, file=ContentFile(content, name="raportti.pdf"), size=len(content)
    )
    empty_disk = tmp_path / "empty"
    empty_disk.mkdir()

    with restored_copy(tmp_path) as restored:
        downloaded = fetch_from_another_app_server(
            restored, f"/ehdotus/varmuuskopion-linkki/liite/{attachment.pk}/", empty_disk
        )

    assert downloaded == content
    assert list(empty_disk.iterdir()) == []


@pytest.mark.django_db
def test_attachments_are_rows_in_postgresql_not_files():
    attachment = AttachmentFactory()

    stored = StoredFile.objects.get(name=attachment.file.name)

    assert bytes(stored.content) == PDF_BYTES
    assert stored.size == len(PDF_BYTES)


@pytest.mark.django_db
def test_deleting_an_attachment_in_an_edit_deletes_its_stored_file(
    client, django_capture_on_commit_callbacks
):
    from tests.nominations.conftest import valid_form_data

    nomination = NominationFactory(token="poisto-linkki")
    attachment = AttachmentFactory(nomination=nomination)
    name = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/ehdotus/poisto-linkki/muokkaa/",
            valid_form_data(remove_attachments=[attachment.pk]),
        )

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not StoredFile.objects.filter(name=name).exists()


@pytest.mark.django_db
def test_a_missing_file_is_reported_as_missing():
    storage = storages["private"]
    storage.save("attachments/2026/a.pdf", ContentFile(b"abcd"))

    assert storage.size("attachments/2026/a.pdf") == 4
    with pytest.raises(FileNotFoundError):
        storage.open("attachments/2026/c.pdf")
    with pytest.raises(FileNotFoundError):
        storage.size("attachments/2026/c.pdf")


@pytest.mark.django_db
def test_existing_files_on_disk_move_into_the_database(tmp_path):
    old = FileSystemStorage(location=tmp_path)
    old.save("attachments/2025/vanha.pdf", ContentFile(PDF_BYTES))
    nomination = NominationFactory()
    Attachment.objects.create(
        nomination=nomination,
        file="attachments/2025/vanha.pdf",
        original_name="vanha.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    Attachment.objects.create(
        nomination=nomination,
        file="attachments/2025/kadonnut.pdf",
        original_name="kadonnut.pdf",
        content_type="application/pdf",
        size=1,
    )
    out, err = StringIO(), StringIO()

    call_command("move_attachments_to_database", "--from", str(tmp_path), stdout=out, stderr=err)
    call_command(
        "move_attachments_to_database",
        "--from",
        str(tmp_path),
        stdout=StringIO(),
        stderr=StringIO(),
    )

    assert storages["private"].open("attachments/2025/vanha.pdf").read() == PDF_BYTES
    assert "Moved 1 attachment(s); 0 already in place; 1 missing." in out.getvalue()
    assert "kadonnut.pdf" in err.getvalue()
    assert StoredFile.objects.filter(name="attachments/2025/vanha.pdf").count() == 1
