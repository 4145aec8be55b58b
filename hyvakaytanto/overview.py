"""Where the current year stands, for the admin's home page: the phase, the next deadline,
the counts that matter now, and the next thing to do (with a link).

It is part of the project's composition, the one floor that may read every app. Six queries
whatever the size of the year (seven once the results are out).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dates import day_text
from core.enums import Phase
from core.models import Competition, OutgoingEmail
from core.permissions import can_follow_the_year
from core.queries import newest_competition
from jury.enums import Recognition
from jury.models import FeedbackRound, Finalist, JuryMember
from jury.permissions import seat_for
from nominations.enums import NominationState
from voting.models import Vote, VoteCluster
from voting.permissions import can_review_votes, can_view_tally


@dataclass(frozen=True)
class Step:
    text: str
    url: str


@dataclass(frozen=True)
class YearOverview:
    competition: Competition
    phase: Phase
    deadline_label: str
    deadline: datetime | None
    deadline_is_last_day: bool
    nominations: int
    jurors: int
    jurors_done: int
    finalists: int
    votes: int | None
    failed_emails: int
    next_step: Step
    clusters_waiting: int = 0  # the vote's review, for those who decide on it


def year_overview(user) -> YearOverview | None:
    """For communications staff and the year's chair (the steps are the chair's or staff's
    according to who may take them); None for anyone else, or before any year exists."""
    competition = newest_competition()
    if competition is None:
        return None
    seat = seat_for(user, competition)
    is_chair = seat is not None and seat.is_chair
    if not (is_chair or can_follow_the_year(user)):
        return None
    phase = competition.phase
    nominations = competition.nominations.filter(state=NominationState.SUBMITTED).count()
    jurors, jurors_done = _jury_progress(competition)
    finalist_rows = Finalist.objects.filter(nomination__competition=competition).aggregate(
        total=Count("pk"),
        without_statement=Count("pk", filter=Q(statement="")),
        winners=Count("pk", filter=Q(recognition=Recognition.WINNER)),
    )
    votes = (
        Vote.objects.filter(competition=competition, removed_rule="").count()  # standing
        if can_view_tally(user, competition)
        else None
    )
    failed = OutgoingEmail.objects.filter(state=OutgoingEmail.State.FAILED).count()
    label, moment, last_day = _next_deadline(competition, phase)
    return YearOverview(
        competition=competition,
        phase=phase,
        deadline_label=label,
        deadline=moment,
        deadline_is_last_day=last_day,
        nominations=nominations,
        jurors=jurors,
        jurors_done=jurors_done,
        finalists=finalist_rows["total"],
        votes=votes,
        failed_emails=failed,
        next_step=_next_step(competition, phase, jurors, jurors_done, finalist_rows, is_chair),
        clusters_waiting=(
            VoteCluster.objects.filter(competition=competition, decision__isnull=True).count()
            if can_review_votes(user)
            else 0
        ),
    )


def _jury_progress(competition: Competition) -> tuple[int, int]:
    """Seats on the panel, and those who have marked their scoring done (``is_done``, as
    the panel's list and the publication preview count them)."""
    seats = list(JuryMember.objects.filter(competition=competition).only("done_at"))
    return len(seats), sum(1 for seat in seats if seat.is_done)


def _next_deadline(competition: Competition, phase: Phase) -> tuple[str, datetime | None, bool]:
    if phase == Phase.DRAFT:
        return _("Ehdotusaika alkaa"), competition.nomination_opens_at, False
    if phase == Phase.NOMINATION:
        return _("Ehdotusajan viimeinen päivä"), competition.nomination_closes_at, True
    if phase == Phase.REVIEW:
        return _("Arvioinnin viimeinen päivä"), competition.scoring_closes_at, True
    if phase == Phase.VOTING:
        return _("Äänestyksen viimeinen päivä"), competition.voting_closes_at, True
    return "", None, False


def _next_step(competition, phase, jurors, jurors_done, finalists, is_chair) -> Step:
    """The next thing the year needs. A step only the chair may take is put to the chair as
    a task and to staff as what they are waiting for."""
    admin = "admin:"
    if phase == Phase.DRAFT:
        return Step(
            _("Tarkista vuoden tekstit ja päivämäärät ennen ehdotusajan alkua."),
            reverse(f"{admin}hyvakaytanto_competition_change", args=[competition.pk]),
        )
    if phase == Phase.NOMINATION:
        if not jurors:
            return Step(
                _("Kutsu vuoden palkintoraati ennen ehdotusajan päättymistä."),
                reverse(f"{admin}jury_invitation_add"),
            )
        return Step(
            _("Ehdotuksia otetaan vastaan. Seuraa, mitä on tullut."),
            reverse(f"{admin}nominations_nomination_changelist"),
        )
    if phase == Phase.REVIEW:
        if competition.finalists_published_at is not None:
            return Step(
                _("Finalistit on julkistettu. Yleisöäänestys alkaa %(day)s.")
                % {"day": day_text(competition.voting_opens_at)},
                reverse("voting:finalists"),
            )
        if jurors_done < jurors or not jurors:
            return Step(
                _("Raati arvioi ehdotuksia: %(done)d / %(all)d on valmiina.")
                % {"done": jurors_done, "all": jurors},
                reverse(f"{admin}jury_rankingentry_changelist"),
            )
        if not finalists["total"]:
            return Step(
                _("Raati on valmis. Valitse finalistit pistejärjestyksestä.")
                if is_chair
                else _("Raati on valmis. Puheenjohtaja valitsee finalistit pistejärjestyksestä."),
                reverse(f"{admin}jury_rankingentry_changelist"),
            )
        if finalists["without_statement"]:
            count = {"count": finalists["without_statement"]}
            return Step(
                _("Kirjoita finalistien perustelut (%(count)d puuttuu).") % count
                if is_chair
                else _("Puheenjohtaja kirjoittaa finalistien perustelut (%(count)d puuttuu).")
                % count,
                reverse(f"{admin}jury_finalist_changelist"),
            )
        if is_chair:
            return Step(
                _("Finalistit ja perustelut ovat valmiina. Viestintä julkistaa ne."),
                reverse(f"{admin}jury_finalist_changelist"),
            )
        return Step(
            _("Julkista finalistit: äänestys avautuu ja ehdottajat saavat tiedon."),
            reverse(f"{admin}jury_finalist_changelist"),
        )
    if phase == Phase.VOTING:
        return Step(
            _("Yleisöäänestys on käynnissä. Tulos näkyy, kun äänestys on päättynyt."),
            reverse("voting:finalists"),
        )
    if phase == Phase.DELIBERATION:
        if not finalists["winners"]:
            return Step(
                _("Kirjaa raadin päätös: voittaja ja kunniakirjat.")
                if is_chair
                else _(
                    "Odotetaan raadin päätöstä: puheenjohtaja kirjaa voittajan ja kunniakirjat."
                ),
                reverse(f"{admin}jury_finalist_changelist"),
            )
        if is_chair:
            return Step(
                _("Päätös on kirjattu. Viestintä julkaisee tulokset."),
                reverse(f"{admin}jury_finalist_changelist"),
            )
        return Step(
            _("Julkaise tulokset (esikatselu ensin)."),
            reverse(f"{admin}archive_resultspublication_changelist"),
        )
    if not is_chair and not FeedbackRound.objects.filter(competition=competition).exists():
        return Step(
            _("Tulokset on julkaistu. Lähetä raadin palaute ehdottajille (esikatselu ensin)."),
            reverse(f"{admin}jury_feedbackround_changelist"),
        )
    if not is_chair:
        return Step(
            _("Tulokset on julkaistu. Luo seuraava kilpailuvuosi tämän pohjalta."),
            reverse(f"{admin}hyvakaytanto_competition_next", args=[competition.pk]),
        )
    return Step(
        _("Tulokset on julkaistu, ja ne näkyvät arkistossa."),
        reverse("archive:results", kwargs={"year": competition.year}),
    )
