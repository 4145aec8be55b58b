from collections.abc import Iterable

import tablib
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.models import Competition, Criterion
from nominations.enums import NominationState
from nominations.models import CriterionAnswer, Nomination, NominationDraft, hash_token


def nomination_for_token(token: str) -> Nomination | None:
    """The nomination behind a private link, with everything its page shows (3 queries)."""
    return (
        Nomination.objects.select_related("competition")
        .prefetch_related(
            Prefetch("answers", queryset=CriterionAnswer.objects.select_related("criterion")),
            "attachments",
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def contact_address_in(emails: Iterable[str]) -> Q:
    """Rows whose contact address is one of these, in any letter case; with no address, no
    row (an empty condition would match everybody's)."""
    query = Q(pk__in=[])
    for email in emails:
        if email:
            query |= Q(contact_email__iexact=email)
    return query


def draft_for_token(token: str) -> NominationDraft | None:
    """The draft behind a private draft link, with its competition (one query)."""
    return (
        NominationDraft.objects.select_related("competition")
        .filter(token_hash=hash_token(token))
        .first()
    )


def nominations_per_competition() -> QuerySet[Competition]:
    """Each competition year with its nomination counts (one query), for staff."""
    live = ~Q(nominations__state=NominationState.WITHDRAWN)
    return Competition.objects.annotate(
        nominations_total=Count("nominations"),
        nominations_live=Count("nominations", filter=live),
        nominations_ineligible=Count(
            "nominations", filter=Q(nominations__state=NominationState.INELIGIBLE)
        ),
    ).order_by("-year")


def export_dataset(competition: Competition) -> tablib.Dataset:
    """The competition's nominations with their answers, one row each (3 queries)."""
    criteria = list(Criterion.objects.order_by("number"))
    nominations = (
        Nomination.objects.filter(competition=competition)
        .prefetch_related("answers")
        .annotate(attachment_count=Count("attachments"))
        .order_by("submitted_at", "pk")
    )
    dataset = tablib.Dataset(
        headers=[
            "Käytäntö",
            "Lyhyt kuvaus",
            "Organisaatiot",
            "Alue",
            "Kohderyhmä",
            "Innokylä",
            *[f"{c.number}. {c.name_fi}" for c in criteria],
            "Liitteitä",
            "Yhteyshenkilö",
            "Tehtävänimike",
            "Sähköposti",
            "Puhelin",
            "Tila",
            "Lähetetty",
        ],
        title=f"Ehdotukset {competition.year}",
    )
    for nomination in nominations:
        answers = {a.criterion_id: a.text for a in nomination.answers.all()}
        row = [
            nomination.practice_name,
            nomination.summary,
            nomination.organisations,
            nomination.get_region_display(),
            nomination.target_group,
            nomination.innokyla_url,
            *[answers.get(c.pk, "") for c in criteria],
            nomination.attachment_count,
            nomination.contact_name,
            nomination.contact_title,
            nomination.contact_email,
            nomination.contact_phone,
            nomination.get_state_display(),
            timezone.localtime(nomination.submitted_at).strftime("%d.%m.%Y %H.%M"),
        ]
        dataset.append(row)
    return dataset


def nominator_data(emails: set[str]) -> dict:
    """Everything held about the contact person(s) with these e-mail addresses, for a data
    subject's access request: every nomination they made, in every year, with its answers
    and the names of its attachments. Plain JSON-ready values."""
    query = contact_address_in(emails)
    nominations = (
        Nomination.objects.filter(query)
        .select_related("competition")
        .prefetch_related(
            Prefetch("answers", queryset=CriterionAnswer.objects.select_related("criterion")),
            "attachments",
        )
        .order_by("submitted_at")
    )
    drafts = (
        NominationDraft.objects.filter(query).select_related("competition").order_by("created_at")
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "emails": sorted(emails),
        "nominations": [
            {
                "year": n.competition.year,
                "contact": {
                    "name": n.contact_name,
                    "title": n.contact_title,
                    "email": n.contact_email,
                    "phone": n.contact_phone,
                    "language": n.language,
                },
                "practice_name": n.practice_name,
                "summary": n.summary,
                "organisations": n.organisations,
                "region": n.region,
                "innokyla_url": n.innokyla_url,
                "target_group": n.target_group,
                "answers": {a.criterion.name_fi: a.text for a in n.answers.all()},
                "attachments": [
                    {"name": a.original_name, "size": a.size, "uploaded_at": a.uploaded_at}
                    for a in n.attachments.all()
                ],
                "state": n.state,
                "ineligible_reason": n.ineligible_reason,
                "submitted_at": n.submitted_at,
                "updated_at": n.updated_at,
                "withdrawn_at": n.withdrawn_at,
                "publish_consent": n.publish_consent,
                "privacy_acknowledged_at": n.privacy_acknowledged_at,
            }
            for n in nominations
        ],
        "drafts": [
            {
                "year": d.competition.year,
                "email": d.contact_email,
                "language": d.language,
                "texts": d.data,
                "created_at": d.created_at,
                "updated_at": d.updated_at,
            }
            for d in drafts
        ],
    }
