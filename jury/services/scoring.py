"""The jurors' scores and conflicts, their seats being done or reopened, and the reminders
of unscored nominations."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import audit, mail
from core.models import Competition, Criterion
from jury.enums import SCORE_MAX, SCORE_MIN
from jury.models import (
    ConflictOfInterest,
    JuryMember,
    JuryReminder,
    OverallComment,
    Score,
)
from jury.permissions import (
    can_reopen_scoring,
    scoring_is_open,
)
from jury.queries import juror_progress, next_for_juror
from jury.services.calibration import calibration_pending
from nominations.enums import NominationState
from nominations.models import Nomination


@dataclass(frozen=True)
class CriterionScore:
    value: int
    comment: str = ""
    shared: bool = False  # the comment is shown to the nominee (without the juror's name)


def _require_not_done(seat: JuryMember) -> None:
    if seat.done_at is not None:
        raise ValidationError(
            _(
                "Olet merkinnyt arviointisi valmiiksi, joten pisteitä ei voi enää muuttaa. "
                "Puheenjohtaja voi avata arviointisi uudelleen."
            )
        )


def _locked_seat(seat: JuryMember) -> JuryMember:
    # Locking the juror's seat serialises that juror's saves: two tabs or a double click
    # cannot interleave, and the unique constraint never has to break a tie.
    return (
        JuryMember.objects.select_for_update(of=("self",))
        .select_related("competition", "user")
        .get(pk=seat.pk)
    )


@transaction.atomic
def score_save(
    *,
    seat: JuryMember,
    nomination: Nomination,
    scores: Mapping[int, CriterionScore],
    overall_comment: str = "",
    overall_shared: bool = False,
) -> list[Score]:
    """Save a juror's whole score sheet for a nomination; saving it again changes it in place.

    ``scores`` maps every criterion's id to its score. Side effects: one Score per criterion
    (created or updated, each change kept in history), the overall comment saved or removed.
    A comment marked shared (``CriterionScore.shared``, ``overall_shared``) goes to the
    nominee in the feedback after the results; an empty comment is never marked.
    Refused (ValidationError) outside the scoring window, for another year's nomination, for
    a withdrawn or ineligible nomination, or after the juror declared a conflict with it.
    """
    seat = _locked_seat(seat)
    if nomination.competition_id != seat.competition_id:
        raise PermissionDenied
    _require_not_done(seat)
    if not scoring_is_open(seat.competition):
        raise ValidationError(_("Arviointiaika on päättynyt; pisteitä ei voi enää muuttaa."))
    if calibration_pending(seat):
        raise ValidationError(
            _("Pisteytä ensin vuoden kalibrointitekstit: ne löytyvät arviointilistasi alusta.")
        )
    if nomination.state != NominationState.SUBMITTED:
        raise ValidationError(_("Ehdotus ei ole mukana kilpailussa."))
    if ConflictOfInterest.objects.filter(juror=seat, nomination=nomination).exists():
        raise ValidationError(_("Olet ilmoittanut olevasi esteellinen arvioimaan tätä ehdotusta."))
    criterion_ids = set(Criterion.objects.values_list("pk", flat=True))
    if set(scores) != criterion_ids:
        raise ValidationError(_("Anna pisteet jokaiselle kriteerille."))
    if any(not SCORE_MIN <= s.value <= SCORE_MAX for s in scores.values()):
        raise ValidationError(_("Pisteiden on oltava 1–5."))
    # Written in bulk (a sheet is saved whole), each created or changed score with its
    # history row: a handful of statements whatever the number of criteria.
    existing = {s.criterion_id: s for s in Score.objects.filter(juror=seat, nomination=nomination)}
    created, changed, now = [], [], timezone.now()
    for criterion_id, score in scores.items():
        comment = score.comment.strip()
        shared = score.shared and bool(comment)
        row = existing.get(criterion_id)
        if row is None:
            created.append(
                Score(
                    juror=seat,
                    nomination=nomination,
                    criterion_id=criterion_id,
                    value=score.value,
                    comment=comment,
                    shared_with_nominee=shared,
                )
            )
        elif (row.value, row.comment, row.shared_with_nominee) != (score.value, comment, shared):
            row.value, row.comment, row.updated_at = score.value, comment, now
            row.shared_with_nominee = shared
            changed.append(row)
    if created:
        bulk_create_with_history(created, Score, default_user=seat.user)
    if changed:
        bulk_update_with_history(
            changed,
            Score,
            ["value", "comment", "shared_with_nominee", "updated_at"],
            default_user=seat.user,
        )
    saved = [*existing.values(), *created]
    if overall_comment.strip():
        OverallComment.objects.update_or_create(
            juror=seat,
            nomination=nomination,
            defaults={"text": overall_comment.strip(), "shared_with_nominee": overall_shared},
        )
    else:
        for comment in OverallComment.objects.filter(juror=seat, nomination=nomination):
            comment.delete()  # one by one, so that history records the removal
    audit.record(
        audit.Action.SCORE_SAVED,
        actor=seat.user,
        target=nomination,
        scores={str(criterion_id): score.value for criterion_id, score in scores.items()},
    )
    return saved


@transaction.atomic
def conflict_declare(
    *, seat: JuryMember, nomination: Nomination, reason: str
) -> ConflictOfInterest:
    """A juror declares a conflict of interest with a nomination.

    Side effects: the conflict row; the juror's scores and comment on that nomination are
    removed (history keeps them), so the ranking counts only jurors without a conflict.
    Refused once the finalists are published.
    """
    seat = _locked_seat(seat)
    _require_not_done(seat)
    if nomination.competition_id != seat.competition_id:
        raise PermissionDenied
    if seat.competition.finalists_published_at is not None:
        raise ValidationError(_("Finalistit on jo julkistettu."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Kerro lyhyesti esteellisyyden syy."))
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        juror=seat, nomination=nomination, defaults={"reason": reason}
    )
    for row in Score.objects.filter(juror=seat, nomination=nomination):
        row.delete()
    for comment in OverallComment.objects.filter(juror=seat, nomination=nomination):
        comment.delete()
    audit.record(audit.Action.CONFLICT_DECLARED, actor=seat.user, target=nomination)
    return conflict


@transaction.atomic
def conflict_withdraw(*, seat: JuryMember, nomination: Nomination) -> None:
    """A juror withdraws a conflict they declared by mistake, until they mark themselves
    done; they may then score the nomination. The conflict's history keeps both the
    declaration and its withdrawal."""
    seat = _locked_seat(seat)
    _require_not_done(seat)
    if seat.competition.finalists_published_at is not None:
        raise ValidationError(_("Finalistit on jo julkistettu."))
    conflict = ConflictOfInterest.objects.filter(juror=seat, nomination=nomination).first()
    if conflict is None:
        return
    conflict.delete()
    audit.record(audit.Action.CONFLICT_WITHDRAWN, actor=seat.user, target=nomination)


@transaction.atomic
def juror_mark_done(*, seat: JuryMember) -> JuryMember:
    """The juror marks the year's scoring done once every nomination is scored or declared a
    conflict. Side effects: the done stamp (their sheets lock), an audit line.
    Refused while something is unscored and outside the scoring window."""
    seat = _locked_seat(seat)
    if not scoring_is_open(seat.competition):
        raise ValidationError(_("Arviointiaika ei ole käynnissä."))
    left = next_for_juror(seat.user, competition=seat.competition)
    if left is not None:
        raise ValidationError(
            _("Arvioimatta on vielä ehdotuksia, esimerkiksi ”%(name)s”.")
            % {"name": left.practice_name}
        )
    if seat.done_at is None:
        seat.done_at = timezone.now()
        seat.save(update_fields=["done_at"])
        audit.record(audit.Action.SCORING_DONE, actor=seat.user, target=seat)
    return seat


@transaction.atomic
def juror_reopen(*, seat: JuryMember, by) -> JuryMember:
    """The chair reopens a juror's sheets before the scoring deadline. Side effects: the done
    stamp cleared, an audit line naming the chair. Refused for anyone but the year's chair
    and after the deadline."""
    seat = _locked_seat(seat)
    if not can_reopen_scoring(by, seat):
        raise PermissionDenied
    if seat.done_at is not None:
        seat.done_at = None
        seat.save(update_fields=["done_at"])
        audit.record(audit.Action.SCORING_REOPENED, actor=by, target=seat)
    return seat


def _remind(seat: JuryMember, *, left: int, days_before: int | None) -> None:
    JuryReminder.objects.create(juror=seat, days_before=days_before)
    competition = seat.competition
    subject, body = mail.render_email(
        "jury/email/reminder",
        {
            "seat": seat,
            "competition": competition,
            "left": left,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("admin:jury_scoringnomination_changelist"),
        },
    )
    mail.email_send(subject=subject, body=body, to=[seat.user.email])


def _unscored_counts(competition: Competition) -> dict[int, int]:
    """Per seat of the year, how many nominations are neither scored nor a conflict."""
    return {
        seat.pk: max(0, seat.nomination_total - seat.scored - seat.conflict_count)
        for seat in juror_progress([competition.pk])
    }


@transaction.atomic
def jury_reminders_send_due(*, now=None) -> int:
    """E-mail every juror who has unscored nominations and has not marked their work done,
    JURY_REMINDER_DAYS before the scoring deadline: once per juror and reminder (a constraint
    makes it true even if this runs twice at once); a reminder missed (the worker was down)
    goes out late, once, and covers the earlier ones. Returns how many were sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for competition in Competition.objects.filter(
        nomination_closes_at__lte=now, scoring_closes_at__gt=now
    ):
        days_left = (timezone.localdate(competition.scoring_closes_at) - today).days
        due = sorted(d for d in settings.JURY_REMINDER_DAYS if days_left <= d)
        if not due:
            continue
        left_by_seat = _unscored_counts(competition)
        seats = JuryMember.objects.filter(
            competition=competition, done_at__isnull=True
        ).select_related("user", "competition")
        for seat in seats.select_for_update(of=("self",)):
            if not left_by_seat.get(seat.pk):
                continue
            already = set(seat.reminders.values_list("days_before", flat=True))
            if set(due) <= already:
                continue
            _remind(seat, left=left_by_seat[seat.pk], days_before=due[0])
            for days in due[1:]:
                if days not in already:
                    JuryReminder.objects.create(juror=seat, days_before=days)
            sent += 1
    return sent


@transaction.atomic
def juror_remind_now(*, seat: JuryMember, by) -> bool:
    """The chair reminds a juror by hand. Side effects: a reminder row and an e-mail, when
    the juror has anything unscored; False (nothing sent) otherwise."""
    if not can_reopen_scoring(by, seat):
        raise PermissionDenied
    left = _unscored_counts(seat.competition).get(seat.pk, 0)
    if not left or seat.done_at is not None:
        return False
    _remind(seat, left=left, days_before=None)
    return True
