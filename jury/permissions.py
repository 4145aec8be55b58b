"""Who may do what in the jury's work. Plain predicates shared by the admin, views and tests.

A juror is a staff user with a seat (JuryMember) on the competition's panel. Staff without a
seat see the jury's work only through the model permissions named here.
"""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from core.enums import Phase
from core.models import Competition
from jury.enums import JuryRole
from jury.models import JuryMember

# A seat opens the jury's screens until its year's results are published; after that the
# juror's work stays in the history, and only a seat on a later panel lets them back in.
SEAT_IN_AN_OPEN_YEAR = Q(competition__results_published_at__isnull=True)


def open_seats(user):
    """The user's seats on the panels of years whose results are not yet published."""
    return JuryMember.objects.filter(SEAT_IN_AN_OPEN_YEAR, user=user)


def seat_for(user, competition: Competition) -> JuryMember | None:
    """The user's seat on the competition's panel (one query), or None."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    return JuryMember.objects.filter(user=user, competition=competition).first()


def scoring_is_open(competition: Competition, now: datetime | None = None) -> bool:
    """Scoring runs from the close of nominations to the scoring deadline (server time)."""
    now = now or timezone.now()
    return competition.nomination_closes_at <= now < competition.scoring_closes_at


def can_score(sheet, *, now: datetime | None = None) -> bool:
    """On the scoring screen (``sheet`` from ``queries.score_sheet``): a juror scores while
    scoring is open, unless they declared a conflict or marked their work done."""
    return (
        sheet.seat.done_at is None
        and sheet.conflict_reason is None
        and scoring_is_open(sheet.nomination.competition, now)
    )


def can_see_panel_scores(sheet) -> bool:
    """Blind until done: a juror sees the others' scores only after scoring the nomination
    fully (the chair at once), and never for a nomination they declared a conflict with."""
    if sheet.conflict_reason is not None:
        return False
    return sheet.seat.is_chair or sheet.scored_fully


def sits_on_a_panel(user) -> bool:
    """Whether the user has a seat on a panel whose year's results are not yet published
    (one query): what opens the jury's screens."""
    return bool(user.is_authenticated and user.is_active and open_seats(user).exists())


def years_chaired_by(user) -> list[Competition]:
    """The years whose panel the user chairs, until their results are published (one query)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    return list(
        Competition.objects.filter(
            jury_members__user=user,
            jury_members__role=JuryRole.CHAIR,
            results_published_at__isnull=True,
        )
    )


def can_oversee_jury(user) -> bool:
    """Staff with the ranking permission follow every year's scores and history."""
    return bool(user.is_active and user.is_staff and user.has_perm("jury.view_ranking"))


def can_invite(user) -> bool:
    """Communications staff invite jurors, the chair and colleagues (accounts by invitation)."""
    return bool(user.is_active and user.is_staff and user.has_perm("jury.add_invitation"))


def can_seat_jurors(user) -> bool:
    """Communications staff seat jurors on any year's panel."""
    return bool(user.is_active and user.is_staff and user.has_perm("jury.change_jurymember"))


def years_overseen_by(user, *, seated: bool | None = None) -> list[int]:
    """The years whose ranking and panel the user may follow: every year for staff who
    oversee the jury without sitting on a panel, otherwise the years they chair.
    ``seated`` passes on ``sits_on_a_panel(user)`` when the caller already knows it."""
    if not user.is_authenticated:
        return []
    if seated is None:
        seated = sits_on_a_panel(user)
    if can_oversee_jury(user) and not seated:
        years = Competition.objects.all()
    else:
        years = Competition.objects.filter(
            jury_members__user=user,
            jury_members__role=JuryRole.CHAIR,
            results_published_at__isnull=True,
        )
    return list(years.values_list("pk", flat=True))


def shortlist_is_open(competition: Competition) -> bool:
    """Finalists are chosen until they are published."""
    return competition.finalists_published_at is None


def decision_is_open(competition: Competition) -> bool:
    """The jury's decision is recorded once voting has closed, until the results are out."""
    return competition.phase == Phase.DELIBERATION


def can_shortlist(user, competition: Competition) -> bool:
    """Only the year's chair shortlists, and only until the finalists are published."""
    seat = seat_for(user, competition)
    return seat is not None and seat.is_chair and shortlist_is_open(competition)


def can_decide(user, competition: Competition) -> bool:
    """The chair records the jury's decision once voting has closed, until results are out."""
    seat = seat_for(user, competition)
    return seat is not None and seat.is_chair and decision_is_open(competition)


def can_publish_finalists(user) -> bool:
    """Communications staff publish the chair's finalists (opening the vote)."""
    return bool(user.is_active and user.is_staff and user.has_perm("jury.publish_finalists"))


def can_set_finalist_picture(user) -> bool:
    """Communications staff add a finalist's picture (or replace or remove it), any time."""
    return bool(user.is_active and user.is_staff and user.has_perm("jury.set_finalist_picture"))


def can_send_feedback(user) -> bool:
    """Communications staff send the jury's feedback to nominees (after the results)."""
    return bool(user.is_active and user.is_staff and user.has_perm("jury.send_feedback"))


def can_reopen_scoring(user, seat: JuryMember) -> bool:
    """The year's chair reopens a juror's finished sheets, until the scoring deadline."""
    chair = seat_for(user, seat.competition)
    return chair is not None and chair.is_chair and scoring_is_open(seat.competition)


def agenda_is_open(competition: Competition) -> bool:
    """The meeting's agenda is worked on until the finalists are published."""
    return competition.finalists_published_at is None


def can_run_meeting(user, competition: Competition) -> bool:
    """The year's chair sets the agenda and writes the notes, until the finalists are out."""
    seat = seat_for(user, competition)
    return seat is not None and seat.is_chair and agenda_is_open(competition)


def can_follow_meeting(user, competition: Competition) -> bool:
    """Every juror of the year follows the agenda on their own screen."""
    return seat_for(user, competition) is not None
