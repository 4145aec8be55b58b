"""The voting rules as the public reads them: the year's text as staff wrote it, or the site's
default, and the numbered rules a vote can be removed under (voting.enums.RemovalRule)."""

from django.utils.translation import gettext as _

from core.models import Competition
from voting.enums import RemovalRule
from voting.models import VotingRules


def default_rules_text() -> str:
    """The site's rules, in the active language, until staff write the year's own."""
    return "\n\n".join(
        [
            _(
                "Jokaisella on yleisöäänestyksessä yksi ääni. Äänestä vain omalla, "
                "henkilökohtaisella sähköpostiosoitteellasi: ääni vahvistetaan koodilla, joka "
                "lähetetään siihen osoitteeseen. Ääntä ei voi vaihtaa."
            ),
            _(
                "Äänestystä seurataan koko sen ajan. Jos äänissä näkyy merkkejä "
                "järjestelmällisestä äänestyksestä, esimerkiksi monta uutta tiliä samasta "
                "verkosta lyhyessä ajassa, numeroituja tai toisiaan muistuttavia osoitteita tai "
                "ohjelmallista äänestämistä, järjestäjä tarkastaa äänet ennen tulosten "
                "julkaisua."
            ),
            _(
                "Järjestäjä voi pyytää äänestäjää vahvistamaan äänensä kirjautumalla uudelleen "
                "uudella koodilla määräpäivään mennessä. Ääni, jota ei vahvisteta, poistetaan."
            ),
            _(
                "Tulosten yhteydessä kerrotaan, montako ääntä poistettiin ja minkä säännön "
                "perusteella. Jos ääniä ei poistettu, kerrotaan, että äänestys tarkastettiin. "
                "Yksittäisiä äänestäjiä ei nimetä."
            ),
        ]
    )


def rules_text(competition: Competition | None) -> tuple[str, str]:
    """(the rules' text, its language) for the year, in the active language when written."""
    rules = VotingRules.objects.filter(competition=competition).first() if competition else None
    if rules is None or not rules.text.strip():
        return default_rules_text(), ""
    return rules.in_active_language("text"), rules.language_of("text")


def removal_rules() -> list[tuple[int, str]]:
    """The numbered rules a vote can be removed under, in the order the results cite them."""
    return [(number, label) for number, label in enumerate(RemovalRule.labels, start=1)]
