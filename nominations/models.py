import base64
import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.enums import Phase
from core.models import Competition, Criterion, file_storage
from core.validators import single_line
from nominations.enums import NominationState, Region

SUMMARY_MAX_LENGTH = 1000
ANSWER_MAX_LENGTH = 3000
# Criterion 4 ("Arvioitu") is the practice's evaluation. Until 2026 the form also asked
# "Miten käytäntöä on arvioitu?" in a field of its own (up to 3,000 characters); migration 0004
# joined the two texts, so a stored answer may be this long.
STORED_ANSWER_MAX_LENGTH = 2 * ANSWER_MAX_LENGTH + 2
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def new_token() -> tuple[str, str]:
    """A fresh private-link token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    # The token has 256 random bits, so a plain SHA-256 cannot be reversed by guessing;
    # storing only the hash means a database leak does not hand out edit links.
    return hashlib.sha256(token.encode()).hexdigest()


class Nomination(models.Model):
    """A practice nominated for one competition year, with its answers to the criteria."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    practice_name = models.CharField(_("käytännön nimi"), max_length=200, validators=[single_line])
    summary = models.CharField(_("lyhyt kuvaus"), max_length=SUMMARY_MAX_LENGTH)
    organisations = models.CharField(
        _("ehdottava organisaatio tai organisaatiot"), max_length=500, validators=[single_line]
    )
    region = models.CharField(_("alue"), max_length=32, choices=Region.choices)
    innokyla_url = models.URLField(_("Innokylä-linkki"), max_length=500, blank=True)
    target_group = models.CharField(_("kohderyhmä"), max_length=300, validators=[single_line])
    contact_name = models.CharField(
        _("yhteyshenkilön nimi"), max_length=200, validators=[single_line]
    )
    contact_title = models.CharField(_("tehtävänimike"), max_length=200, validators=[single_line])
    contact_email = models.EmailField(_("sähköposti"), max_length=254)
    contact_phone = models.CharField(_("puhelin"), max_length=40, validators=[single_line])
    publish_consent = models.BooleanField(
        _("suostumus julkaisuun"),
        help_text=_("Käytännön nimen ja kuvauksen saa julkaista, jos se valitaan finalistiksi."),
    )
    privacy_acknowledged_at = models.DateTimeField(_("tietosuojaseloste luettu"))
    language = models.CharField(_("asiointikieli"), max_length=8, default="fi")
    state = models.CharField(
        _("tila"),
        max_length=16,
        choices=NominationState.choices,
        default=NominationState.SUBMITTED,
    )
    ineligible_reason = models.TextField(_("syy, miksi ei kelpoinen"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("lähetetty"), auto_now_add=True)
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    contact_erased_at = models.DateTimeField(
        _("yhteyshenkilön tiedot poistettu"),
        null=True,
        blank=True,
        help_text=_("Pyynnöstä tai säilytysajan päätyttyä; käytännön tiedot säilyvät."),
    )

    class Meta:
        verbose_name = _("ehdotus")
        verbose_name_plural = _("ehdotukset")
        ordering = ["-submitted_at"]
        permissions = [
            ("handle_data_requests", _("Voi viedä ja poistaa yhteyshenkilön tiedot pyynnöstä")),
        ]
        indexes = [
            models.Index(fields=["competition", "state"], name="nominations_competition_state"),
        ]
        constraints = [
            models.CheckConstraint(
                name="nominations_nomination_state_valid",
                condition=Q(state__in=NominationState.values),
            ),
            models.CheckConstraint(
                name="nominations_nomination_ineligible_has_reason",
                condition=~Q(state=NominationState.INELIGIBLE) | ~Q(ineligible_reason=""),
            ),
            models.CheckConstraint(
                name="nominations_nomination_withdrawn_has_time",
                condition=~Q(state=NominationState.WITHDRAWN) | Q(withdrawn_at__isnull=False),
            ),
            models.CheckConstraint(
                name="nominations_nomination_consent_given", condition=Q(publish_consent=True)
            ),
            models.CheckConstraint(
                name="nominations_nomination_region_valid", condition=Q(region__in=Region.values)
            ),
        ]

    def __str__(self) -> str:
        return self.practice_name

    def get_region_display(self) -> str:
        """The region's name in the active language.

        Django's own version builds a dictionary of all the regions' translated names on
        every call (about 90 µs), and every finalist's page and vote confirmation call it.
        """
        try:
            return str(Region(self.region).label)
        except ValueError:
            return self.region

    @property
    def is_editable(self) -> bool:
        """The nominator may still edit or withdraw.

        Reads ``self.competition``: a query unless it was loaded with select_related.
        """
        return (
            self.state == NominationState.SUBMITTED and self.competition.phase == Phase.NOMINATION
        )

    def private_url(self, token: str) -> str:
        return reverse("nominations:detail", kwargs={"token": token})


class CriterionAnswer(models.Model):
    """The nomination's argument for one criterion."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("vastaus"), max_length=STORED_ANSWER_MAX_LENGTH)

    class Meta:
        verbose_name = _("kriteerivastaus")
        verbose_name_plural = _("kriteerivastaukset")
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "criterion"],
                name="nominations_criterionanswer_one_per_criterion",
            ),
            models.CheckConstraint(
                name="nominations_criterionanswer_not_blank", condition=~Q(text="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} – {self.criterion}"


# The name the first migration refers to.
_private_storage = file_storage


class Attachment(models.Model):
    """A file supporting a nomination, kept outside every public URL.

    The stored name is random; the user's file name is kept only to show it.
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=_private_storage, upload_to="attachments/%Y/", max_length=200)
    original_name = models.CharField(_("tiedoston nimi"), max_length=255)
    content_type = models.CharField(_("tiedostotyyppi"), max_length=100)
    size = models.PositiveIntegerField(_("koko (tavua)"))
    uploaded_at = models.DateTimeField(_("lisätty"), auto_now_add=True)

    class Meta:
        verbose_name = _("liite")
        verbose_name_plural = _("liitteet")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="nominations_attachment_size_limit",
                condition=Q(size__gt=0) & Q(size__lte=MAX_ATTACHMENT_BYTES),
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class NominationDraft(models.Model):
    """A nomination being written, saved on the server so that closing the tab loses nothing.

    Not a Nomination, and in a table of its own: the jury's lists, the counts and the exports
    cannot see it. Its texts are kept as typed, by form field name (``data``), until it is
    sent as a nomination (then it is deleted), or erased NOMINATION_DRAFT_RETENTION_DAYS
    after the nomination deadline. The private link is rebuilt from ``nonce`` with the site's
    secret key (``draft_token``), so the reminder can carry it; only its hash is looked up.
    """

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.CASCADE,
        related_name="nomination_drafts",
    )
    data = models.JSONField(_("tekstit"), default=dict)
    contact_email = models.EmailField(_("sähköposti"), max_length=254)
    language = models.CharField(_("asiointikieli"), max_length=8, default="fi")
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("aloitettu"), auto_now_add=True)
    updated_at = models.DateTimeField(_("tallennettu"), auto_now=True)
    reminded_at = models.DateTimeField(_("muistutettu"), null=True, blank=True)
    # The page that saved last and its count of saves: a page's saves can arrive out of order
    # (one sent as the page closes overtakes one sent a moment before), and an older one must
    # not overwrite a newer one.
    writer = models.CharField(max_length=32, blank=True, editable=False)
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("ehdotusluonnos")
        verbose_name_plural = _("ehdotusluonnokset")
        indexes = [
            models.Index(fields=["competition", "reminded_at"], name="nominations_draft_reminder"),
        ]

    def __str__(self) -> str:
        return self.data.get("practice_name") or str(_("Nimetön luonnos"))

    def private_url(self, token: str) -> str:
        return reverse("nominations:draft", kwargs={"token": token})


def draft_token(nonce: str) -> str:
    """The private link's token of the draft with this nonce: a keyed hash, so that the
    database alone does not give the links away."""
    digest = salted_hmac("nominations.NominationDraft", nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
