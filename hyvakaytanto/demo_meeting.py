"""The demo year's jury meeting, held (hyvakaytanto/demo.py): the site's agenda with the
chair's notes, and a revision round that moved one practice a place."""

from datetime import timedelta
from itertools import pairwise

from django.utils import timezone

from core.models import Competition
from jury import services as jury_services
from jury import statistics as jury_statistics
from jury.models import AgendaItem, JuryMember, Score

_NOTES = [
    "Raati piti mallia siirrettävänä, mutta vaikutusten arviointi on vielä ohut.",
    "Kaksi näkemystä: yksi painotti asiakkaiden osallisuutta, toinen kustannuksia.",
]


def meet(competition: Competition, seats: list[JuryMember], chair) -> None:
    """The jury's meeting, held: the site's agenda with the chair's notes, and a revision
    round in which one juror changed two scores with a reason, which moved one practice up
    a place below the finalists' line (the finalists stay those the chair shortlists)."""
    jury_services.agenda_propose(competition=competition, by=chair)
    for item, note in zip(
        AgendaItem.objects.filter(competition=competition).order_by("position"),
        _NOTES,
        strict=False,  # the first items get a note
    ):
        jury_services.agenda_note(item=item, text=note, by=chair)
    below = jury_statistics.placements(competition.pk)[competition.finalist_count :]
    for upper, lower in sorted(
        pairwise(below),
        key=lambda pair: pair[0].after_total - pair[1].after_total,
    ):
        # One juror's two lowest criteria up enough for the mean of the sheets to pass.
        jurors = Score.objects.filter(nomination_id=lower.nomination_id).values("juror").distinct()
        needed = max(2, int((upper.after_total - lower.after_total) * jurors.count()) + 1)
        for seat in seats:
            scores = dict(
                Score.objects.filter(juror=seat, nomination_id=lower.nomination_id)
                .order_by("value", "criterion__number")
                .values_list("criterion__number", "value")[:2]
            )
            if len(scores) < 2:
                continue
            (first, low), (second, next_low) = scores.items()
            up = min(5 - low, needed - 1)  # two revisions: each score up by at least one
            rest = needed - up
            if up >= 1 and 1 <= rest <= 5 - next_low:
                values = {first: low + up, second: next_low + rest}
                return _revise_in_demo(competition, seat, lower.nomination_id, values, chair)
    raise RuntimeError("the demo's scores leave no pair below the line to move")


def _revise_in_demo(competition, seat, nomination_id, values, chair) -> None:
    if not AgendaItem.objects.filter(competition=competition, nomination_id=nomination_id).exists():
        jury_services.agenda_add(competition=competition, nomination_id=nomination_id, by=chair)
    jury_services.revision_open(
        competition=competition, closes_at=timezone.now() + timedelta(days=1), by=chair
    )
    jury_services.score_revise(
        seat=seat,
        nomination_id=nomination_id,
        values=values,
        reason="Kokouksessa kävi ilmi, että mallia on jo kokeiltu kahdessa kunnassa.",
    )
    jury_services.revision_close(competition=competition, by=chair)
