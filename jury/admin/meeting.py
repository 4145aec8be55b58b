"""The jury's meeting: the agenda the site proposes and the chair arranges, each item with the
panel's anonymised scores, comments and chance of staying in the top N, and the chair's note.
Every juror of the year follows the same page; only the chair changes it."""

import re
from datetime import datetime, time

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext

from jury import permissions, services, statistics
from jury.admin.access import has_seat, message_refusal
from jury.enums import SCORE_MAX, SCORE_MIN
from jury.models import AgendaItem, OverallComment, RevisionRound, Score, ScoreRevision
from nominations.enums import NominationState
from nominations.models import Nomination


def _meeting_year(request):
    """The year whose meeting the user follows: their newest open seat's."""
    seat = (
        permissions.open_seats(request.user)
        .select_related("competition")
        .order_by("-competition__year")
        .first()
    )
    return seat.competition if seat else None


def _add_revisions(details: list[dict], seat, typed: dict) -> None:
    """Each item's revisions (anonymous: criterion, before, after, reason) and, while the
    round is open, the juror's own scores for the revision form (what they typed, after a
    refusal)."""
    ids = [row["item"].nomination_id for row in details]
    revisions: dict = {}
    for revision in (
        ScoreRevision.objects.filter(
            score__nomination_id__in=ids, score__juror__competition=details[0]["item"].competition
        ).select_related("score__criterion")
        if details
        else []
    ):
        revisions.setdefault(revision.score.nomination_id, []).append(revision)
    own: dict = {}
    if seat is not None:
        for nomination, number, value in Score.objects.filter(
            juror=seat, nomination_id__in=ids
        ).values_list("nomination_id", "criterion__number", "value"):
            own.setdefault(nomination, {})[number] = value
    for row in details:
        item = row["item"]
        row["revisions"] = revisions.get(item.nomination_id, [])
        kept = typed.get(item.pk, {})
        mine = {**own.get(item.nomination_id, {}), **kept.get("values", {})}
        row["own"] = sorted(mine.items()) if seat is not None and item.nomination_id in own else []
        row["reason"] = kept.get("reason", "")


def _details(competition, items, report) -> list[dict]:
    """Per item: the panel's scores per criterion as counts of each value (no names), the
    comments (no names, in a fixed order that says nothing of who wrote which), and the
    chance of staying in the top N."""
    ids = [item.nomination_id for item in items]
    counts: dict = {}
    for nomination, criterion, value, n in (
        Score.objects.filter(nomination_id__in=ids, juror__competition=competition)
        .values_list("nomination_id", "criterion__number", "value")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(nomination, {}).setdefault(criterion, {})[value] = n
    comments: dict = {}
    for nomination, text in (
        Score.objects.filter(nomination_id__in=ids, juror__competition=competition)
        .exclude(comment="")
        .values_list("nomination_id", "comment")
    ):
        comments.setdefault(nomination, []).append(text)
    for nomination, text in OverallComment.objects.filter(
        nomination_id__in=ids, juror__competition=competition
    ).values_list("nomination_id", "text"):
        comments.setdefault(nomination, []).append(text)
    values = list(range(SCORE_MIN, SCORE_MAX + 1))
    return [
        {
            "item": item,
            "values": values,
            "criteria": [
                (number, [cells.get(value, 0) for value in values])
                for number, cells in sorted(counts.get(item.nomination_id, {}).items())
            ],
            "comments": sorted(comments.get(item.nomination_id, [])),
            "top_percent": round(100 * report.top_probability.get(item.nomination_id, 0.0)),
        }
        for item in items
    ]


@admin.register(AgendaItem)
class MeetingAdmin(admin.ModelAdmin):
    """One page: the meeting. No add, change or delete pages; the chair's changes are POSTs
    to the page itself, each a service call (jury/services/meeting.py)."""

    def has_module_permission(self, request) -> bool:
        return has_seat(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None and has_seat(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        competition = _meeting_year(request)
        if competition is None:
            raise Http404
        chair = permissions.can_run_meeting(request.user, competition)
        seat = permissions.seat_for(request.user, competition)
        typed = {}
        if request.method == "POST" and "tarkista" in request.POST:
            # A juror's revision: refused with what they typed kept on the page.
            typed = self._revise(request, seat)
            if not typed:
                return redirect(request.path)
        elif request.method == "POST":
            if not chair:
                raise PermissionDenied
            try:
                self._act(request, competition)
            except ValidationError as refused:
                message_refusal(request, refused)
            return redirect(request.path)
        items = list(
            AgendaItem.objects.filter(competition=competition)
            .select_related("nomination")
            .order_by("position")
        )
        report = statistics.reliability(competition.pk, top_n=competition.finalist_count)
        on_agenda = {item.nomination_id for item in items}
        revision = RevisionRound.objects.filter(competition=competition).first()
        revising = revision is not None and revision.is_open() and seat is not None
        details = _details(competition, items, report)
        _add_revisions(details, seat if revising else None, typed)
        moved = [p for p in statistics.placements(competition.pk) if p.moved]
        names = dict(
            Nomination.objects.filter(pk__in=[p.nomination_id for p in moved]).values_list(
                "pk", "practice_name"
            )
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "revision": revision,
            "revising": revising,
            "moved": [(names.get(p.nomination_id, ""), p) for p in moved],
            "title": gettext("Raadin kokous – Hyvä käytäntö %(year)s") % {"year": competition.year},
            "competition": competition,
            "chair": chair,
            "ready": services.agenda_ready(competition),
            "items": details,
            "top_n": competition.finalist_count,
            "addable": Nomination.objects.filter(
                competition=competition, state=NominationState.SUBMITTED
            )
            .exclude(pk__in=on_agenda)
            .order_by("practice_name")
            if chair
            else [],
        }
        return TemplateResponse(request, "admin/jury/agendaitem/meeting.html", context)

    def _revise(self, request, seat) -> dict:
        """Save a juror's revision; on a refusal, what they typed (to show again), else {}."""
        post = request.POST
        item_id = post.get("kohta", "")
        if seat is None or not re.fullmatch(r"[0-9]{1,12}", item_id):
            raise Http404
        item = AgendaItem.objects.filter(pk=int(item_id), competition=seat.competition).first()
        if item is None:
            raise Http404
        values = {}
        for name, value in post.items():
            number = re.fullmatch(r"k([0-9]{1,2})", name)
            if number and re.fullmatch(r"[0-9]", value):
                values[int(number.group(1))] = int(value)
        try:
            services.score_revise(
                seat=seat,
                nomination_id=item.nomination_id,
                values=values,
                reason=post.get("perustelu", ""),
            )
        except ValidationError as refused:
            message_refusal(request, refused)
            return {item.pk: {"values": values, "reason": post.get("perustelu", "")}}
        messages.success(request, gettext("Tarkistus tallennettu perusteluineen."))
        return {}

    def _act(self, request, competition) -> None:
        post = request.POST
        if "avaa_tarkistus" in post:
            try:
                day = parse_date(post.get("paattyy", "") or "")
            except ValueError:  # a date that does not exist, e.g. 30.2.
                day = None
            if day is None:
                raise ValidationError(gettext("Anna tarkistuskierroksen viimeinen päivä."))
            services.revision_open(
                competition=competition,
                closes_at=timezone.make_aware(datetime.combine(day, time(23, 59))),
                by=request.user,
            )
            messages.success(request, gettext("Tarkistuskierros on auki."))
            return
        if "ehdota" in post:
            added = services.agenda_propose(competition=competition, by=request.user)
            messages.success(
                request, gettext("Asialistalle lisättiin %(count)d ehdotusta.") % {"count": added}
            )
            return
        if "lisaa" in post:
            number = post.get("nomination", "")
            if not re.fullmatch(r"[0-9]{1,12}", number):
                raise ValidationError(gettext("Valitse tämän vuoden ehdotus."))
            services.agenda_add(competition=competition, nomination_id=int(number), by=request.user)
            return
        item_id = post.get("kohta", "")
        if not re.fullmatch(r"[0-9]{1,12}", item_id):
            raise Http404
        item = AgendaItem.objects.filter(pk=int(item_id), competition=competition).first()
        if item is None:
            raise Http404
        if "poista" in post:
            services.agenda_remove(item=item, by=request.user)
            return
        # The note goes with every button of its item, so a move never loses what was typed.
        if "muistiinpano" in post and post["muistiinpano"].strip() != item.note:
            services.agenda_note(item=item, text=post["muistiinpano"], by=request.user)
            messages.success(request, gettext("Muistiinpano tallennettu."))
        if "ylos" in post or "alas" in post:
            services.agenda_move(item=item, by=request.user, up="ylos" in post)
