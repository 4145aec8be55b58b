"""What the jury's admin screens ask about the signed-in user, and how they report a refusal.

The admin asks whether the user may see a screen many times a page (the menu, each model's
permissions, each action), so the answers are kept on the user object for the request, as
Django's own ``ModelBackend`` keeps a user's permissions (``_perm_cache``): each is one query
the first time and free after it. A new request loads the user anew.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError

from core.models import Competition
from jury import permissions

_KEPT = "_jury_access"


def _kept(user, name: str, compute):
    kept = getattr(user, _KEPT, None)
    if kept is None:
        kept = {}
        setattr(user, _KEPT, kept)
    if name not in kept:
        kept[name] = compute()
    return kept[name]


def has_seat(request) -> bool:
    """Whether the user sits on any panel (``permissions.sits_on_a_panel``)."""
    # The admin asks this for the anonymous visitor of its login page too.
    return _kept(request.user, "seat", lambda: permissions.sits_on_a_panel(request.user))


def visible_competition_ids(request) -> list[int]:
    """The years whose ranking and panel the user may follow (``permissions.years_overseen_by``)."""
    return _kept(
        request.user,
        "overseen",
        lambda: permissions.years_overseen_by(request.user, seated=has_seat(request)),
    )


def chaired_years(request) -> list[Competition]:
    """The years the user chairs (``permissions.years_chaired_by``)."""
    return _kept(request.user, "chaired", lambda: permissions.years_chaired_by(request.user))


def chairs_a_year_where(request, is_open) -> bool:
    """Whether the user chairs a year in which ``is_open(year)``: the chair's actions."""
    return any(is_open(competition) for competition in chaired_years(request))


def message_refusal(request, error: ValidationError) -> None:
    """A service's refusal, as the admin's error message above the screen."""
    messages.error(request, " ".join(error.messages))
