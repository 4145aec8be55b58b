"""Backups hold only what belongs: a stored file goes with the row that names it."""

from io import StringIO

from django.core.management import call_command
from django.db import transaction

from core.models import StoredFile
from core.storage import orphaned_files
from nominations.models import Attachment, Nomination
from tests.factories.nominations import AttachmentFactory


def test_an_attachment_deleted_takes_its_stored_file_in_the_same_transaction(db):
    attachment = AttachmentFactory()
    name = attachment.file.name
    assert StoredFile.objects.filter(name=name).exists()

    with transaction.atomic():
        Nomination.objects.filter(pk=attachment.nomination_id).delete()  # cascades
        assert not StoredFile.objects.filter(name=name).exists()  # before the commit


def test_a_rolled_back_deletion_keeps_the_file(db):
    attachment = AttachmentFactory()
    try:
        with transaction.atomic():
            attachment.delete()
            raise RuntimeError
    except RuntimeError:
        pass
    assert StoredFile.objects.filter(name=attachment.file.name).exists()


def test_the_demo_rebuilt_leaves_no_file_without_a_row(db, settings):
    settings.DEBUG = True
    call_command("demo_data", "--phase", "nomination", stdout=StringIO())
    attachment = AttachmentFactory(nomination=Nomination.objects.first())
    call_command("demo_data", "--phase", "review", stdout=StringIO())

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not StoredFile.objects.filter(name=attachment.file.name).exists()
    assert orphaned_files().count() == 0


def test_check_reports_files_without_a_row_and_the_command_deletes_them(db):
    StoredFile.objects.create(name="attachments/2027/kadonnut.pdf", content=b"x", size=1)
    out = StringIO()

    call_command("check", "--database", "default", stdout=out, stderr=out)
    assert "hyvakaytanto.W002" in out.getvalue()
    assert "1 stored files belong to no row" in out.getvalue()

    call_command("delete_orphaned_files", stdout=StringIO())
    assert orphaned_files().count() == 0
