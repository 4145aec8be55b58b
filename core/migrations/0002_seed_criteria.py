"""The four fixed award criteria, in Finnish, Swedish and English."""

from django.db import migrations

CRITERIA = [
    {
        "number": 1,
        "name_fi": "Helposti sovellettava",
        "name_sv": "Lätt att tillämpa",
        "name_en": "Easily applicable",
        "guidance_fi": (
            "Miten käytäntö on otettavissa käyttöön muissa organisaatioissa tai muilla alueilla? "
            "Mitä käyttöönotto vaatii: osaamista, aikaa, rahaa, yhteistyökumppaneita?"
        ),
        "guidance_sv": (
            "Hur kan praxisen tas i bruk i andra organisationer eller regioner? "
            "Vad kräver införandet: kompetens, tid, pengar, samarbetspartner?"
        ),
        "guidance_en": (
            "How can the practice be taken up by other organisations or regions? "
            "What does adopting it take: skills, time, money, partners?"
        ),
    },
    {
        "number": 2,
        "name_fi": "Asiakkaiden ja työntekijöiden hyväksi havaitsema",
        "name_sv": "Upplevd som god av klienter och anställda",
        "name_en": "Found good by clients and workers",
        "guidance_fi": (
            "Millaista palautetta asiakkaat ja työntekijät ovat antaneet? "
            "Miten he ovat olleet mukana kehittämässä käytäntöä?"
        ),
        "guidance_sv": (
            "Vilken respons har klienterna och de anställda gett? "
            "Hur har de varit med och utvecklat praxisen?"
        ),
        "guidance_en": (
            "What feedback have clients and workers given? "
            "How have they taken part in developing the practice?"
        ),
    },
    {
        "number": 3,
        "name_fi": "Yhteiskunnallisesti vaikuttava",
        "name_sv": "Samhälleligt verkningsfull",
        "name_en": "Socially impactful",
        "guidance_fi": (
            "Millaisia vaikutuksia käytännöllä on asiakkaiden elämään, palvelujärjestelmään "
            "tai laajemmin yhteiskuntaan?"
        ),
        "guidance_sv": (
            "Vilka effekter har praxisen på klienternas liv, på servicesystemet "
            "eller mer allmänt på samhället?"
        ),
        "guidance_en": (
            "What effects does the practice have on clients' lives, on the service system "
            "or on society more widely?"
        ),
    },
    {
        "number": 4,
        "name_fi": "Arvioitu",
        "name_sv": "Utvärderad",
        "name_en": "Evaluated",
        "guidance_fi": (
            "Kuka käytäntöä on arvioinut ja millä menetelmillä? Mitä arviointi osoitti? "
            "Liitä arviointiraportti, jos sellainen on."
        ),
        "guidance_sv": (
            "Vem har utvärderat praxisen och med vilka metoder? Vad visade utvärderingen? "
            "Bifoga utvärderingsrapporten om en sådan finns."
        ),
        "guidance_en": (
            "Who has evaluated the practice and how? What did the evaluation show? "
            "Attach the evaluation report if there is one."
        ),
    },
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("hyvakaytanto", "Criterion")
    for row in CRITERIA:
        Criterion.objects.update_or_create(number=row["number"], defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("hyvakaytanto", "Criterion").objects.filter(
        number__in=[row["number"] for row in CRITERIA]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("hyvakaytanto", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
