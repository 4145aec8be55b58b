from django import forms
from django.utils.translation import gettext_lazy as _

from core import images
from jury.enums import SCORE_LABELS, Recognition
from jury.models import Finalist, Score
from jury.services import CriterionScore

SHARED_LABEL = _("Näytetään ehdottajalle (palautteessa tulosten jälkeen, ilman nimeäsi)")


class ScoreSheetForm(forms.Form):
    """One juror's scores for one nomination: every criterion 1–5, comments optional."""

    overall_comment = forms.CharField(
        label=_("Kokonaisarvio (vapaaehtoinen)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    overall_shared = forms.BooleanField(label=SHARED_LABEL, required=False)

    def __init__(
        self,
        *args,
        criteria,
        existing: list[Score] = (),
        overall="",
        overall_shared=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        current = {s.criterion_id: s for s in existing}
        for criterion in self.criteria:
            score = current.get(criterion.pk)
            self.fields[f"value_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.number}. {criterion.name}",
                choices=list(SCORE_LABELS.items()),
                coerce=int,
                widget=forms.RadioSelect,
                initial=score.value if score else None,
                error_messages={"required": _("Anna pisteet tälle kriteerille.")},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Kommentti (vapaaehtoinen)"),
                required=False,
                max_length=2000,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"shared_{criterion.pk}"] = forms.BooleanField(
                label=SHARED_LABEL,
                required=False,
                initial=score.shared_with_nominee if score else False,
            )
        self.fields["overall_comment"].initial = overall
        self.fields["overall_shared"].initial = overall_shared
        last = ["overall_comment", "overall_shared"]
        self.order_fields([*(n for n in self.fields if n not in last), *last])

    def rows(self):
        """(criterion, value field, comment field, shared field) for the template."""
        return [
            (c, self[f"value_{c.pk}"], self[f"comment_{c.pk}"], self[f"shared_{c.pk}"])
            for c in self.criteria
        ]

    def scores(self) -> dict[int, CriterionScore]:
        return {
            c.pk: CriterionScore(
                value=self.cleaned_data[f"value_{c.pk}"],
                comment=self.cleaned_data[f"comment_{c.pk}"],
                shared=self.cleaned_data[f"shared_{c.pk}"],
            )
            for c in self.criteria
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Esteellisyyden syy"),
        max_length=500,
        help_text=_("Esim. olen ollut mukana kehittämässä käytäntöä."),
    )


class DecisionForm(forms.Form):
    recognition = forms.ChoiceField(
        label=_("Raadin päätös"), choices=Recognition.choices, required=False
    )
    statement = forms.CharField(
        label=_("Perustelut"),
        required=False,
        help_text=_("Pakollinen voittajalle ja kunniakirjalle; näkyy tulossivulla."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    statement_sv = forms.CharField(
        label=_("Perustelut ruotsiksi"),
        required=False,
        help_text=_("Vapaaehtoinen. Tyhjä näytetään ruotsinkieliselle sivulle suomeksi."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statement_en = forms.CharField(
        label=_("Perustelut englanniksi"),
        required=False,
        help_text=_("Vapaaehtoinen. Tyhjä näytetään englanninkieliselle sivulle suomeksi."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def translations(self) -> dict[str, str]:
        return {lang: self.cleaned_data[f"statement_{lang}"] for lang in ("sv", "en")}


class FinalistForm(forms.ModelForm):
    """A finalist in the admin: the chair's statement and order, the staff's picture (the
    admin leaves out, as read-only, what the signed-in user may not change)."""

    class Meta:
        model = Finalist
        fields = ["statement", "statement_sv", "statement_en", "order", "picture", "picture_alt"]
        widgets = {"picture": forms.ClearableFileInput(attrs={"accept": images.ACCEPT_ATTRIBUTE})}

    def clean_picture(self):
        return images.cleaned_picture(
            self.cleaned_data["picture"], shape=images.FINALIST_PICTURE, prefix="finalist"
        )

    def clean(self):
        cleaned = super().clean()
        if "picture" in self.fields and cleaned.get("picture") and not cleaned.get("picture_alt"):
            self.add_error("picture_alt", _("Kirjoita kuvalle tekstivastine: mitä kuvassa näkyy."))
        return cleaned
