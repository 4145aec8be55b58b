"""Writes for the jury's work: one function per use case, each in one transaction.

The use cases live in one module per part of the year (scoring, finalists, feedback, the
panel and its invitations); they are named here, so that callers write
``services.score_save`` wherever the code sits.
"""

from jury.services.calibration import calibration_pending, calibration_save
from jury.services.feedback import (
    CriterionFeedback,
    FeedbackPreview,
    feedback_preview,
    feedback_send,
)
from jury.services.finalists import (
    PublicationPreview,
    ShortlistException,
    finalist_decide,
    finalist_set_picture,
    finalist_set_statement,
    finalist_shortlist,
    finalist_unshortlist,
    finalists_publish,
    finalists_publish_preview,
    shortlist_exceptions,
)
from jury.services.invitations import (
    Accepted,
    Reinvited,
    enrolment_device,
    existing_account,
    invitation_accept,
    invitation_accept_signed_in,
    invitation_create,
    invitation_refusal,
    invitation_resend,
    invitation_revoke,
    invitation_set_password,
    invitations_again,
    invitations_erase_expired,
    recovery_codes_renew,
)
from jury.services.letters import Letter
from jury.services.meeting import (
    agenda_add,
    agenda_move,
    agenda_note,
    agenda_propose,
    agenda_ready,
    agenda_remove,
    revision_close,
    revision_open,
    revision_refusal,
    score_revise,
)
from jury.services.panel import juror_seat
from jury.services.scoring import (
    CriterionScore,
    conflict_declare,
    conflict_withdraw,
    juror_mark_done,
    juror_remind_now,
    juror_reopen,
    jury_reminders_send_due,
    score_save,
)

__all__ = [
    "Accepted",
    "CriterionFeedback",
    "CriterionScore",
    "FeedbackPreview",
    "Letter",
    "PublicationPreview",
    "Reinvited",
    "ShortlistException",
    "agenda_add",
    "agenda_move",
    "agenda_note",
    "agenda_propose",
    "agenda_ready",
    "agenda_remove",
    "calibration_pending",
    "calibration_save",
    "conflict_declare",
    "conflict_withdraw",
    "enrolment_device",
    "existing_account",
    "feedback_preview",
    "feedback_send",
    "finalist_decide",
    "finalist_set_picture",
    "finalist_set_statement",
    "finalist_shortlist",
    "finalist_unshortlist",
    "finalists_publish",
    "finalists_publish_preview",
    "invitation_accept",
    "invitation_accept_signed_in",
    "invitation_create",
    "invitation_refusal",
    "invitation_resend",
    "invitation_revoke",
    "invitation_set_password",
    "invitations_again",
    "invitations_erase_expired",
    "juror_mark_done",
    "juror_remind_now",
    "juror_reopen",
    "juror_seat",
    "jury_reminders_send_due",
    "recovery_codes_renew",
    "revision_close",
    "revision_open",
    "revision_refusal",
    "score_revise",
    "score_save",
    "shortlist_exceptions",
]
