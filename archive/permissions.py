"""Who may do what with the results and the archive. Plain predicates."""


def can_publish_results(user) -> bool:
    """Communications staff publish (and withdraw) a year's results."""
    return bool(user.is_active and user.is_staff and user.has_perm("archive.publish_results"))


def can_print_certificates(user) -> bool:
    """Staff who may see the archive's awards print their certificates."""
    return bool(user.is_active and user.is_staff and user.has_perm("archive.view_award"))
