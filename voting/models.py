from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.models import Competition
from jury.models import Finalist

# Letters and digits that cannot be mistaken for one another when read aloud or copied.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Vote(models.Model):
    """One public vote. One per voter and competition: a constraint, not a hope.

    ``voter`` is emptied when the voter's account is erased (after the retention period, or
    at their request once voting has closed); the vote itself stays so the counts hold.
    ``network`` is a keyed hash of the client's network (/24 or /48), kept only for the
    integrity report and erased with the voter data.
    """

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.PROTECT,
        related_name="votes",
        # The one-per-voter constraint's index leads with the competition and serves its
        # lookups; a second index would only cost every vote another write.
        db_index=False,
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("äänestäjä"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="votes",
    )
    finalist = models.ForeignKey(
        Finalist, verbose_name=_("finalisti"), on_delete=models.PROTECT, related_name="votes"
    )
    cast_at = models.DateTimeField(_("annettu"), auto_now_add=True)
    network = models.CharField(max_length=40, blank=True)
    # The receipt: written by the worker in the vote's language, in batches, and marked when
    # queued (``services.vote_receipts_send``), so the vote's request writes nothing else.
    language = models.CharField(max_length=8, default="fi", editable=False)
    receipt_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ääni")
        verbose_name_plural = _("äänet")
        permissions = [("view_tally", _("Voi nähdä äänestyksen tuloksen ja valvontaraportin"))]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "voter"], name="voting_vote_one_per_voter_and_year"
            )
        ]
        indexes = [
            models.Index(fields=["competition", "cast_at"], name="voting_vote_comp_time"),
            models.Index(
                fields=["id"],
                name="voting_vote_receipt_due",
                condition=models.Q(receipt_queued_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition.year}: {self.finalist_id}"

    @property
    def receipt_code(self) -> str:
        """The code on the voter's receipt, ABCD-EFGH-JK: derived from the vote with the
        site's secret key, so the site can tell a real receipt from a made-up one while the
        code itself says nothing of the vote."""
        digest = salted_hmac("voting.receipt", f"{self.pk}:{self.cast_at.isoformat()}").digest()
        code = "".join(RECEIPT_ALPHABET[byte % len(RECEIPT_ALPHABET)] for byte in digest[:10])
        return f"{code[:4]}-{code[4:8]}-{code[8:]}"


class VoterMailbox(models.Model):
    """A voter's mailbox in its canonical form (``voting.mailboxes``): unique, so the
    aliases of one mailbox lead to one account and one vote."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("äänestäjä"),
        on_delete=models.CASCADE,
        related_name="mailbox",
    )
    canonical = models.CharField(_("postilaatikko"), max_length=254, unique=True)

    class Meta:
        verbose_name = _("äänestäjä")
        verbose_name_plural = _("äänestäjät")
        permissions = [
            ("handle_voter_requests", _("Voi viedä ja poistaa äänestäjän tiedot pyynnöstä"))
        ]

    def __str__(self) -> str:
        return self.canonical


class VoteTally(Competition):
    """A competition year as the staff's tally and integrity report see it."""

    class Meta:
        proxy = True
        verbose_name = _("äänestyksen tulos ja valvonta")
        verbose_name_plural = _("äänestyksen tulos ja valvonta")
