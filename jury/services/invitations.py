"""Accounts by invitation: staff invite a juror, the chair or communications staff, and the
invitee makes their own account through a one-time link.

The invitee's steps (``jury.views``): a password (``invitation_set_password``, which makes the
account switched off, with an authenticator key not yet confirmed), then a code from the app
(``invitation_accept``: the account is switched on, given its group, seated on the year's
panel, and given printable recovery codes). Someone who already has an active staff account
accepts by signing in (``invitation_accept_signed_in``).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit, mail
from core.models import Competition
from core.second_factor import RECOVERY_CODE_DIGITS, RECOVERY_DEVICE
from jury.enums import ROLE_GROUPS, ROLE_SEATS, InvitationRole
from jury.models import Invitation, JuryMember
from jury.services.panel import juror_seat

RECOVERY_CODE_COUNT = 10


def invitation_refusal(
    *, email: str, role: str, competition: Competition | None, exclude: Invitation | None = None
) -> str:
    """Why an invitation to ``email`` cannot be sent, in Finnish, or "" when it can."""
    if role != InvitationRole.STAFF:
        if competition is None:
            return _("Valitse vuosi, jonka raatiin kutsut.")
        if competition.results_published_at is not None:
            return _("Vuoden %(year)s tulokset on jo julkaistu; sen raatiin ei enää kutsuta.") % {
                "year": competition.year
            }
        seated = JuryMember.objects.filter(
            competition=competition, user__email__iexact=email, user__is_active=True
        )
        if seated.exists():
            return _("Osoitteen %(email)s tili on jo vuoden %(year)s raadissa.") % {
                "email": email,
                "year": competition.year,
            }
    elif (
        get_user_model()
        .objects.filter(email__iexact=email, is_staff=True, is_active=True)
        .filter(groups__name=ROLE_GROUPS[InvitationRole.STAFF])
        .exists()
    ):
        return _("Osoitteella %(email)s on jo viestinnän tunnus.") % {"email": email}
    pending = Invitation.objects.filter(
        email__iexact=email,
        competition=competition if role != InvitationRole.STAFF else None,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    if pending.exists():
        return _(
            "Osoitteeseen %(email)s on jo lähetetty kutsu, jota ei ole käytetty. Lähetä se "
            "uudelleen tai peru se kutsujen listalta."
        ) % {"email": email}
    return ""


@transaction.atomic
def invitation_create(
    *,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    competition: Competition | None,
    organisation: str = "",
    by,
) -> Invitation:
    """Invite a person; the e-mail with the link is queued in the same transaction.

    Refused (ValidationError, in Finnish) as ``invitation_refusal`` says."""
    email = email.strip()
    if role == InvitationRole.STAFF:
        competition = None
    refusal = invitation_refusal(email=email, role=role, competition=competition)
    if refusal:
        raise ValidationError(refusal)
    invitation = Invitation(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        role=role,
        competition=competition,
        organisation=organisation.strip(),
        invited_by=by,
    )
    token = _new_link(invitation)
    invitation.full_clean(exclude=["token_hash", "expires_at"])
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as error:
        # Another click at the same moment sent the same invitation.
        raise ValidationError(
            invitation_refusal(email=email, role=role, competition=competition)
            or _("Kutsu on jo lähetetty.")
        ) from error
    _send(invitation, token)
    audit.record(audit.Action.INVITED, actor=by, target=email, role=role, year=_year(invitation))
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """A new link with a new expiry, for an invitation not yet used or revoked; the old link
    stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(
            _("Kutsu on jo käytetty tai peruttu; lähetä tarvittaessa uusi kutsu.")
        )
    token = _new_link(invitation)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _send(invitation, token)
    audit.record(
        audit.Action.INVITED,
        actor=by,
        target=invitation.email,
        role=invitation.role,
        year=_year(invitation),
        resent=True,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """End an unused invitation's link for good."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("Kutsu on jo hyväksytty. Poista tili tarvittaessa käytöstä Käyttäjät-sivulla.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(audit.Action.INVITATION_REVOKED, actor=by, target=invitation.email)
    return invitation


@dataclass(frozen=True)
class Reinvited:
    invited: int
    without_address: tuple[str, ...]  # names of accounts with no e-mail address or name


def invitations_again(*, previous: Competition, following: Competition, seats, by) -> Reinvited:
    """Invite ``seats`` of ``previous``'s panel to ``following``'s, each in the same role.
    Someone already invited or seated is passed over, and an account without an e-mail
    address or a name is named in the answer, not invited."""
    invited, missing = 0, []
    for seat in seats.filter(competition=previous).select_related("user"):
        role = InvitationRole.CHAIR if seat.is_chair else InvitationRole.JUROR
        user = seat.user
        if not (user.email and user.first_name and user.last_name):
            missing.append(user.get_full_name() or user.get_username())
            continue
        if invitation_refusal(email=seat.user.email, role=role, competition=following):
            continue
        invitation_create(
            first_name=seat.user.first_name,
            last_name=seat.user.last_name,
            email=seat.user.email,
            role=role,
            competition=following,
            organisation=seat.organisation,
            by=by,
        )
        invited += 1
    return Reinvited(invited=invited, without_address=tuple(missing))


def existing_account(invitation: Invitation):
    """The active staff account the invitation's address already has, if any: its owner
    accepts by signing in rather than by making a second account."""
    return (
        get_user_model()
        .objects.filter(email__iexact=invitation.email, is_staff=True, is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def invitation_set_password(*, invitation: Invitation, password: str) -> TOTPDevice:
    """The first step: the account, still switched off, with the password and a new
    authenticator key to enrol. Setting the password again starts the enrolment over.

    Refused (ValidationError) for a link that no longer works or a weak password."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise ValidationError(_("Kutsulinkki ei ole enää voimassa."))
    User = get_user_model()
    user = invitation.user or (
        User.objects.filter(email__iexact=invitation.email, is_staff=True, is_active=False)
        .order_by("pk")
        .first()
    )
    if user is None:
        user = User(username=_free_username(invitation.email), is_active=False, is_staff=True)
        invitation.made_the_account = True
    elif user.pk is not None and invitation.user_id is None:
        # An account switched off before comes back with the invitation's role alone: none
        # of the rights it had (a superuser's included) return with it.
        user.is_superuser = False
        user.groups.clear()
        user.user_permissions.clear()
    user.first_name, user.last_name = invitation.first_name, invitation.last_name
    user.email = invitation.email
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    invitation.user = user
    invitation.save(update_fields=["user", "made_the_account"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Todennussovellus"), confirmed=False)


def enrolment_device(invitation: Invitation) -> TOTPDevice | None:
    """The authenticator key being enrolled through the invitation, after its first step."""
    if invitation.user_id is None:
        return None
    return TOTPDevice.objects.filter(user_id=invitation.user_id, confirmed=False).first()


@dataclass(frozen=True)
class Accepted:
    user: object
    device: TOTPDevice
    recovery_codes: tuple[str, ...]


def invitation_accept(*, invitation: Invitation, code: str) -> Accepted | None:
    """The second step: a code from the app confirms the key, and the invitation is used.
    None for a wrong code (the device's own throttling counts it)."""
    device = enrolment_device(invitation)
    if device is None or not device.verify_token(code):
        return None
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open():
            raise ValidationError(_("Kutsulinkki ei ole enää voimassa."))
        # The password step, taken again in another window a moment ago, made a new key.
        if not TOTPDevice.objects.filter(pk=device.pk, user_id=invitation.user_id).exists():
            raise ValidationError(_("Aloita tunnuksen käyttöönotto alusta."), code="restarted")
        user = invitation.user
        # A key from before (a deactivated account invited back) goes; the new one counts.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        user.is_active = True
        user.save(update_fields=["is_active"])
        _use(invitation, user)
        codes = recovery_codes_renew(user=user)
        audit.record(audit.Action.SECOND_FACTOR_ADDED, actor=user, target=user)
    return Accepted(user=user, device=device, recovery_codes=codes)


@transaction.atomic
def invitation_accept_signed_in(*, invitation: Invitation, user) -> None:
    """Someone signed in to their staff account accepts an invitation sent to its address."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise ValidationError(_("Kutsulinkki ei ole enää voimassa."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("Kutsu on lähetetty toiseen osoitteeseen kuin tilisi. Kirjaudu ulos ja avaa linkki.")
        )
    _use(invitation, user)


@transaction.atomic
def recovery_codes_renew(*, user) -> tuple[str, ...]:
    """New printable single-use codes for when the phone is away; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = tuple(
        f"{secrets.randbelow(10**RECOVERY_CODE_DIGITS):0{RECOVERY_CODE_DIGITS}d}"
        for _ in range(RECOVERY_CODE_COUNT)
    )
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit.record(audit.Action.RECOVERY_CODES, actor=user, target=user)
    return codes


def invitations_erase_expired(*, now) -> int:
    """Invitations revoked or run out INVITATION_KEPT_DAYS ago, with any account they began
    and never switched on (it has never signed in and holds no seat)."""
    cutoff = now - timedelta(days=settings.INVITATION_KEPT_DAYS)
    ended = Invitation.objects.filter(accepted_at__isnull=True).filter(
        Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    )
    in_use = Invitation.objects.filter(
        Q(accepted_at__isnull=False) | Q(revoked_at__isnull=True, expires_at__gte=cutoff),
        user__isnull=False,
    ).values("user")
    # Only an account the invitation itself began, never switched
    # on, never signed in, with no seat, and no other invitation used or still running.
    half_made = list(
        get_user_model()
        .objects.filter(
            invitations__in=ended,
            invitations__made_the_account=True,
            is_active=False,
            last_login__isnull=True,
            jury_seats=None,
        )
        .exclude(pk__in=in_use)
        .values_list("pk", flat=True)
    )
    count, _deleted = ended.delete()
    get_user_model().objects.filter(pk__in=half_made).delete()
    return count


def _use(invitation: Invitation, user) -> None:
    invitation.user = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["user", "accepted_at"])
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[invitation.role]))
    seat_role = ROLE_SEATS.get(invitation.role)
    if seat_role is not None:
        seat = JuryMember.objects.filter(competition=invitation.competition, user=user).first()
        if seat is None:
            juror_seat(
                seat=JuryMember(
                    competition=invitation.competition,
                    user=user,
                    role=seat_role,
                    organisation=invitation.organisation,
                )
            )
    audit.record(
        audit.Action.INVITATION_ACCEPTED,
        actor=user,
        target=invitation.email,
        role=invitation.role,
        year=_year(invitation),
    )


def _new_link(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hashlib.sha256(token.encode()).hexdigest()
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    return token


def _send(invitation: Invitation, token: str) -> None:
    subject, body = mail.render_email(
        "jury/email/invitation",
        {
            "invitation": invitation,
            "role": invitation.get_role_display(),
            "url": settings.SITE_URL.rstrip("/") + reverse("jury:invitation", args=[token]),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )
    mail.email_send(subject=subject, body=body, to=[invitation.email])


def _free_username(email: str) -> str:
    """The address as the sign-in name, made unique if another account has it."""
    User = get_user_model()
    base = email.strip().lower()[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _year(invitation: Invitation) -> int | None:
    return invitation.competition.year if invitation.competition_id else None
