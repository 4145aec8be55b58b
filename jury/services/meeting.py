"""The jury's meeting: the agenda the site proposes and the chair arranges, and the chair's
notes. Each use case is one transaction, refused unless the user chairs the year and its
finalists are not yet published."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import Competition
from jury import permissions, statistics
from jury.enums import SCORE_MAX, SCORE_MIN
from jury.models import AgendaItem, JuryMember, RevisionRound, Score, ScoreRevision
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
    # Positions are not unique, so the two rows swap in two plain updates (an order is not
    # kept in the items' history; the notes are).
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


@transaction.atomic
def revision_open(*, competition: Competition, closes_at, by) -> RevisionRound:
    """The chair opens the revision round (or moves its deadline): until ``closes_at``, jurors
    may change their scores on the agenda's items, each change with a reason."""
    competition = _chair(by, competition)
    if closes_at <= timezone.now():
        raise ValidationError(_("Tarkistuskierroksen päättymisen on oltava tulevaisuudessa."))
    if not AgendaItem.objects.filter(competition=competition).exists():
        raise ValidationError(_("Asialista on tyhjä: tarkistettavaa ei ole."))
    revision, _created = RevisionRound.objects.update_or_create(
        competition=competition, defaults={"closes_at": closes_at}
    )
    audit.record(
        audit.Action.AGENDA_CHANGED,
        actor=by,
        target=competition,
        revision_closes=closes_at.isoformat(),
    )
    return revision


def revision_refusal(seat: JuryMember, nomination_id: int, *, now=None) -> str | None:
    """Why this juror cannot revise their scores on this nomination now, in Finnish."""
    revision = RevisionRound.objects.filter(competition_id=seat.competition_id).first()
    if revision is None or not revision.is_open(now):
        return _("Tarkistuskierros ei ole auki: pisteitä ei voi nyt muuttaa.")
    if not AgendaItem.objects.filter(
        competition_id=seat.competition_id, nomination_id=nomination_id
    ).exists():
        return _("Vain kokouksen asialistan ehdotusten pisteitä voi tarkistaa.")
    return None


@transaction.atomic
def score_revise(
    *, seat: JuryMember, nomination_id: int, values: dict[int, int], reason: str
) -> list[ScoreRevision]:
    """A juror changes their scores on an agenda item during the revision round, with a
    reason: each changed score keeps its value before and after (``ScoreRevision``) and the
    score's own history. ``values`` maps criterion numbers to the new scores. Refused in
    Finnish outside the round, off the agenda, or without a reason."""
    seat = JuryMember.objects.select_for_update().get(pk=seat.pk)
    refusal = revision_refusal(seat, nomination_id)
    if refusal:
        raise ValidationError(refusal)
    reason = reason.replace("\x00", "").strip()
    if not reason:
        raise ValidationError(_("Kerro, miksi muutat pisteitä: perustelu jää historiaan."))
    if any(not SCORE_MIN <= value <= SCORE_MAX for value in values.values()):
        raise ValidationError(_("Pisteiden on oltava 1–5."))
    scores = {
        score.criterion.number: score
        for score in Score.objects.select_for_update()
        .filter(juror=seat, nomination_id=nomination_id)
        .select_related("criterion")
    }
    revisions = []
    for number, value in sorted(values.items()):
        score = scores.get(number)
        if score is None or score.value == value:
            continue
        revisions.append(
            ScoreRevision.objects.create(
                score=score, before=score.value, after=value, reason=reason
            )
        )
        score.value = value
        score._change_reason = reason  # in the score's own history too
        score.save(update_fields=["value", "updated_at"])
    if not revisions:
        raise ValidationError(_("Pisteet ovat ennallaan: muuta ainakin yhtä pistettä."))
    audit.record(
        audit.Action.SCORE_REVISED,
        actor=seat.user,
        target=seat.competition,
        nomination=nomination_id,
        scores=len(revisions),
    )
    return revisions


@transaction.atomic
def revision_close(*, competition: Competition, by) -> RevisionRound:
    """The chair ends the revision round now (everyone has revised what they wished)."""
    competition = _chair(by, competition)
    revision = RevisionRound.objects.select_for_update().filter(competition=competition).first()
    if revision is None:
        raise ValidationError(_("Tarkistuskierrosta ei ole avattu."))
    revision.closes_at = min(revision.closes_at, timezone.now())
    revision.save(update_fields=["closes_at"])
    audit.record(audit.Action.AGENDA_CHANGED, actor=by, target=competition, revision_closed=True)
    return revision
