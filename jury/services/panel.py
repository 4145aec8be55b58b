"""Seats on a year's panel."""

from django.db import transaction

from jury.models import JuryMember


@transaction.atomic
def juror_seat(*, seat: JuryMember) -> JuryMember:
    """Give ``seat.user`` a seat on ``seat.competition``'s panel, as the admin's form or the
    demo fills it in. Refused (ValidationError, in Finnish) for an account that is not staff,
    which could never sign in to the admin, and for a second seat in the same year."""
    seat.full_clean()
    seat.save()
    return seat
