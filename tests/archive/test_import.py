"""Past years into the archive from a spreadsheet: a dry run reports each row and keeps
nothing; a real run adds the years, and /arkisto/ lists them."""

from io import StringIO
from pathlib import Path

import pytest
import tablib
from django.core.management import call_command
from django.test import Client

from archive.imports import past_years_import
from archive.models import Award, AwardYear
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "arkisto-2023-2026-esimerkki.csv"
)


def run(*args) -> str:
    out = StringIO()
    call_command("import_archive", str(EXAMPLE), *args, stdout=out)
    return out.getvalue()


def test_the_example_imports_in_a_dry_run_line_by_line_then_for_real():
    before = set(AwardYear.objects.values_list("year", flat=True))

    report = run()
    assert "rivi 2: lisätään: 2023 Voittaja: ESIMERKKI: Kotiin kuuluva -malli" in report
    assert "rivi 9: lisätään: 2026 Kunniakirja: ESIMERKKI: Vertaisten ilta" in report
    assert "Koeajo: lisättäisiin 8, hylättäisiin 0. Mitään ei tallennettu" in report
    assert set(AwardYear.objects.values_list("year", flat=True)) == before

    assert "Lisätty 8, hylätty 0." in run("--commit")
    archive = text_of(Client().get("/arkisto/"))
    for year in ("2023", "2024", "2025", "2026"):
        assert year in archive
    assert "ESIMERKKI: Osallisuuden polku" in archive

    again = run()
    assert "rivi 2: on jo arkistossa: 2023 Voittaja" in again
    assert "lisättäisiin 0" in again


def test_each_bad_row_is_refused_with_its_reason_and_the_rest_still_checked():
    # A year this site ran: its record comes from publishing, not from a spreadsheet.
    AwardYear.objects.create(year=2030, competition=CompetitionFactory(year=2030, published=True))
    CompetitionFactory(year=2031)  # running now: its record will come from publishing
    rows = tablib.Dataset(
        ["kaksituhatta", "voittaja", "Malli A", "", "", ""],
        ["2023", "pääpalkinto", "Malli B", "", "", ""],
        ["2030", "voittaja", "Malli C", "", "", ""],
        ["2023", "voittaja", "Rivi\nkahdella rivillä", "", "", ""],
        ["2023", "voittaja", "Malli E", "", "", "ftp://ei-kelpaa"],
        ["2023", "finalisti", "Malli F", "Järjestö", "", ""],
        ["2031", "voittaja", "Malli G", "", "", ""],
        ["2023", "voittaja", "Malli H", "", "", "http://www.innokyla.fi/malli-h"],
        ["2023", "kunniakirja", "Malli\x00I", "", "", ""],
        headers=["vuosi", "tunnustus", "käytäntö", "organisaatio", "perustelut", "innokylä"],
    )

    lines = past_years_import(rows, commit=True)

    outcomes = [(line.number, line.outcome) for line in lines]
    assert outcomes == [
        (2, "hylätään"),
        (3, "hylätään"),
        (4, "hylätään"),
        (5, "hylätään"),
        (6, "hylätään"),
        (7, "lisätään"),
        (8, "hylätään"),
        (9, "hylätään"),
        (10, "hylätään"),
    ]
    assert "ei ole luku" in lines[0].text
    assert "pääpalkinto" in lines[1].text
    assert "tämän sivuston kilpailuvuosi" in lines[2].text
    assert "tämän sivuston kilpailuvuosi" in lines[6].text  # running, not yet published
    assert "https://" in lines[7].text
    assert "NUL" in lines[8].text
    assert list(
        Award.objects.filter(year__in=[2023, 2030]).values_list("practice_name", flat=True)
    ) == ["Malli F"]


def test_a_sheet_without_the_named_columns_is_refused_as_a_whole():
    lines = past_years_import(tablib.Dataset(["2023"], headers=["year"]), commit=True)
    assert [line.outcome for line in lines] == ["hylätään"]
    assert "Puuttuvat sarakkeet: vuosi, tunnustus, käytäntö" in lines[0].text
