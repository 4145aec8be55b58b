"""The chair's shortlist keeps to the year's rules unless the chair confirms an exception."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Criterion
from jury import services
from jury.models import Finalist
from tests.factories.jury import ConflictFactory
from tests.factories.nominations import NominationFactory
from tests.jury.conftest import login
from tests.pages import text_of

pytestmark = pytest.mark.django_db

RANKING = "admin:jury_rankingentry_changelist"


def scored(nomination, *seats):
    """``nomination`` with a full sheet from each of ``seats``."""
    for seat in seats:
        services.score_save(
            seat=seat,
            nomination=nomination,
            scores={
                c.pk: services.CriterionScore(value=4, comment="", shared=False)
                for c in Criterion.objects.all()
            },
        )
    return nomination


def shortlist(client, chair, nominations, **extra):
    return login(client, chair).post(
        reverse(RANKING),
        {"action": "shortlist", "_selected_action": [n.pk for n in nominations], **extra},
    )


def test_the_year_has_four_finalists_unless_staff_set_another_number(panel_year):
    assert panel_year.finalist_count == 4


def test_a_fifth_finalist_is_refused_with_the_reason(chair, panel_year):
    nominations = [scored(NominationFactory(competition=panel_year), chair) for _ in range(5)]
    for nomination in nominations[:4]:
        services.finalist_shortlist(nomination=nomination, by=chair.user)

    with pytest.raises(services.ShortlistException) as refused:
        services.finalist_shortlist(nomination=nominations[4], by=chair.user)

    assert refused.value.messages == [
        "Vuodelle on jo valittu 4 finalistia, ja vuoden finalistimäärä on 4."
    ]
    assert Finalist.objects.count() == 4


def test_the_year_may_set_a_smaller_shortlist(chair, panel_year):
    panel_year.finalist_count = 1
    panel_year.save()
    first, second = (scored(NominationFactory(competition=panel_year), chair) for _ in range(2))
    services.finalist_shortlist(nomination=first, by=chair.user)

    with pytest.raises(services.ShortlistException):
        services.finalist_shortlist(nomination=second, by=chair.user)


def test_an_unscored_or_conflicted_nomination_is_refused(chair, juror, panel_year):
    half_scored = scored(NominationFactory(competition=panel_year), chair)
    conflicted = scored(NominationFactory(competition=panel_year), chair)
    ConflictFactory(juror=juror, nomination=conflicted)

    with pytest.raises(services.ShortlistException) as unscored:
        services.finalist_shortlist(nomination=half_scored, by=chair.user)
    with pytest.raises(services.ShortlistException) as conflict:
        services.finalist_shortlist(nomination=conflicted, by=chair.user)

    assert unscored.value.messages == [
        "Kaikki arvioijat eivät ole pisteyttäneet ehdotusta: pisteet on antanut 1 / 2."
    ]
    assert conflict.value.messages == [
        "1 arvioija on ilmoittanut olevansa esteellinen arvioimaan ehdotusta."
    ]
    assert not Finalist.objects.exists()


def test_a_confirmed_exception_is_kept_in_the_finalists_history(chair, juror, panel_year):
    nomination = scored(NominationFactory(competition=panel_year), chair)

    finalist = services.finalist_shortlist(
        nomination=nomination, by=chair.user, confirmed=["unscored"]
    )

    reason = finalist.history.get().history_change_reason
    assert reason.startswith("Valittu poikkeuksin, puheenjohtaja vahvisti:")
    assert "pisteet on antanut 1 / 2" in reason


def test_confirming_one_exception_does_not_cover_another(chair, juror, panel_year):
    nomination = NominationFactory(competition=panel_year)
    ConflictFactory(juror=juror, nomination=nomination)  # and nobody has scored it

    with pytest.raises(ValidationError):
        services.finalist_shortlist(nomination=nomination, by=chair.user, confirmed=["conflicted"])


def test_the_finalists_order_counts_from_one(chair, panel_year):
    first, second = (scored(NominationFactory(competition=panel_year), chair) for _ in range(2))

    orders = [
        services.finalist_shortlist(nomination=n, by=chair.user).order for n in (first, second)
    ]

    assert orders == [1, 2]


# --- In the admin ------------------------------------------------------------------------


def test_the_chair_sees_the_exception_and_must_tick_it(client, chair, juror, panel_year):
    nomination = scored(NominationFactory(competition=panel_year), chair)

    page = shortlist(client, chair, [nomination])

    assert not Finalist.objects.exists()
    text = text_of(page)
    assert "Valitse finalistiksi poikkeuksin?" in text
    assert "pisteet on antanut 1 / 2. Hyväksyn poikkeuksen." in text
    assert 'value="Valitse silti finalistiksi"' in page.content.decode()

    unticked = shortlist(client, chair, [nomination], vahvistettu="1")
    assert not Finalist.objects.exists()
    assert "Rastita jokainen poikkeus, jonka hyväksyt" in text_of(unticked)

    shortlist(
        client, chair, [nomination], vahvistettu="1", **{f"poikkeus_{nomination.pk}": "unscored"}
    )
    assert Finalist.objects.get().nomination == nomination


def test_a_nomination_that_keeps_the_rules_is_shortlisted_at_once(client, chair, panel_year):
    nomination = scored(NominationFactory(competition=panel_year), chair)

    response = shortlist(client, chair, [nomination])

    assert response.status_code == 302
    assert Finalist.objects.get().nomination == nomination
