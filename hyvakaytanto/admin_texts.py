"""Finnish that Django's generic admin texts get wrong.

Django builds titles and counts by putting a model's name into a fixed sentence: "Muokkaa
%s", "%(count)s %(name)s". Finnish inflects the name instead: "Muokkaa finalistia",
"9 arvioitavaa ehdotusta". Each model the staff see has its partitive singular here, the
form both of those need; the admin's templates (templates/admin/) use it through the
``admin_fi`` template tags.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

# app_label.model_name → the partitive singular of its verbose_name.
PARTITIVE = {
    "hyvakaytanto.competition": "kilpailuvuotta",
    "hyvakaytanto.criterion": "arviointikriteeriä",
    "hyvakaytanto.auditevent": "lokitapahtumaa",
    "hyvakaytanto.outgoingemail": "lähtevää sähköpostia",
    "hyvakaytanto.sitesettings": "sivuston asetuksia",
    "nominations.nomination": "ehdotusta",
    "nominations.attachment": "liitettä",
    "nominations.criterionanswer": "kriteerivastausta",
    "nominations.nominationdraft": "ehdotusluonnosta",
    "jury.jurymember": "raadin jäsentä",
    "jury.conflictofinterest": "esteellisyysilmoitusta",
    "jury.score": "pisteytystä",
    "jury.overallcomment": "kokonaisarviota",
    "jury.finalist": "finalistia",
    "jury.feedbackround": "lähetettyä palautetta",
    "jury.scoringnomination": "arvioitavaa ehdotusta",
    "jury.rankingentry": "ehdotusta",
    "voting.vote": "ääntä",
    "voting.votetally": "kilpailuvuotta",
    "voting.votermailbox": "äänestäjää",
    "archive.awardyear": "palkintovuotta",
    "archive.award": "tunnustusta",
    "archive.resultspublication": "kilpailuvuotta",
    "auth.user": "käyttäjää",
    "auth.group": "ryhmää",
}


def partitive(opts) -> str:
    return PARTITIVE.get(opts.label_lower, str(opts.verbose_name))


def count_of(count: int, opts) -> str:
    """ "1 finalisti", "9 finalistia"."""
    return f"{count} {opts.verbose_name if count == 1 else partitive(opts)}"


def page_title(title: str, opts) -> str:
    """The Finnish a person would write for Django's generic changelist and form titles."""
    if not title or not hasattr(opts, "verbose_name"):  # pages about no model
        return title
    name = str(opts.verbose_name)
    generic_lists = {
        _("Select %s to change") % name,
        _("Select %s to view") % name,
    }
    if title in generic_lists:
        return capfirst(str(opts.verbose_name_plural))
    if title == _("Change %s") % name:
        return _("Muokkaa %(name)s") % {"name": partitive(opts)}
    return title
