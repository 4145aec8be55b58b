from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.models import Competition, TranslatedTextMixin
from jury.models import Finalist
from voting.enums import ClusterKind, DecisionAction, RemovalRule

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
    # The review (voting/review.py): a keyed hash of the browser (user agent and language),
    # erased with the network; the rule the vote was removed under ("" while it stands); and a
    # request to confirm it by a date, with when it was confirmed.
    device = models.CharField(max_length=40, blank=True, editable=False)
    removed_rule = models.CharField(
        _("poistettu säännön perusteella"),
        max_length=32,
        choices=RemovalRule,
        blank=True,
        editable=False,
    )
    confirm_by = models.DateTimeField(_("vahvistettava viimeistään"), null=True, editable=False)
    confirmed_at = models.DateTimeField(_("vahvistettu"), null=True, editable=False)

    class Meta:
        verbose_name = _("ääni")
        verbose_name_plural = _("äänet")
        permissions = [
            ("view_tally", _("Voi nähdä äänestyksen tuloksen ja valvontaraportin")),
            ("review_votes", _("Voi päättää epäilyttävistä äänistä")),
        ]
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
    # A sign-in code was asked for without the proof-of-work step (no JavaScript, or a
    # script): the vote is flagged (voting/flags.py).
    code_without_proof_at = models.DateTimeField(null=True, blank=True, editable=False)

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


class VotingRules(TranslatedTextMixin, models.Model):
    """The year's voting rules as staff wrote them, in three languages; the rules page shows
    the site's default text while there is none (``voting.rules``)."""

    competition = models.OneToOneField(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.CASCADE,
        related_name="voting_rules",
    )
    text = models.TextField(_("säännöt"))
    text_sv = models.TextField(_("säännöt ruotsiksi"), blank=True)
    text_en = models.TextField(_("säännöt englanniksi"), blank=True)

    class Meta:
        verbose_name = _("äänestyksen säännöt")
        verbose_name_plural = _("äänestyksen säännöt")

    def __str__(self) -> str:
        return str(self.competition.year)


class VoteCluster(models.Model):
    """Votes the flags (voting/flags.py) found together, with why: one per year, kind and
    key (a network's hash, a domain and a stem, ...). It waits for a decision while
    ``decision`` is empty; votes that join it later make it wait again."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("kilpailuvuosi"), on_delete=models.CASCADE
    )
    kind = models.CharField(_("peruste"), max_length=16, choices=ClusterKind)
    key = models.TextField()  # a domain alone may be 253 characters
    label = models.TextField(_("ryväs"))
    evidence = models.JSONField(_("näyttö"), default=list)
    votes = models.ManyToManyField(Vote, related_name="clusters")
    found_at = models.DateTimeField(_("löydetty"), auto_now_add=True)
    grown_at = models.DateTimeField(_("kasvanut"), auto_now_add=True)
    decision = models.ForeignKey(
        "VoteDecision",
        verbose_name=_("päätös"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("epäilyttävä ryväs")
        verbose_name_plural = _("epäilyttävät äänet")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "kind", "key"], name="voting_cluster_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class VoteDecision(models.Model):
    """Staff's decision on a cluster's votes, all of them (``whole``) or some: keep, ask to
    confirm by a date, or remove under a published rule. It covers the votes it was made on
    (``votes``); the decisions not reversed decide each vote's standing
    (``voting.review._governing``). Kept for the history: a reversal stamps it, never deletes
    it."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("kilpailuvuosi"), on_delete=models.CASCADE
    )
    cluster = models.ForeignKey(
        VoteCluster, verbose_name=_("ryväs"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # On every vote of the cluster as it was (the cluster's decision), or on some of them.
    whole = models.BooleanField(_("koko ryväs"), default=False)
    action = models.CharField(_("päätös"), max_length=16, choices=DecisionAction)
    rule = models.CharField(_("sääntö"), max_length=32, choices=RemovalRule, blank=True)
    comment = models.TextField(_("perustelu"), blank=True)
    confirm_by = models.DateTimeField(_("vahvistettava viimeistään"), null=True, blank=True)
    votes = models.ManyToManyField(Vote, related_name="decisions")
    vote_count = models.PositiveIntegerField(_("ääniä"), default=0)
    decided_by = models.CharField(_("päättäjä"), max_length=150)
    decided_at = models.DateTimeField(_("päätetty"), auto_now_add=True)
    reversed_by = models.CharField(_("perunut"), max_length=150, blank=True)
    reversed_at = models.DateTimeField(_("peruttu"), null=True, blank=True)

    class Meta:
        verbose_name = _("päätös äänistä")
        verbose_name_plural = _("päätökset äänistä")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="remove") | ~models.Q(rule=""),
                name="voting_decision_removal_names_rule",
            ),
            models.CheckConstraint(
                condition=~models.Q(action="confirm") | models.Q(confirm_by__isnull=False),
                name="voting_decision_confirm_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.vote_count})"

    @property
    def rule_number(self) -> int | None:
        """The rule's number on the public rules page, as the results cite it."""
        return RemovalRule.values.index(self.rule) + 1 if self.rule else None


class ProofOfWork(models.Model):
    """A solved proof-of-work challenge, kept until it expires so that each solution is
    accepted once, on whichever node it arrives (voting/proof.py)."""

    signature = models.CharField(max_length=128, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.signature[:12]
