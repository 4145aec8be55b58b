from django.core.management.base import BaseCommand
from django.db import transaction

from core.storage import files_forget, orphaned_files


class Command(BaseCommand):
    help = (
        "Delete the stored files that no row names (manage.py check --database default "
        "reports them)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            names = list(orphaned_files().values_list("name", flat=True))
            files_forget(names)
        self.stdout.write(f"Deleted {len(names)} stored files that belonged to no row.")
