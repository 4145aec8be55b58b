"""An audit action for the scores revised after the meeting."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hyvakaytanto', '0022_meeting_agenda'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('login', 'Kirjautuminen'), ('login_failed', 'Epäonnistunut kirjautuminen'), ('locked_out', 'Tili lukittu virheellisten salasanojen vuoksi'), ('otp_failed', 'Väärä vahvistuskoodi'), ('otp_added', 'Todennussovellus otettu käyttöön'), ('session_expired', 'Istunto vanheni'), ('refused', 'Pääsy evätty'), ('deactivated', 'Tili poistettu käytöstä'), ('score_saved', 'Pisteet tallennettu'), ('scoring_done', 'Arviointi merkitty valmiiksi'), ('scoring_reopened', 'Arviointi avattu uudelleen'), ('conflict', 'Esteellisyys ilmoitettu'), ('conflict_withdrawn', 'Esteellisyys peruttu'), ('shortlisted', 'Finalistiksi valittu'), ('unshortlisted', 'Poistettu finalisteista'), ('finalists_published', 'Finalistit julkaistu'), ('decided', 'Raadin ratkaisu'), ('results_published', 'Tulokset julkaistu'), ('results_unpublished', 'Tulosten julkaisu peruttu'), ('feedback_sent', 'Raadin palaute lähetetty ehdottajille'), ('export', 'Henkilötietoja sisältävä vienti'), ('erased', 'Henkilötiedot poistettu'), ('retention', 'Säilytysajan ylittäneet tiedot poistettu'), ('year_deleted', 'Kilpailuvuosi poistettu'), ('invited', 'Kutsu lähetetty'), ('invitation_revoked', 'Kutsu peruttu'), ('invitation_accepted', 'Kutsu hyväksytty'), ('recovery_codes', 'Uudet varakoodit luotu'), ('votes_decided', 'Päätös epäilyttävistä äänistä'), ('votes_reversed', 'Päätös äänistä peruttu'), ('votes_unconfirmed', 'Vahvistamattomat äänet poistettu'), ('agenda_changed', 'Raadin kokouksen asialistaa muutettu'), ('score_revised', 'Pisteitä tarkistettu kokouksen jälkeen')], editable=False, max_length=32, verbose_name='tapahtuma'),
        ),
    ]
