"""The jury's meeting: the agenda the site proposes and the chair arranges, and the chair's
notes. Each use case is one transaction, refused unless the user chairs the year and its
finalists are not yet published."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from core import audit
from core.models import Competition
from jury import permissions, statistics
from jury.models import AgendaItem, JuryMember
from nominations.enums import NominationState
from nominations.models import Nomination


def _chair(user, competition: Competition) -> Competition:
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if not permissions.can_run_meeting(user, competition):
        raise PermissionDenied
    return competition


def agenda_ready(competition: Competition) -> bool:
    """Whether every juror of the year has marked their scoring done."""
    seats = JuryMember.objects.filter(competition=competition)
    return seats.exists() and not seats.filter(done_at__isnull=True).exists()


@transaction.atomic
def agenda_propose(*, competition: Competition, by) -> int:
    """Put the site's proposals (jury/statistics.agenda_candidates) on the agenda, after what
    is there; a nomination already on it gets its reasons refreshed. The number added."""
    competition = _chair(by, competition)
    report = statistics.reliability(competition.pk, top_n=competition.finalist_count)
    existing = {
        item.nomination_id: item for item in AgendaItem.objects.filter(competition=competition)
    }
    position = max((item.position for item in existing.values()), default=0)
    added = 0
    for candidate in statistics.agenda_candidates(competition.pk, report):
        item = existing.get(candidate.nomination_id)
        if item is not None:
            item.reasons = list(candidate.reasons)
            item.save(update_fields=["reasons"])
            continue
        position += 1
        AgendaItem.objects.create(
            competition=competition,
            nomination_id=candidate.nomination_id,
            position=position,
            reasons=list(candidate.reasons),
        )
        added += 1
    audit.record(audit.Action.AGENDA_CHANGED, actor=by, target=competition, proposed=added)
    return added


@transaction.atomic
def agenda_add(*, competition: Competition, nomination_id: int, by) -> AgendaItem:
    """The chair adds a nomination of the year at the end of the agenda."""
    competition = _chair(by, competition)
    nomination = Nomination.objects.filter(
        pk=nomination_id, competition=competition, state=NominationState.SUBMITTED
    ).first()
    if nomination is None:
        raise ValidationError(_("Valitse tämän vuoden ehdotus."))
    if AgendaItem.objects.filter(competition=competition, nomination=nomination).exists():
        raise ValidationError(_("Ehdotus on jo asialistalla."))
    last = AgendaItem.objects.filter(competition=competition).aggregate(last=Max("position"))
    item = AgendaItem.objects.create(
        competition=competition,
        nomination=nomination,
        position=(last["last"] or 0) + 1,
        added_by_chair=True,
    )
    audit.record(audit.Action.AGENDA_CHANGED, actor=by, target=competition, added=nomination.pk)
    return item


@transaction.atomic
def agenda_remove(*, item: AgendaItem, by) -> None:
    """The chair takes an item off the agenda; the ones after it move up."""
    competition = _chair(by, item.competition)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    AgendaItem.objects.filter(competition=competition, position__gt=item.position).update(
        position=F("position") - 1
    )
    item.delete()
    audit.record(
        audit.Action.AGENDA_CHANGED, actor=by, target=competition, removed=item.nomination_id
    )


@transaction.atomic
def agenda_move(*, item: AgendaItem, by, up: bool) -> None:
    """The chair moves an item one place up or down (swapping with its neighbour)."""
    competition = _chair(by, item.competition)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    neighbour = (
        AgendaItem.objects.select_for_update()
        .filter(competition=competition, position=item.position + (-1 if up else 1))
        .first()
    )
    if neighbour is None:
        return
    item.position, neighbour.position = neighbour.position, item.position
    # Through a free number: (competition, position) need not be unique, but the swap reads
    # as one move in the history.
    AgendaItem.objects.filter(pk=item.pk).update(position=item.position)
    AgendaItem.objects.filter(pk=neighbour.pk).update(position=neighbour.position)


@transaction.atomic
def agenda_note(*, item: AgendaItem, text: str, by) -> AgendaItem:
    """The chair's note of what the meeting said about an item (kept in its history)."""
    _chair(by, item.competition)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.note = text.replace("\x00", "").strip()
    item.save(update_fields=["note"])
    return item
