import hashlib
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, JSONObject

from core.models import Criterion
from jury.enums import DISAGREEMENT
from jury.models import ConflictOfInterest, Invitation, JuryMember, OverallComment, Score
from nominations.enums import NominationState
from nominations.models import Attachment, CriterionAnswer, Nomination


def criterion_numbers() -> list[int]:
    return list(Criterion.objects.order_by("number").values_list("number", flat=True))


# The golden ratio's fraction: successive multiples of it, taken modulo 1, spread as evenly as
# any sequence can, whatever the number of jurors (a low-discrepancy sequence).
_GOLDEN = (5**0.5 - 1) / 2


def juror_order(*, competition_id: int, nomination_ids, seat_rank: int) -> list[int]:
    """The order in which the juror with ``seat_rank`` (0 for the year's first seat, 1 for the
    next…) meets the year's nominations.

    Scores drift with the position in which an entry is met, so a fixed order would favour or
    hurt the same nominations for everyone. Each juror gets a rotation of one shuffled list
    (a Latin-square design), starting at an offset spread evenly round the list: every
    nomination comes early for some jurors and late for others. The same for a juror at every
    visit: the shuffle is a hash of the year and the nomination, the offset depends on the
    seat's rank only.
    """
    base = sorted(
        nomination_ids,
        key=lambda pk: hashlib.sha256(f"{competition_id}:{pk}".encode()).hexdigest(),
    )
    if not base:
        return []
    offset = int(seat_rank * len(base) * _GOLDEN) % len(base)
    return base[offset:] + base[:offset]


def juror_positions(user) -> dict[int, int]:
    """Each nomination's position in the user's own order, over every panel they sit on
    (two queries per seat; a juror has one seat a year)."""
    positions = {}
    for seat in JuryMember.objects.filter(
        user=user, competition__results_published_at__isnull=True
    ).only("pk", "competition_id"):
        ids = Nomination.objects.filter(
            competition_id=seat.competition_id, state=NominationState.SUBMITTED
        ).values_list("pk", flat=True)
        rank = JuryMember.objects.filter(competition_id=seat.competition_id, pk__lt=seat.pk)
        order = juror_order(
            competition_id=seat.competition_id, nomination_ids=list(ids), seat_rank=rank.count()
        )
        positions.update({pk: n for n, pk in enumerate(order)})
    return positions


def seat_positions(competition_id: int) -> dict[int, dict[int, int]]:
    """For each seat on the year's panel, each nomination's position in that juror's own order
    (``juror_order``). Two queries."""
    ids = list(
        Nomination.objects.filter(
            competition_id=competition_id, state=NominationState.SUBMITTED
        ).values_list("pk", flat=True)
    )
    seats = JuryMember.objects.filter(competition_id=competition_id).order_by("pk")
    return {
        seat: {
            pk: n
            for n, pk in enumerate(
                juror_order(competition_id=competition_id, nomination_ids=ids, seat_rank=rank)
            )
        }
        for rank, seat in enumerate(seats.values_list("pk", flat=True))
    }


def nominations_for_juror(user) -> QuerySet[Nomination]:
    """Nominations in the years whose panel the user sits on, each with the user's own state,
    newest year first and within a year in the juror's own order (``juror_order``).

    Annotates ``my_scores`` (how many criteria this juror has scored), ``my_conflict``,
    ``my_done`` and ``position``. The list is one query, however many nominations (plus two
    per seat for the order).
    """
    criteria_count = Criterion.objects.count()
    positions = juror_positions(user)
    position = (
        Case(
            *(When(pk=pk, then=Value(n)) for pk, n in positions.items()),
            default=Value(len(positions)),
            output_field=IntegerField(),
        )
        if positions
        else Value(0, output_field=IntegerField())
    )
    return (
        Nomination.objects.filter(
            competition__jury_members__user=user,
            competition__results_published_at__isnull=True,
            state=NominationState.SUBMITTED,
        )
        .select_related("competition")
        .annotate(
            my_scores=Count("scores", filter=Q(scores__juror__user=user), distinct=True),
            my_conflict=Exists(
                ConflictOfInterest.objects.filter(nomination=OuterRef("pk"), juror__user=user)
            ),
        )
        .annotate(
            my_done=ExpressionWrapper(
                Q(my_conflict=True) | Q(my_scores__gte=criteria_count), output_field=BooleanField()
            ),
            position=position,
        )
        .order_by("-competition__year", "position", "pk")
    )


def next_for_juror(user, *, after=None, competition=None) -> Nomination | None:
    """The first nomination in the juror's order, in the newest year they sit on (or in
    ``competition``), that they have neither scored fully nor declared a conflict with
    (``after`` left out)."""
    remaining = nominations_for_juror(user).filter(my_done=False)
    if competition is not None:
        remaining = remaining.filter(competition=competition)
    if after is not None:
        remaining = remaining.filter(competition_id=after.competition_id).exclude(pk=after.pk)
    return remaining.first()


def juror_progress(competition_ids) -> QuerySet[JuryMember]:
    """Each juror with ``scored`` (nominations scored fully), ``nomination_total`` (the year's
    nominations in the competition) and ``conflict_count``. A score sheet is saved whole, so
    scored nominations = scores / criteria. One query for the list (and one for the count of
    criteria)."""
    criteria_count = Criterion.objects.count() or 1
    in_competition = (
        Nomination.objects.filter(
            competition=OuterRef("competition"), state=NominationState.SUBMITTED
        )
        .values("competition")
        .annotate(count=Count("pk"))
        .values("count")
    )
    conflicts = (
        ConflictOfInterest.objects.filter(juror=OuterRef("pk"))
        .values("juror")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        JuryMember.objects.filter(competition_id__in=competition_ids)
        .select_related("user", "competition")
        .annotate(
            scored=Count("scores") / Value(criteria_count),
            nomination_total=Coalesce(Subquery(in_competition, output_field=IntegerField()), 0),
            conflict_count=Coalesce(Subquery(conflicts, output_field=IntegerField()), 0),
        )
    )


def _greatest(expressions: list):
    return Greatest(*expressions) if len(expressions) > 1 else expressions[0]


def ranking(nominations: QuerySet[Nomination] | None = None) -> QuerySet[Nomination]:
    """Nominations with their scores aggregated in PostgreSQL, best total first.

    Annotates, per criterion number n, ``mean_n``, ``spread_n`` (max − min) and ``count_n``;
    ``total`` (the sum of the criterion means, 4–20; empty until every criterion has a
    score), ``juror_count`` (jurors who scored), ``conflict_count``, ``max_spread`` and
    ``disagreement`` (some criterion's spread is 3 or more). Conflicted jurors have no scores
    (declaring a conflict removes them), so every mean counts only jurors without a conflict.
    One query, whatever the number of nominations.
    """
    nominations = nominations if nominations is not None else Nomination.objects.all()
    ids_by_number = dict(Criterion.objects.order_by("number").values_list("number", "pk"))
    numbers = list(ids_by_number)
    aggregates = {}
    for n in numbers:
        # By id, not number: filtering on the criterion's number would join its table per row.
        on_criterion = Q(scores__criterion_id=ids_by_number[n])
        value = Cast("scores__value", FloatField())
        aggregates[f"mean_{n}"] = Avg(value, filter=on_criterion)
        aggregates[f"spread_{n}"] = Max("scores__value", filter=on_criterion) - Min(
            "scores__value", filter=on_criterion
        )
        aggregates[f"count_{n}"] = Count("scores", filter=on_criterion)
    # A subquery, not a join: joining conflicts would repeat every score row.
    conflicts = (
        ConflictOfInterest.objects.filter(nomination=OuterRef("pk"))
        .values("nomination")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        nominations.filter(state=NominationState.SUBMITTED)
        .annotate(**aggregates)
        .annotate(
            total=sum((F(f"mean_{n}") for n in numbers[1:]), F(f"mean_{numbers[0]}")),
            # One score per juror and criterion (a constraint), so the jurors who scored are
            # the largest per-criterion count: no COUNT(DISTINCT), which sorts every score.
            juror_count=_greatest([F(f"count_{n}") for n in numbers]),
            max_spread=_greatest([F(f"spread_{n}") for n in numbers]),
            conflict_count=Coalesce(Subquery(conflicts, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            disagreement=ExpressionWrapper(
                Q(max_spread__gte=Value(DISAGREEMENT)), output_field=BooleanField()
            )
        )
        .select_related("competition")
        .order_by(F("total").desc(nulls_last=True), "practice_name")
    )


@dataclass(frozen=True)
class SheetAnswer:
    criterion: Criterion
    text: str


@dataclass(frozen=True)
class SheetAttachment:
    pk: int
    original_name: str
    size: int


@dataclass(frozen=True)
class PanelRow:
    """One juror's scores for the nomination, a value per criterion in number order."""

    juror: str
    values: tuple
    comments: tuple


@dataclass(frozen=True)
class ScoreSheet:
    """Everything the juror's scoring screen shows, read in one query (``score_sheet``).

    ``panel`` and ``panel_comments`` hold the other jurors' work whatever the viewer may see:
    ``permissions.can_see_panel_scores`` decides what is shown.
    """

    nomination: Nomination
    seat: JuryMember
    conflict_reason: str | None
    criteria: tuple
    answers: tuple
    attachments: tuple
    own_scores: tuple
    own_overall: str
    own_overall_shared: bool
    panel: tuple
    panel_comments: tuple
    # For the way on: the year's nominations, the seats (by pk), and what this juror is done with.
    nomination_ids: tuple
    seat_ids: tuple
    done_ids: frozenset

    @property
    def scored_fully(self) -> bool:
        return len(self.own_scores) >= len(self.criteria)

    def next_after(self) -> int | None:
        """The id of the nomination to open after this one: the first in the juror's own
        order that they are not done with (``next_for_juror``, without another query)."""
        order = juror_order(
            competition_id=self.nomination.competition_id,
            nomination_ids=self.nomination_ids,
            seat_rank=self.seat_ids.index(self.seat.pk),
        )
        done = self.done_ids | {self.nomination.pk}
        return next((pk for pk in order if pk not in done), None)


def _json_array(queryset, **fields):
    return ArraySubquery(queryset.values(json=JSONObject(**fields)))


def score_sheet(user, nomination_id) -> ScoreSheet | None:
    """The scoring screen's data for a nomination on a panel the user sits on, or None.

    One query (``_sheet_row``); the rest is arranging its row for the screen.
    """
    row = _sheet_row(user, nomination_id)
    if row is None:
        return None
    criteria = tuple(Criterion(**fields) for fields in row.criteria_json)
    return ScoreSheet(
        nomination=row,
        seat=JuryMember(
            pk=row.seat_id,
            competition=row.competition,
            user=user,
            role=row.seat_role,
            done_at=row.seat_done_at,
        ),
        conflict_reason=row.conflict_reason,
        criteria=criteria,
        answers=_answers(row.answers_json, criteria),
        attachments=tuple(
            SheetAttachment(a["pk"], a["name"], a["size"]) for a in row.attachments_json
        ),
        own_scores=tuple(
            Score(
                criterion_id=s["criterion"],
                value=s["value"],
                comment=s["comment"],
                shared_with_nominee=s["shared"],
            )
            for s in row.own_json
        ),
        own_overall=row.own_overall or "",
        own_overall_shared=bool(row.own_overall_shared),
        panel=_panel(row.panel_json, criteria),
        panel_comments=tuple((_name(c), c["text"]) for c in row.comments_json),
        nomination_ids=tuple(row.nomination_ids),
        seat_ids=tuple(row.seat_ids),
        done_ids=frozenset(s["nomination"] for s in row.scored_json if s["scores"] >= len(criteria))
        | frozenset(row.conflict_ids),
    )


def _sheet_row(user, nomination_id) -> Nomination | None:
    """The nomination, joined to the user's seat on its year's panel (no seat, no row) and to
    their conflict and overall comment on it; the lists the screen shows (criteria, answers,
    attachments, the user's and the panel's scores, comments, the year's progress) come along
    as arrays of JSON objects. Criteria, being four fixed rows, ride in the same query rather
    than costing one of their own."""
    in_year = {"juror__user": user, "nomination__competition": OuterRef("competition")}
    panel = Score.objects.filter(nomination=OuterRef("pk")).order_by(
        "juror__user__last_name", "juror__user__username", "criterion_id"
    )
    return (
        Nomination.objects.filter(
            pk=nomination_id,
            state=NominationState.SUBMITTED,
            # A seat opens the sheet until the year's results are published.
            competition__results_published_at__isnull=True,
        )
        .annotate(
            seat=FilteredRelation(
                "competition__jury_members", condition=Q(competition__jury_members__user=user)
            )
        )
        .filter(seat__isnull=False)
        .annotate(
            own_conflict=FilteredRelation("conflicts", condition=Q(conflicts__juror=F("seat__pk"))),
            own_comment=FilteredRelation(
                "jury_comments", condition=Q(jury_comments__juror=F("seat__pk"))
            ),
        )
        .select_related("competition")
        .annotate(
            seat_id=F("seat__pk"),
            seat_role=F("seat__role"),
            seat_done_at=F("seat__done_at"),
            conflict_reason=F("own_conflict__reason"),
            own_overall=F("own_comment__text"),
            own_overall_shared=F("own_comment__shared_with_nominee"),
            criteria_json=_json_array(
                Criterion.objects.order_by("number"),
                pk="pk",
                number="number",
                name_fi="name_fi",
                name_sv="name_sv",
                name_en="name_en",
                guidance_fi="guidance_fi",
                guidance_sv="guidance_sv",
                guidance_en="guidance_en",
            ),
            answers_json=_json_array(
                CriterionAnswer.objects.filter(nomination=OuterRef("pk")),
                criterion="criterion_id",
                text="text",
            ),
            attachments_json=_json_array(
                Attachment.objects.filter(nomination=OuterRef("pk")).order_by("pk"),
                pk="pk",
                name="original_name",
                size="size",
            ),
            own_json=_json_array(
                Score.objects.filter(
                    nomination=OuterRef("pk"), juror=OuterRef("seat__pk")
                ).order_by("criterion__number"),
                criterion="criterion_id",
                value="value",
                comment="comment",
                shared="shared_with_nominee",
            ),
            panel_json=_json_array(
                panel,
                juror="juror_id",
                first="juror__user__first_name",
                last="juror__user__last_name",
                username="juror__user__username",
                criterion="criterion_id",
                value="value",
                comment="comment",
            ),
            comments_json=_json_array(
                OverallComment.objects.filter(nomination=OuterRef("pk")).order_by("juror_id"),
                first="juror__user__first_name",
                last="juror__user__last_name",
                username="juror__user__username",
                text="text",
            ),
            nomination_ids=ArraySubquery(
                Nomination.objects.filter(
                    competition=OuterRef("competition"), state=NominationState.SUBMITTED
                ).values("pk")
            ),
            seat_ids=ArraySubquery(
                JuryMember.objects.filter(competition=OuterRef("competition"))
                .order_by("pk")
                .values("pk")
            ),
            scored_json=ArraySubquery(
                Score.objects.filter(**in_year)
                .values("nomination")
                .annotate(scores=Count("pk"))
                .values(json=JSONObject(nomination="nomination", scores="scores"))
            ),
            conflict_ids=ArraySubquery(
                ConflictOfInterest.objects.filter(**in_year).values("nomination")
            ),
        )
        .first()
    )


def _name(person: dict) -> str:
    return f"{person['first']} {person['last']}".strip() or person["username"]


def _answers(answers: list[dict], criteria: tuple) -> tuple:
    """The nomination's answers in the criteria's order."""
    by_id = {criterion.pk: criterion for criterion in criteria}
    return tuple(
        SheetAnswer(by_id[a["criterion"]], a["text"])
        for a in sorted(answers, key=lambda a: by_id[a["criterion"]].number)
    )


def _panel(scores: list[dict], criteria: tuple) -> tuple:
    """Each juror's row: a value per criterion in number order, and their comments."""
    jurors: dict[int, dict] = {}
    for score in scores:
        juror = jurors.setdefault(
            score["juror"], {"name": _name(score), "values": {}, "comments": {}}
        )
        juror["values"][score["criterion"]] = score["value"]
        juror["comments"][score["criterion"]] = score["comment"]
    return tuple(
        PanelRow(
            juror=juror["name"],
            values=tuple(juror["values"].get(c.pk, "–") for c in criteria),
            comments=tuple(
                f"{c.number}: {juror['comments'][c.pk]}"
                for c in criteria
                if juror["comments"].get(c.pk)
            ),
        )
        for juror in jurors.values()
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token`` (used, revoked or expired too), or None."""
    if not token or len(token) > 100:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return Invitation.objects.select_related("competition").filter(token_hash=digest).first()
