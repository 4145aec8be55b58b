from django.db import models
from django.utils.translation import gettext_lazy as _


class NominationState(models.TextChoices):
    SUBMITTED = "submitted", _("Vastaanotettu")
    WITHDRAWN = "withdrawn", _("Peruttu")
    INELIGIBLE = "ineligible", _("Ei kelpoinen")


class Region(models.TextChoices):
    """The 21 wellbeing services counties, Helsinki, and practices run nationwide."""

    ITA_UUSIMAA = "ita-uusimaa", _("Itä-Uusimaa")
    KESKI_UUSIMAA = "keski-uusimaa", _("Keski-Uusimaa")
    LANSI_UUSIMAA = "lansi-uusimaa", _("Länsi-Uusimaa")
    VANTAA_KERAVA = "vantaa-kerava", _("Vantaa ja Kerava")
    HELSINKI = "helsinki", _("Helsinki")
    VARSINAIS_SUOMI = "varsinais-suomi", _("Varsinais-Suomi")
    SATAKUNTA = "satakunta", _("Satakunta")
    KANTA_HAME = "kanta-hame", _("Kanta-Häme")
    PIRKANMAA = "pirkanmaa", _("Pirkanmaa")
    PAIJAT_HAME = "paijat-hame", _("Päijät-Häme")
    KYMENLAAKSO = "kymenlaakso", _("Kymenlaakso")
    ETELA_KARJALA = "etela-karjala", _("Etelä-Karjala")
    ETELA_SAVO = "etela-savo", _("Etelä-Savo")
    POHJOIS_SAVO = "pohjois-savo", _("Pohjois-Savo")
    POHJOIS_KARJALA = "pohjois-karjala", _("Pohjois-Karjala")
    KESKI_SUOMI = "keski-suomi", _("Keski-Suomi")
    ETELA_POHJANMAA = "etela-pohjanmaa", _("Etelä-Pohjanmaa")
    POHJANMAA = "pohjanmaa", _("Pohjanmaa")
    KESKI_POHJANMAA = "keski-pohjanmaa", _("Keski-Pohjanmaa")
    POHJOIS_POHJANMAA = "pohjois-pohjanmaa", _("Pohjois-Pohjanmaa")
    KAINUU = "kainuu", _("Kainuu")
    LAPPI = "lappi", _("Lappi")
    NATIONWIDE = "valtakunnallinen", _("Valtakunnallinen toiminta")
