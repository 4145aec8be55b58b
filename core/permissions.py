"""Who may do what with the year itself and the site's plumbing. Plain predicates."""


def can_follow_the_year(user) -> bool:
    """Communications staff follow the current year on the admin's home page."""
    return bool(user.is_active and user.is_staff and user.has_perm("hyvakaytanto.view_competition"))


def can_resend_email(user) -> bool:
    """Communications staff may queue a failed e-mail again."""
    return bool(user.is_active and user.has_perm("hyvakaytanto.resend_outgoingemail"))


def can_preview_years(user) -> bool:
    """Staff who follow the years, signed in with both factors, see any year's front page
    before the public does."""
    return can_follow_the_year(user) and bool(getattr(user, "is_verified", lambda: False)())


def can_set_up_next_year(user) -> bool:
    """Staff who add years make the next one from this one ("Luo seuraava kilpailuvuosi")."""
    return can_follow_the_year(user) and user.has_perm("hyvakaytanto.add_competition")
