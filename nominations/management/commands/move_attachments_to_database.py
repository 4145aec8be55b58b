from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

from nominations.models import Attachment


class Command(BaseCommand):
    help = (
        "Copy nomination attachments from the folder where earlier versions kept them "
        "(PRIVATE_MEDIA_ROOT, or --from) into the configured private storage (PostgreSQL by "
        "default), under the same names. Safe to run again: files already there are skipped. "
        "The folder is left as it was; delete it once the site serves the attachments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", default=str(settings.PRIVATE_MEDIA_ROOT))

    def handle(self, *args, source: str, **options):
        folder = Path(source)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        old, new = FileSystemStorage(location=folder), storages["private"]
        moved = present = missing = 0
        for name in Attachment.objects.values_list("file", flat=True).iterator():
            if new.exists(name):
                present += 1
            elif old.exists(name):
                with old.open(name, "rb") as content:
                    stored = new.save(name, File(content, name=name))
                if stored != name:
                    raise CommandError(f"{name} was stored as {stored}; nothing is renamed.")
                moved += 1
            else:
                missing += 1
                self.stderr.write(f"Missing from {folder}: {name}")
        self.stdout.write(
            f"Moved {moved} attachment(s); {present} already in place; {missing} missing."
        )
