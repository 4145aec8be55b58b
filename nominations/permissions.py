"""Who may see what of a nomination. Plain predicates shared by views, admin and templates."""

from nominations.models import Nomination


def can_view_nominations(user) -> bool:
    """Staff who read nominations in the admin (the jury's panel rules come with the jury)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("nominations.view_nomination")
    )


def can_export_nominations(user) -> bool:
    return can_view_nominations(user)


def can_mark_ineligible(user) -> bool:
    return can_view_nominations(user) and user.has_perm("nominations.change_nomination")


def can_handle_data_requests(user) -> bool:
    """Staff who answer contact persons' requests to see or erase their data."""
    return can_view_nominations(user) and user.has_perm("nominations.handle_data_requests")


def can_edit_through_link(nomination: Nomination) -> bool:
    """The private link allows changes only while nominations are open (server time)."""
    return nomination.is_editable
