from core.models import Competition, Criterion


def current_competition() -> Competition | None:
    """The competition the front page is about: the newest year that has been set up."""
    return Competition.objects.order_by("-year").first()


def criteria():
    return Criterion.objects.order_by("number")
