"""Calibration before scoring: each juror scores the chair's example texts first, then sees
the panel's spread and the chair's reference scores. Calibration scores never count."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Criterion
from jury.enums import SCORE_MAX, SCORE_MIN
from jury.models import CalibrationScore, CalibrationText, JuryMember


def calibration_pending(seat: JuryMember) -> bool:
    """Whether the year has calibration texts this juror has not yet scored in full."""
    texts = CalibrationText.objects.filter(competition_id=seat.competition_id).count()
    if not texts:
        return False
    criteria = Criterion.objects.count()
    return CalibrationScore.objects.filter(juror=seat).count() < texts * criteria


@transaction.atomic
def calibration_save(*, seat: JuryMember, values: dict[int, dict[int, int]]) -> None:
    """A juror's scores for every calibration text of their year: ``values`` maps each text's
    id to {criterion number: score}. Saving again changes them. Refused in Finnish when a
    score is missing or off the scale."""
    seat = JuryMember.objects.select_for_update().get(pk=seat.pk)
    if seat.done_at is not None:
        raise PermissionDenied
    texts = list(CalibrationText.objects.filter(competition_id=seat.competition_id))
    numbers = list(Criterion.objects.order_by("number").values_list("number", flat=True))
    for text in texts:
        given = values.get(text.pk, {})
        if set(given) != set(numbers):
            raise ValidationError(
                _("Anna pisteet jokaiselle kriteerille myös tekstissä ”%(title)s”.")
                % {"title": text.title}
            )
        if any(not SCORE_MIN <= value <= SCORE_MAX for value in given.values()):
            raise ValidationError(_("Pisteiden on oltava 1–5."))
    for text in texts:
        for number, value in values[text.pk].items():
            CalibrationScore.objects.update_or_create(
                juror=seat, text=text, criterion_number=number, defaults={"value": value}
            )
