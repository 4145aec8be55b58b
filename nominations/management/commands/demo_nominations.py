from django.core.management.base import BaseCommand, CommandError

from hyvakaytanto.enums import Phase
from hyvakaytanto.queries import criteria, current_competition
from nominations.enums import Region
from nominations.services import nomination_submit

# Practice models and their developers from THL's "Osallisuuden palaset" list.
DEMO_PRACTICES = [
    (
        "Aistien tila sosiaalityön ympäristönä",
        "Elämyksillä osaksi yhteiskuntaa -hanke (ELO)",
        Region.POHJOIS_SAVO,
    ),
    (
        "Asiakasosallisuusryhmät vammaispalvelujen yhteiskehittämisessä",
        "VamO-hanke: osallisuuden varmistaminen vammaissosiaalityön asiakasprosessissa",
        Region.PIRKANMAA,
    ),
    (
        "Asiakastyön menetelmäkorteilla osallisuutta",
        "VOITTO – Voimavaroja, toimintakykyä ja osallisuutta Lappiin",
        Region.LAPPI,
    ),
    (
        "Digiohjauksella nuori palveluihin",
        "Diakonia-ammattikorkeakoulu, Nuorten digitaaliset tukipolut -hanke",
        Region.HELSINKI,
    ),
    (
        "Elävä Portfolio – oman osaamisen tunnistamisen prosessi",
        "LUmOaVA – Taidelähtöiset menetelmät osallisuuden ja osaamisen tukena",
        Region.KESKI_SUOMI,
    ),
    (
        "Hyvinvointia kioskista – avoin hyvinvoinnin arviointi-, ohjaus- ja tukipalvelu",
        "Hyvinvointikioski työ- ja toimintakyvyn vahvistajana -hanke",
        Region.ETELA_SAVO,
    ),
    (
        "Kiertävä kokous vaikuttamiskeinona terveydenhuollossa",
        "Opioidikorvaushoidossa olevien sosiaalisen osallisuuden vahvistamisen hanke (OK-hanke)",
        Region.VARSINAIS_SUOMI,
    ),
    (
        "Kokemusasiantuntijaraati",
        "Recovery-toimintaorientaatio mielenterveyspalveluissa -hanke",
        Region.POHJOIS_POHJANMAA,
    ),
]


class Command(BaseCommand):
    help = "Add demo nominations to the current competition while it takes nominations."

    def handle(self, *args, **options):
        competition = current_competition()
        if competition is None or competition.phase != Phase.NOMINATION:
            raise CommandError("Run 'demo_data' first: the demo year must be open for nominations.")
        if competition.nominations.exists():
            self.stdout.write("The demo year already has nominations; nothing added.")
            return
        criteria_list = list(criteria())
        # The confirmations go through the queue like any other: in development the worker
        # prints them, private links included, in the console of `python3 dev.py start`.
        for number, (practice, organisation, region) in enumerate(DEMO_PRACTICES, start=1):
            nomination_submit(
                competition=competition,
                data={
                    "practice_name": practice,
                    "summary": f"{practice}: toimintamalli, jolla vahvistetaan "
                    "heikoimmassa asemassa olevien osallisuutta.",
                    "organisations": organisation,
                    "region": region,
                    "innokyla_url": "",
                    "target_group": "Sosiaalipalvelujen asiakkaat ja työntekijät",
                    "evaluation": "Malli on arvioitu Sokra-koordinaation arviointikehyksellä.",
                    "contact_name": f"Yhteyshenkilö {number}",
                    "contact_title": "Kehittämispäällikkö",
                    "contact_email": f"ehdottaja{number}@example.invalid",
                    "contact_phone": "+358 40 000 0000",
                },
                answers={
                    c.number: f"Miten {practice} täyttää kriteerin: {c.name_fi.lower()}."
                    for c in criteria_list
                },
            )
        self.stdout.write(
            self.style.SUCCESS(f"Added {len(DEMO_PRACTICES)} demo nominations to {competition}.")
        )
