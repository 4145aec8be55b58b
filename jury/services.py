"""Writes for the jury's work: one function per use case, each in one transaction."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import audit, mail
from core.enums import Phase
from core.models import Competition, Criterion
from core.services import (
    competition_mark_finalists_published,
)
from core.storage import files_forget
from jury.enums import SCORE_MAX, SCORE_MIN, Recognition, ShortlistRule
from jury.models import (
    ConflictOfInterest,
    FeedbackRound,
    Finalist,
    JuryMember,
    JuryReminder,
    OverallComment,
    Score,
)
from jury.permissions import (
    can_decide,
    can_publish_finalists,
    can_reopen_scoring,
    can_send_feedback,
    can_set_finalist_picture,
    can_shortlist,
    scoring_is_open,
)
from jury.queries import juror_progress, next_for_juror
from nominations.enums import NominationState
from nominations.models import Nomination
from nominations.services import email_contact


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


class ShortlistException(ValidationError):
    """The nomination may be shortlisted only if the chair confirms the exceptions named in
    ``reasons`` (a code from ShortlistRule and its explanation in Finnish)."""

    def __init__(self, reasons: dict[str, str]):
        super().__init__(list(reasons.values()))
        self.reasons = reasons


def shortlist_exceptions(nomination: Nomination) -> dict[str, str]:
    """Why shortlisting ``nomination`` departs from the rules, by ShortlistRule: the year's
    finalists are already all chosen, not every juror without a conflict has scored it, or
    a juror has a conflict with it. Empty when it keeps to them."""
    competition = nomination.competition
    reasons = {}
    chosen = (
        Finalist.objects.filter(nomination__competition=competition)
        .exclude(nomination=nomination)
        .count()
    )
    if chosen >= competition.finalist_count:
        reasons[ShortlistRule.OVER_COUNT] = _(
            "Vuodelle on jo valittu %(chosen)d finalistia, ja vuoden finalistimäärä on %(count)d."
        ) % {"chosen": chosen, "count": competition.finalist_count}
    criteria = Criterion.objects.count()
    conflicted = ConflictOfInterest.objects.filter(nomination=nomination).count()
    expected = JuryMember.objects.filter(competition=competition).count() - conflicted
    scored = (
        Score.objects.filter(nomination=nomination)
        .values("juror")
        .annotate(n=Count("pk"))
        .filter(n=criteria)
        .count()
    )
    if scored < expected or scored == 0:
        reasons[ShortlistRule.UNSCORED] = _(
            "Kaikki arvioijat eivät ole pisteyttäneet ehdotusta: pisteet on antanut "
            "%(scored)d / %(expected)d."
        ) % {"scored": scored, "expected": max(expected, 0)}
    if conflicted:
        reasons[ShortlistRule.CONFLICTED] = ngettext(
            "%(count)d arvioija on ilmoittanut olevansa esteellinen arvioimaan ehdotusta.",
            "%(count)d arvioijaa on ilmoittanut olevansa esteellisiä arvioimaan ehdotusta.",
            conflicted,
        ) % {"count": conflicted}
    return reasons


@transaction.atomic
def finalist_shortlist(*, nomination: Nomination, by, confirmed: Collection[str] = ()) -> Finalist:
    """The chair shortlists a nomination (idempotent). Refused for anyone but the chair,
    before nominations close, and after the finalists are published.

    A nomination that departs from the rules (``shortlist_exceptions``) is refused with
    ShortlistException unless every exception's code is in ``confirmed``: the chair's
    explicit confirmation, recorded in the finalist's history and in the audit log.
    """
    competition = Competition.objects.select_for_update().get(pk=nomination.competition_id)
    if not can_shortlist(by, competition):
        raise PermissionDenied
    if competition.phase != Phase.REVIEW:
        raise ValidationError(_("Finalistit valitaan ehdotusajan päätyttyä."))
    if nomination.state != NominationState.SUBMITTED:
        raise ValidationError(_("Ehdotus ei ole mukana kilpailussa."))
    existing = Finalist.objects.filter(nomination=nomination).first()
    if existing is not None:
        return existing
    exceptions = shortlist_exceptions(nomination)
    if set(exceptions) - set(confirmed):
        raise ShortlistException(exceptions)
    last = Finalist.objects.filter(nomination__competition=competition).aggregate(m=Max("order"))
    finalist = Finalist(nomination=nomination, shortlisted_by=by, order=(last["m"] or 0) + 1)
    if exceptions:
        finalist._change_reason = _("Valittu poikkeuksin, puheenjohtaja vahvisti: %(why)s") % {
            "why": " ".join(exceptions.values())
        }
    finalist.save()
    audit.record(
        audit.Action.SHORTLISTED, actor=by, target=nomination, exceptions=sorted(exceptions)
    )
    return finalist


@transaction.atomic
def finalist_unshortlist(*, finalist: Finalist, by) -> None:
    """The chair takes a nomination off the shortlist; possible until publication."""
    competition = Competition.objects.select_for_update().get(pk=finalist.nomination.competition_id)
    if not can_shortlist(by, competition):
        raise PermissionDenied
    audit.record(audit.Action.UNSHORTLISTED, actor=by, target=finalist.nomination)
    finalist.delete()


@transaction.atomic
def finalist_set_statement(
    *,
    finalist: Finalist,
    statement: str,
    order: int,
    by,
    translations: Mapping[str, str] | None = None,
) -> Finalist:
    """The chair writes a finalist's public jury statement (and its place in the list), and
    if they wish its Swedish and English versions (``translations`` by language; an empty
    one is shown in Finnish)."""
    competition = Competition.objects.select_for_update().get(pk=finalist.nomination.competition_id)
    if not can_shortlist(by, competition):
        raise PermissionDenied
    finalist.statement = statement.strip()
    finalist.order = order
    fields = ["statement", "order"]
    for language, text in (translations or {}).items():
        setattr(finalist, f"statement_{language}", text.strip())
        fields.append(f"statement_{language}")
    finalist.save(update_fields=fields)
    return finalist


@transaction.atomic
def finalist_set_picture(*, finalist: Finalist, picture, alt: str, by) -> Finalist:
    """Staff add, replace or remove a finalist's picture (``picture`` is a file drawn by
    ``core.images``, the one already kept, or empty to remove it).

    Side effects: the replaced picture is erased once the change is committed.
    """
    if not can_set_finalist_picture(by):
        raise PermissionDenied
    before = Finalist.objects.select_for_update().get(pk=finalist.pk).picture.name
    finalist.picture = picture or ""
    finalist.picture_alt = alt.strip() if finalist.picture else ""
    if finalist.picture and not finalist.picture_alt:
        raise ValidationError(
            {"picture_alt": _("Kirjoita kuvalle tekstivastine: mitä kuvassa näkyy.")}
        )
    finalist.save(update_fields=["picture", "picture_alt"])
    if before != finalist.picture.name:
        files_forget([before])
    return finalist


@transaction.atomic
def finalists_publish(*, competition: Competition, by) -> list[Finalist]:
    """Staff publish the year's finalists.

    Side effects: the competition's finalists-published stamp (through the competition's own
    service), an e-mail to every finalist's contact person, and a polite e-mail to every other
    nominator still in the competition. Refused without finalists, with a finalist lacking
    its statement, before nominations close, or a second time.
    """
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if not can_publish_finalists(by):
        raise PermissionDenied
    if competition.finalists_published_at is not None:
        raise ValidationError(_("Finalistit on jo julkistettu."))
    if competition.phase != Phase.REVIEW:
        raise ValidationError(_("Finalistit julkistetaan ehdotusajan päätyttyä."))
    finalists = list(
        Finalist.objects.filter(nomination__competition=competition).select_related(
            "nomination__competition"
        )
    )
    if not finalists:
        raise ValidationError(_("Finalisteja ei ole valittu."))
    missing = [str(f) for f in finalists if not f.statement]
    if missing:
        raise ValidationError(
            _("Raadin perustelut puuttuvat: %(names)s.") % {"names": ", ".join(missing)}
        )
    competition_mark_finalists_published(competition=competition, at=timezone.now())
    for nomination, template, context in _publication_letters(competition, finalists):
        email_contact(nomination, template, context, bulk=True)
    audit.record(
        audit.Action.FINALISTS_PUBLISHED,
        actor=by,
        target=competition,
        finalists=[f.nomination.practice_name for f in finalists],
    )
    return finalists


@transaction.atomic
def finalist_decide(
    *,
    finalist: Finalist,
    recognition: str,
    statement: str,
    by,
    translations: Mapping[str, str] | None = None,
) -> Finalist:
    """The chair records the jury's decision on a finalist after voting has closed, with its
    statement (and, if written, its Swedish and English versions in ``translations``).

    ``recognition`` is a Recognition value; NONE clears an earlier decision. Kept in history.
    """
    competition = Competition.objects.select_for_update().get(pk=finalist.nomination.competition_id)
    if not can_decide(by, competition):
        raise PermissionDenied
    recognition = Recognition(recognition)
    statement = statement.strip()
    if recognition != Recognition.NONE and not statement:
        raise ValidationError(_("Kirjoita päätökselle perustelut."))
    finalist.recognition = recognition
    deciding = recognition != Recognition.NONE
    finalist.recognition_statement = statement if deciding else ""
    fields = ["recognition", "recognition_statement"]
    for language in ("sv", "en"):
        text = (translations or {}).get(language, "").strip()
        setattr(finalist, f"recognition_statement_{language}", text if deciding else "")
        fields.append(f"recognition_statement_{language}")
    finalist.save(update_fields=fields)
    audit.record(
        audit.Action.DECIDED, actor=by, target=finalist.nomination, recognition=recognition.value
    )
    return finalist


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


def _publication_letters(competition: Competition, finalists: list[Finalist]):
    """(nomination, template, context) of every e-mail that publishing the finalists sends:
    the finalists' contacts first, then every other nominator still in the competition."""
    chosen = {f.nomination_id for f in finalists}
    letters = [
        (
            f.nomination,
            "jury/email/finalist",
            {"nomination": f.nomination, "finalist": f, "competition": competition},
        )
        for f in finalists
    ]
    others = (
        Nomination.objects.filter(competition=competition, state=NominationState.SUBMITTED)
        .exclude(pk__in=chosen)
        .select_related("competition")
        .order_by("practice_name")
    )
    letters += [
        (n, "jury/email/not_shortlisted", {"nomination": n, "competition": competition})
        for n in others
    ]
    return letters


@dataclass(frozen=True)
class Letter:
    nomination: Nomination
    finalist: bool
    recipient: str
    subject: str
    body: str


@dataclass(frozen=True)
class PublicationPreview:
    competition: Competition
    letters: tuple
    warnings: tuple
    problems: tuple


def finalists_publish_preview(*, competition: Competition) -> PublicationPreview:
    """What publishing the year's finalists would do, and send, without doing it: every
    e-mail rendered in full in its recipient's language, the reasons it would be refused
    (``problems``) and what staff should know first (``warnings``: jurors not done, the
    scoring deadline not passed)."""
    finalists = list(
        Finalist.objects.filter(nomination__competition=competition)
        .select_related("nomination__competition")
        .order_by("order", "pk")
    )
    problems = []
    if competition.finalists_published_at is not None:
        problems.append(_("Finalistit on jo julkistettu."))
    if not finalists:
        problems.append(_("Finalisteja ei ole valittu."))
    missing = [str(f) for f in finalists if not f.statement]
    if missing:
        problems.append(
            _("Raadin perustelut puuttuvat: %(names)s.") % {"names": ", ".join(missing)}
        )
    warnings = []
    now = timezone.now()
    if now < competition.scoring_closes_at:
        warnings.append(_("Arviointiaika on vielä käynnissä: raati voi yhä muuttaa pisteitään."))
    not_done = [str(seat) for seat in juror_progress([competition.pk]) if not seat.is_done]
    if not_done:
        warnings.append(
            _("Nämä raadin jäsenet eivät ole merkinneet arviointiaan valmiiksi: %(names)s.")
            % {"names": ", ".join(not_done)}
        )
    letters = _rendered(_publication_letters(competition, finalists))
    return PublicationPreview(competition, letters, tuple(warnings), tuple(problems))


def _rendered(letters) -> tuple:
    """Each (nomination, template, context) as the Letter its contact person would receive,
    in their language; nominations whose contact data has been erased receive nothing."""
    rendered = []
    for nomination, template, context in letters:
        if not nomination.contact_email:
            continue
        with translation.override(nomination.language):
            subject, body = mail.render_email(template, context)
        rendered.append(
            Letter(
                nomination=nomination,
                finalist=template == "jury/email/finalist",
                recipient=nomination.contact_email,
                subject=subject,
                body=body,
            )
        )
    return tuple(rendered)


# --- Feedback to nominees -----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionFeedback:
    criterion: Criterion
    mean: float | None  # None: nobody scored the criterion
    comments: tuple  # the comments jurors marked for the nominee, no names


def _feedback_letters(competition: Competition):
    """(nomination, template, context) of every feedback e-mail: for each nomination still in
    the competition and scored by someone, its panel's mean per criterion and the comments
    jurors marked "näytetään ehdottajalle". Nothing in the context names a juror. Four
    queries, whatever the number of nominations."""
    nominations = list(
        Nomination.objects.filter(competition=competition, state=NominationState.SUBMITTED)
        .select_related("competition")
        .order_by("practice_name")
    )
    criteria = list(Criterion.objects.order_by("number"))
    means = {
        (row["nomination"], row["criterion"]): row["mean"]
        for row in Score.objects.filter(nomination__in=nominations)
        .values("nomination", "criterion")
        .annotate(mean=Avg("value"))
    }
    comments: dict[tuple, list[str]] = {}
    for nomination_id, criterion_id, text in (
        Score.objects.filter(nomination__in=nominations, shared_with_nominee=True)
        .exclude(comment="")
        .order_by("pk")
        .values_list("nomination", "criterion", "comment")
    ):
        comments.setdefault((nomination_id, criterion_id), []).append(text)
    overall: dict[int, list[str]] = {}
    for nomination_id, text in (
        OverallComment.objects.filter(nomination__in=nominations, shared_with_nominee=True)
        .order_by("pk")
        .values_list("nomination", "text")
    ):
        overall.setdefault(nomination_id, []).append(text)
    letters = []
    for nomination in nominations:
        rows = tuple(
            CriterionFeedback(
                criterion=c,
                mean=means.get((nomination.pk, c.pk)),
                comments=tuple(comments.get((nomination.pk, c.pk), ())),
            )
            for c in criteria
        )
        if all(row.mean is None for row in rows):
            continue  # nobody scored it: there is no feedback to give
        context = {
            "nomination": nomination,
            "competition": competition,
            "criteria": rows,
            "overall": tuple(overall.get(nomination.pk, ())),
        }
        letters.append((nomination, "jury/email/feedback", context))
    return letters


def _feedback_problems(competition: Competition) -> list[str]:
    problems = []
    if competition.phase != Phase.PUBLISHED:
        problems.append(_("Palaute lähetetään vasta, kun tulokset on julkistettu."))
    if FeedbackRound.objects.filter(competition=competition).exists():
        problems.append(_("Tämän vuoden palaute on jo lähetetty."))
    return problems


@dataclass(frozen=True)
class FeedbackPreview:
    competition: Competition
    letters: tuple
    problems: tuple
    unscored: tuple  # nominations that get no feedback because nobody scored them


def feedback_preview(*, competition: Competition) -> FeedbackPreview:
    """What sending the year's feedback would send, without sending it: every e-mail rendered
    in full in its recipient's language, and the reasons it would be refused."""
    letters = _feedback_letters(competition)
    given = {nomination.pk for nomination, _template, _context in letters}
    unscored = (
        Nomination.objects.filter(competition=competition, state=NominationState.SUBMITTED)
        .exclude(pk__in=given)
        .order_by("practice_name")
    )
    return FeedbackPreview(
        competition=competition,
        letters=_rendered(letters),
        problems=tuple(_feedback_problems(competition)),
        unscored=tuple(unscored),
    )


@transaction.atomic
def feedback_send(*, competition: Competition, by) -> FeedbackRound:
    """Staff send every nominee their panel's feedback, once a year, after the results.

    Side effects: the year's FeedbackRound (who sent it, when, how many e-mails; a second
    one is refused by its constraint as well as here), one e-mail per nominee through the
    queue, and an audit line. Refused before the results are published and a second time.
    """
    if not can_send_feedback(by):
        raise PermissionDenied
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    problems = _feedback_problems(competition)
    if problems:
        raise ValidationError(problems)
    letters = [letter for letter in _feedback_letters(competition) if letter[0].contact_email]
    round_ = FeedbackRound.objects.create(competition=competition, sent_by=by, letters=len(letters))
    for nomination, template, context in letters:
        email_contact(nomination, template, context, bulk=True)
    audit.record(
        audit.Action.FEEDBACK_SENT,
        actor=by,
        target=competition,
        recipients=len(letters),
        nominations=[nomination.pk for nomination, _template, _context in letters],
    )
    return round_
