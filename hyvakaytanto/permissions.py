def can_resend_email(user) -> bool:
    """Communications staff may queue a failed e-mail again."""
    return user.is_active and user.has_perm("hyvakaytanto.resend_outgoingemail")
