from urllib.parse import urlsplit

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import Criterion
from nominations.models import (
    ANSWER_MAX_LENGTH,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    SUMMARY_MAX_LENGTH,
    Attachment,
    Nomination,
)
from nominations.services import NOMINATION_FIELDS
from nominations.uploads import ALLOWED_LABEL, check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern from Django's documentation)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class HttpsURLField(forms.URLField):
    """A link typed without a scheme is taken as https:// (Django 6's default, today)."""

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class MultilineField(forms.CharField):
    """A text area's text. Browsers count a line break as one character against ``maxlength``
    but send it as two (CR LF); it is stored as one, so the limits agree."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


def _counted(max_length: int, rows: int) -> forms.Textarea:
    """A textarea whose limit is shown by a live character counter (static/js/charcount.js)."""
    return forms.Textarea(attrs={"rows": rows, "maxlength": max_length, "data-counter": "true"})


def criterion_field_name(criterion: Criterion) -> str:
    return f"criterion_{criterion.number}"


# The optional fields a nominator fills in; the required ones carry crispy's asterisk.
OPTIONAL_MARKED = ("innokyla_url", "attachments")
# The ticks a draft keeps with its texts.
CONSENT_FIELDS = ("privacy_acknowledged", "publish_consent")


class NominationForm(forms.ModelForm):
    """The public nomination form; with ``instance`` it is the nominator's edit form."""

    privacy_acknowledged = forms.BooleanField(
        label=_("Olen lukenut tietosuojaselosteen."),
        help_text=format_lazy(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse_lazy("privacy"),
            _("Lue tietosuojaseloste (avautuu uuteen välilehteen)"),
        ),
        error_messages={"required": _("Vahvista, että olet lukenut tietosuojaselosteen.")},
    )
    publish_consent = forms.BooleanField(
        label=_(
            "Käytännön nimen, kuvauksen ja organisaation saa julkaista, "
            "jos se valitaan finalistiksi."
        ),
        error_messages={"required": _("Ehdotus edellyttää suostumusta julkaisuun.")},
    )
    attachments = MultipleFileField(label=_("Liitteet"), required=False)
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Poista liitteitä"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # A field people never see; bots that fill every input give themselves away.
    website = forms.CharField(
        required=False,
        label=_("Jätä tämä kenttä tyhjäksi"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Nomination
        fields = NOMINATION_FIELDS
        field_classes = {"innokyla_url": HttpsURLField, "summary": MultilineField}
        widgets = {
            "summary": _counted(SUMMARY_MAX_LENGTH, 4),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "contact_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }
        help_texts = {
            "practice_name": _("Nimi, jolla käytäntö tunnetaan, esim. Innokylässä."),
            "summary": _("Mitä käytännössä tehdään, kenen kanssa ja miksi. Enintään 1000 merkkiä."),
            "organisations": _("Kaikki käytäntöä kehittäneet ja ehdottavat organisaatiot."),
            "region": _("Hyvinvointialue, jolla käytäntö on käytössä."),
            "innokyla_url": _("Jos käytäntö on kuvattu Innokylään, linkki sen kuvaukseen."),
            "target_group": _("Kenelle käytäntö on tarkoitettu."),
            "contact_phone": _("Esimerkiksi 040 123 4567 tai +358 40 123 4567."),
        }

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria if criteria is not None else Criterion.objects.all())
        editing = self.instance.pk is not None
        # Built here, not at import, so that it is in the language of the request.
        self.fields["attachments"].help_text = gettext(
            "Esimerkiksi arviointiraportti. Enintään %(count)d tiedostoa, kukin enintään 10 Mt. "
            "Sallitut tyypit: %(types)s."
        ) % {"count": MAX_ATTACHMENTS, "types": ALLOWED_LABEL}
        # The browser refuses a file over the limit before sending it (js/filelimit.js); the
        # server checks it again (check_upload).
        self.fields["attachments"].widget.attrs.update(
            {
                "data-max-bytes": MAX_ATTACHMENT_BYTES,
                "data-too-large": gettext(
                    "Tiedosto {name} on liian suuri ({size}): kukin liite voi olla enintään "
                    "10 Mt. Sitä ei lähetetty. Valitse pienempi tiedosto."
                ),
            }
        )
        regions = self.fields["region"].choices[1:]  # without Django's "---------"
        self.fields["region"].choices = [("", _("Valitse alue")), *regions]
        self.fields["innokyla_url"].widget.attrs["placeholder"] = "https://innokyla.fi/…"
        answers = {}
        if editing:
            answers = {a.criterion.number: a.text for a in self.instance.answers.all()}
        for criterion in self.criteria:
            initial = answers.get(criterion.number, "")
            # An answer joined with the former evaluation field may be longer than a new one
            # can be: it is kept, and may be shortened but not lengthened.
            max_length = max(ANSWER_MAX_LENGTH, len(initial))
            self.fields[criterion_field_name(criterion)] = MultilineField(
                label=f"{criterion.number}. {criterion.name}",
                help_text=escape(criterion.guidance),  # crispy renders help texts unescaped
                max_length=max_length,
                widget=_counted(max_length, 6),
                initial=initial,
                error_messages={
                    "required": _("Kerro, miten käytäntö täyttää kriteerin ”%(name)s”.")
                    % {"name": criterion.name}
                },
            )
        if editing:
            del self.fields["privacy_acknowledged"]
            del self.fields["publish_consent"]
            self.fields["remove_attachments"].queryset = self.instance.attachments.all()
        else:
            del self.fields["remove_attachments"]
        for name in OPTIONAL_MARKED:
            if name in self.fields:
                self.fields[name].label = format_lazy(
                    "{} {}", self.fields[name].label, _("(vapaaehtoinen)")
                )
        self.helper = self._helper(editing)
        # The error summary lists fields in this order: the same as the page shows them.
        self.order_fields(
            [
                "contact_name",
                "contact_title",
                "contact_email",
                "contact_phone",
                "practice_name",
                "summary",
                "organisations",
                "region",
                "target_group",
                "innokyla_url",
                *(criterion_field_name(c) for c in self.criteria),
                "attachments",
                "remove_attachments",
                "publish_consent",
                "privacy_acknowledged",
            ]
        )

    def _helper(self, editing: bool) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        criteria_fields = [criterion_field_name(c) for c in self.criteria]
        attachments = ["attachments"] + (["remove_attachments"] if editing else [])
        consents = [] if editing else ["publish_consent", "privacy_acknowledged"]
        helper.layout = Layout(
            Fieldset(
                _("1. Yhteyshenkilö"),
                "contact_name",
                "contact_title",
                "contact_email",
                "contact_phone",
                css_id="vaihe-yhteystiedot",
            ),
            Fieldset(
                _("2. Käytäntö"),
                "practice_name",
                "summary",
                "organisations",
                "region",
                "target_group",
                "innokyla_url",
                css_id="vaihe-kaytanto",
            ),
            Fieldset(_("3. Kriteerit"), *criteria_fields, css_id="vaihe-kriteerit"),
            Fieldset(_("4. Liitteet"), *attachments, css_id="vaihe-liitteet"),
            Fieldset(_("5. Vahvistus"), *consents, css_id="vaihe-vahvistus")
            if consents
            else HTML(""),
            HTML('<div class="visually-hidden" aria-hidden="true">'),
            "website",
            HTML("</div>"),
        )
        return helper

    def clean_innokyla_url(self) -> str:
        url = self.cleaned_data["innokyla_url"]
        if url:
            host = (urlsplit(url).hostname or "").lower()
            if host != "innokyla.fi" and not host.endswith(".innokyla.fi"):
                raise ValidationError(_("Linkin on osoitettava Innokylän sivulle (innokyla.fi)."))
        return url

    def clean_contact_phone(self) -> str:
        """A Finnish number (040 123 4567, 09 1234 5678) or an international one (+46 …),
        stored in the international format."""
        typed = self.cleaned_data["contact_phone"]
        try:
            number = phonenumbers.parse(typed, "FI")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(
                _(
                    "Tarkista puhelinnumero. Kirjoita se esimerkiksi muodossa 040 123 4567 "
                    "tai ulkomainen numero maatunnuksen kanssa, +46 8 123 456 78."
                ),
                code="phone",
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise ValidationError(_("Lomaketta ei voitu lähettää. Yritä uudelleen."))
        return ""

    def clean_attachments(self):
        checked, errors = [], []
        for upload in self.cleaned_data["attachments"]:
            try:
                checked.append(check_upload(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked

    def clean(self):
        cleaned = super().clean()
        uploads = cleaned.get("attachments") or []
        kept = 0
        if self.instance.pk is not None:
            removed = cleaned.get("remove_attachments") or []
            kept = len(self.fields["remove_attachments"].queryset) - len(removed)
        if kept + len(uploads) > MAX_ATTACHMENTS:
            self.add_error(
                "attachments",
                _("Liitteitä voi olla enintään %(max)d. Nyt niitä olisi %(count)d.")
                % {"max": MAX_ATTACHMENTS, "count": kept + len(uploads)},
            )
        return cleaned

    @classmethod
    def showing(cls, texts: dict, *, criteria, error: str, field: str | None = None):
        """The form filled with ``texts`` (a draft's, or what was typed) and one message, without
        checking the rest: for a page that gives the texts back and says why."""
        form = cls(initial=texts, criteria=criteria)
        form.cleaned_data = {}  # an unbound form has none; add_error expects it
        form.add_error(field, error)
        return form

    def draft_texts(self) -> dict[str, str]:
        """What the user typed into the form's text fields, chose as the region and ticked
        (the consents, as "on"), as sent and unchecked, for a draft (files are not kept in
        drafts)."""
        names = [
            *NOMINATION_FIELDS,
            *(criterion_field_name(c) for c in self.criteria),
            *CONSENT_FIELDS,
        ]
        return {
            name: self.data.get(self.add_prefix(name), "").replace("\r\n", "\n") for name in names
        }

    def answers(self) -> dict[int, str]:
        return {c.number: self.cleaned_data[criterion_field_name(c)] for c in self.criteria}

    def chosen_file_names(self) -> list[str]:
        """Names of the files the user chose, to tell them which to choose again."""
        return [f.name for f in self.files.getlist(self.add_prefix("attachments"))]


class DraftForm(forms.Form):
    """What saving a draft needs: the address its private link is sent to."""

    contact_email = forms.EmailField(
        error_messages={
            "required": _(
                "Anna yhteyshenkilön sähköpostiosoite, niin tallennamme luonnoksen ja "
                "lähetämme siihen linkin, jolla voit jatkaa."
            ),
            "invalid": _("Tarkista sähköpostiosoite: luonnoksen linkki lähetetään siihen."),
        }
    )


class ResendLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Yhteyshenkilön sähköpostiosoite"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class IneligibleForm(forms.Form):
    reason = forms.CharField(
        label=_("Syy (lähetetään ehdottajalle)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
