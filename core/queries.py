from django.utils import timezone

from core.models import Competition, Criterion


def public_competition(now=None) -> Competition | None:
    """The year the public sees, on every public page: the newest year whose call for
    nominations has opened (one query). A published year has opened its call, so this is also
    the latest published year until the next call opens; a year in preparation is seen only by
    staff, in the front page's preview. None before any year has opened."""
    return (
        Competition.objects.filter(nomination_opens_at__lte=now or timezone.now())
        .order_by("-year")
        .first()
    )


def newest_competition() -> Competition | None:
    """The newest year set up, in preparation or not: the one the staff home is about."""
    return Competition.objects.order_by("-year").first()


def criteria():
    return Criterion.objects.order_by("number")
