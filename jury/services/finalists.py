"""The chair's shortlist, the finalists' statements and pictures, their publication with
the letters to every nominee, and the jury's decision."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import audit
from core.enums import Phase
from core.models import Competition, Criterion
from core.services import (
    competition_mark_finalists_published,
)
from core.storage import files_forget
from jury.enums import Recognition, ShortlistRule
from jury.models import (
    ConflictOfInterest,
    Finalist,
    JuryMember,
    Score,
)
from jury.permissions import (
    can_decide,
    can_publish_finalists,
    can_set_finalist_picture,
    can_shortlist,
)
from jury.queries import juror_progress
from jury.services.letters import rendered_letters
from nominations.enums import NominationState
from nominations.models import Nomination
from nominations.services import email_contact


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
    letters = rendered_letters(_publication_letters(competition, finalists))
    return PublicationPreview(competition, letters, tuple(warnings), tuple(problems))
