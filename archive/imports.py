"""Past years into the archive from a spreadsheet (CSV or XLSX), without running them through
the live workflow: the years 2023–2026 the award went on before this site, for example.

One row per recognition; the columns are named in Finnish (docs/OPERATIONS.md, with an
example file in docs/examples/). A run checks every row with the archive's own validation and
reports line by line what it adds, what it already has and what it refuses; a dry run does
all of that inside a transaction it then rolls back, so its report is the real one.
"""

from dataclasses import dataclass
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from archive.enums import AwardKind
from archive.models import Award, AwardYear
from core.models import Competition

COLUMNS = ("vuosi", "tunnustus", "käytäntö", "organisaatio", "perustelut", "innokylä")
REQUIRED = ("vuosi", "tunnustus", "käytäntö")
HTTPS_ONLY = URLValidator(schemes=["https"], message=_("Linkin on alettava https://."))
KINDS = {
    "voittaja": AwardKind.WINNER,
    "yleisön suosikki": AwardKind.AUDIENCE_FAVOURITE,
    "kunniakirja": AwardKind.HONOURABLE_MENTION,
    "finalisti": AwardKind.FINALIST,
}


@dataclass(frozen=True)
class Line:
    number: int  # the spreadsheet's row number, the header being row 1
    outcome: str  # "lisätään", "on jo arkistossa" or "hylätään"
    text: str


def read_spreadsheet(path: Path) -> tablib.Dataset:
    """A CSV (UTF-8) or XLSX file as a dataset; its first row names the columns."""
    if path.suffix.lower() == ".xlsx":
        return tablib.Dataset().load(path.read_bytes(), format="xlsx")
    return tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv")


def past_years_import(dataset: tablib.Dataset, *, commit: bool) -> list[Line]:
    """Add each row's recognition to the archive (its year too, when new); with
    ``commit=False`` nothing stays. Rows of a year this site ran are refused: such a year's
    record comes from publishing its results."""
    headers = [str(header or "").strip().lower() for header in dataset.headers or []]
    missing = [column for column in REQUIRED if column not in headers]
    if missing:
        text = (
            _("Puuttuvat sarakkeet: %(names)s.")
            if len(missing) > 1
            else _("Sarake puuttuu: %(names)s.")
        )
        return [Line(1, "hylätään", text % {"names": ", ".join(missing)})]
    lines = []
    with transaction.atomic():
        for number, row in enumerate(dataset, start=2):
            cells = zip(headers, row, strict=False)  # a short row leaves its last cells empty
            values = {header: str(value or "").strip() for header, value in cells}
            values = {column: values.get(column, "") for column in COLUMNS} | values
            try:
                with transaction.atomic():
                    lines.append(_import_row(number, values))
            except ValidationError as error:
                lines.append(Line(number, "hylätään", " ".join(error.messages)))
        if not commit:
            transaction.set_rollback(True)
    return lines


def _import_row(number: int, values: dict[str, str]) -> Line:
    if any("\x00" in value for value in values.values()):
        # PostgreSQL cannot store it, and no spreadsheet means one (as the site's forms refuse it).
        raise ValidationError(_("Rivillä on näkymätön NUL-merkki: tallenna tiedosto uudelleen."))
    if not values["vuosi"].isdigit():
        raise ValidationError(
            _("Vuosi puuttuu tai ei ole luku: %(value)r.") % {"value": values["vuosi"]}
        )
    year_number = int(values["vuosi"])
    kind = KINDS.get(values["tunnustus"].lower())
    if kind is None:
        raise ValidationError(
            _("Tunnustus %(value)r ei ole mikään näistä: %(kinds)s.")
            % {"value": values["tunnustus"], "kinds": ", ".join(KINDS)}
        )
    year = AwardYear.objects.filter(year=year_number).first()
    ran_here = Competition.objects.filter(year=year_number).exists()
    if ran_here or (year is not None and year.competition_id is not None):
        raise ValidationError(
            _(
                "Vuosi %(year)s on tämän sivuston kilpailuvuosi: sen tulokset julkaistaan "
                "sivustolla."
            )
            % {"year": year_number}
        )
    if year is None:
        year = AwardYear(year=year_number)
        year.full_clean()
        year.save()
    award = Award(
        year=year,
        kind=kind,
        practice_name=values["käytäntö"],
        organisation=values["organisaatio"],
        jury_statement=values["perustelut"],
        innokyla_url=values["innokylä"],
        order=year.awards.filter(kind=kind).count(),
    )
    if award.innokyla_url:
        HTTPS_ONLY(award.innokyla_url)
    described = f"{year_number} {kind.label}: {award.practice_name}"
    if Award.objects.filter(year=year, kind=kind, practice_name=award.practice_name).exists():
        return Line(number, "on jo arkistossa", described)
    award.full_clean()
    award.save()
    return Line(number, "lisätään", described)
