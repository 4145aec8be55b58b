from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.imports import past_years_import, read_spreadsheet


class Command(BaseCommand):
    help = (
        "Add past years to the archive from a spreadsheet (CSV or XLSX; the format is in "
        "docs/OPERATIONS.md). Without --commit it is a dry run: every row is checked and "
        "reported line by line, and nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true", help="keep what the run adds")

    def handle(self, *args, file: Path, commit: bool, **options):
        if not file.is_file():
            raise CommandError(f"Tiedostoa ei löydy: {file}")
        try:
            dataset = read_spreadsheet(file)
        except Exception as error:  # tablib raises several kinds for a file it cannot read
            raise CommandError(f"Tiedostoa ei voi lukea taulukkona: {error}") from error
        lines = past_years_import(dataset, commit=commit)
        for line in lines:
            self.stdout.write(f"rivi {line.number}: {line.outcome}: {line.text}")
        added = sum(line.outcome == "lisätään" for line in lines)
        refused = sum(line.outcome == "hylätään" for line in lines)
        if commit:
            self.stdout.write(f"Lisätty {added}, hylätty {refused}.")
        else:
            self.stdout.write(
                f"Koeajo: lisättäisiin {added}, hylättäisiin {refused}. Mitään ei tallennettu; "
                "aja uudelleen valitsimella --commit."
            )
