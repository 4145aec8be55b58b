"""The award's record 2007–2022 from Talentia's published lists.

Sources: Talentia's page on the award (every winner 2007–2022; 2009 had two winners; no
award in 2015) and the 2022 news on the public vote (the four finalists with the jury's
statements; the 2022 winner is one of them and is recorded once, as the winner).
Where a source names no organisation, none is recorded.
"""

from django.db import migrations

NOT_AWARDED = {2015: "Palkintoa ei jaettu vuonna 2015."}

WINNERS = [
    (2007, "Lapsilähtöisen kriisityön kehittämishanke Perhe Villa",
     "Kotkan perheneuvola ja Tukikeskus Villa Jensen"),
    (2008, "Serveri – Sosiaalisen kuntoutuksen mallintaminen",
     "Vaasan kaupunki, psykososiaaliset palvelut"),
    (2009, "Neuvolan perhetyö – varhaista tukea perheille", "Jyväskylän kaupunki"),
    (2009, "Time Out! Aikalisä! Elämä raiteilleen -yhteistyömallilla tukea nuorille miehille",
     "Helsingin kaupunki"),
    (2010, "Oppimisvaikeuksista vapaaksi -hanke", "Kriminaalihuollon tukisäätiö"),
    (2011, "Nuorten vertaisvalistusohjelma Skarppi",
     "Helsingin kaupungin nuorisoasiainkeskus ja Kalliolan Nuoret ry"),
    (2012, "eFamily Coach – mobiiliavusteinen perheiden ja nuorten tukemisen työskentelymalli",
     "Jyväskylän ammattikorkeakoulu ja Jyväskylän yliopisto"),
    (2013, "KiipIt-projekti – jalkautuva ja kiinnipitävä nivelvaihetyö päihdekuntoutujan rinnalla",
     "Kirkkopalvelut ry/Kehittämiskeskus Tyynelä"),
    (2014, "Suvanto-ryhmä", "Turvallisen vanhuuden puolesta – Suvanto ry"),
    (2016, "SISUKAS – monialainen tukimalli sijoitettujen lasten koulunkäyntiin", "Pesäpuu ry"),
    (2017, "Lastensuojelun ensiarvioinnin ja päivystyksen malli Ahma",
     "Espoon keskuksen lastensuojelu"),
    (2018, "Kaikukortti-toimintamalli", "Kulttuuria kaikille -palvelu"),
    (2019, "Kototori: ohjausta, neuvontaa ja kohtaamista Hervannan ytimessä", ""),
    (2020, "Turvallisuutta yhdessä toimien", "Perhekuntoutuskeskus Lauste"),
    (2021, "Kunnan keskitetyn palveluohjauksen ja järjestöjen etsivän vanhustyön systeeminen "
     "verkostoyhdyspintatyö",
     "Helsingin seniori-info ja helsinkiläisten etsivää vanhustyötä tekevät järjestöt"),
    (2022, "Perhe yhtenäiseksi – perheterapeuttista tukea pakolaisperheille",
     "Oulun kaupungin maahanmuuttajapalvelut, Turvallinen Oulu -hanke"),
]

# The 2022 finalists with the jury's statements; the winner above is one of them.
STATEMENTS_2022 = {
    "Perhe yhtenäiseksi – perheterapeuttista tukea pakolaisperheille": (
        "Perhe yhtenäiseksi -käytäntö on palkintoraadin mielestä tärkeä ennaltaehkäisevä "
        "palvelumalli, jolla tuetaan perheen kotoutumista ja eri kulttuurien tuntemuksen "
        "vahvistumista. Malli on kehitetty ilman erillisrahoitusta, ja se on lähtenyt hyvin "
        "leviämään. Se voidaan helposti mallintaa osaksi kotouttamis- ja perhepalveluiden "
        "kokonaisuutta. Toimintamalli on arvioitu."
    ),
}
FINALISTS_2022 = [
    (
        "Enna-malli — keskitetty ennakollisten lastensuojeluilmoitusten käsittely",
        "Vantaan kaupungin lapsiperheiden sosiaalityön yksikkö",
        "Palkintoraati kiittää Enna-mallia aidosti ennaltaehkäiseväksi toimintamalliksi, jossa "
        "perheen ongelmiin puututaan varhaisessa vaiheessa, eikä perhettä pompotella paikasta "
        "toiseen. Malli on arvioitu ja todettu vaikuttavaksi. Moniammatillinen yhteistyö toimii "
        "hyvin, ja asiakkaat ovat antaneet toimintamallista hyvää palautetta.",
    ),
    (
        "Ruskon nanny – lainattavaa kasvatusapua lapsiperheille",
        "Ruskon kunta",
        "Palkintoraati pitää Ruskon nanny -mallia helppona, matalan kynnyksen palveluna "
        "lapsiperheille. Perheet saavat nopeasti apua, ennen kuin ongelmat ehtivät kasvaa. "
        "Palvelu on kehitetty yhdessä asiakkaiden kanssa, ja sillä on saatu aikaan hyviä "
        "tuloksia. Toimintamalli on arvioitu ja sitä voivat helposti kopioida myös muut.",
    ),
    (
        "Sijaishuollon haastekisa",
        "Pesäpuu ry",
        "Palkintoraati kiittää Sijaishuollon haastekisaa innovatiiviseksi ja "
        "ratkaisukeskeiseksi toimintamalliksi, jossa sijaishuollon nuoret osallistuvat "
        "kehittämistyöhön. Malli on yhteiskunnallisesti merkittävä ja se on mallinnettavissa "
        "myös muihin sosiaalipalveluihin. Toimintamalli on monipuolisesti arvioitu.",
    ),
]


def load(apps, schema_editor):
    AwardYear = apps.get_model("archive", "AwardYear")
    Award = apps.get_model("archive", "Award")
    for year in range(2007, 2023):
        AwardYear.objects.update_or_create(
            year=year,
            defaults={"awarded": year not in NOT_AWARDED, "note": NOT_AWARDED.get(year, "")},
        )
    for order, (year, practice, organisation) in enumerate(WINNERS):
        Award.objects.update_or_create(
            year_id=year,
            kind="winner",
            practice_name=practice,
            defaults={
                "organisation": organisation,
                "jury_statement": STATEMENTS_2022.get(practice, "") if year == 2022 else "",
                "order": order,
            },
        )
    for order, (practice, organisation, statement) in enumerate(FINALISTS_2022):
        Award.objects.update_or_create(
            year_id=2022,
            kind="finalist",
            practice_name=practice,
            defaults={"organisation": organisation, "jury_statement": statement, "order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("archive", "AwardYear").objects.filter(
        year__range=(2007, 2022), competition__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
