"""Drafts: a nomination's texts saved on the server, never lost, never seen by the jury."""

import io
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from nominations import services
from nominations.models import Nomination, NominationDraft
from nominations.queries import export_dataset, nominations_per_competition
from nominations.tasks import send_draft_reminders
from tests.admin_login import admin_login
from tests.concurrency import at_once
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory, StaffUserFactory
from tests.factories.nominations import NominationFactory
from tests.nominations.conftest import valid_form_data
from tests.nominations.test_views import text_of
from tests.queue import run_worker

pytestmark = pytest.mark.django_db

NOMINATE = "/ehdota/"
HALF = {
    "contact_name": "Liisa Lappalainen",
    "contact_email": "liisa@lapha.example",
    "practice_name": "Menetelmäkortit",
    "summary": "Kortit tukevat osallisuutta.\r\nToinen rivi.",
    "region": "lappi",
    "criterion_1": "Helppo ottaa käyttöön: kortit ja opas.",
}


def link_in(message) -> str:
    match = re.search(r"https://hyvakaytanto\.example(/ehdotus/luonnos/[\w-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def save_draft(client, path=NOMINATE, **data):
    return client.post(path, {**HALF, **data, "action": "draft"})


# --- Saving without JavaScript ----------------------------------------------------------------


def test_the_draft_button_saves_the_texts_and_emails_a_link_that_shows_them(
    client, competition, mailoutbox, delivering
):
    with delivering():
        response = save_draft(client)

    (message,) = mailoutbox
    link = link_in(message)
    page = client.get(link)
    html = page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == link
    assert message.to == ["liisa@lapha.example"]
    assert message.subject == "Linkki ehdotusluonnokseesi: Menetelmäkortit"
    assert message.body.startswith("Hei Liisa Lappalainen,")
    assert "Luonnos tallennettu klo" in text_of(page)
    assert 'value="Menetelmäkortit"' in html
    assert ">\nKortit tukevat osallisuutta.\nToinen rivi.</textarea>" in html
    assert ">\nHelppo ottaa käyttöön: kortit ja opas.</textarea>" in html
    assert '<option value="lappi" selected>' in html
    assert not Nomination.objects.exists()


def test_a_draft_needs_an_address_and_says_so_keeping_every_text(client, competition):
    response = save_draft(client, contact_email="")

    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["contact_email"] == [
        "Anna yhteyshenkilön sähköpostiosoite, niin tallennamme luonnoksen ja lähetämme "
        "siihen linkin, jolla voit jatkaa."
    ]
    assert 'value="Menetelmäkortit"' in html
    assert ">\nHelppo ottaa käyttöön: kortit ja opas.</textarea>" in html
    assert "Tarkista lomake" in text_of(response)
    assert not NominationDraft.objects.exists()


def test_saving_again_updates_the_same_draft_and_sends_no_second_link(
    client, competition, mailoutbox, delivering
):
    with delivering():
        link = save_draft(client)["Location"]
        save_draft(client, path=link, criterion_2="Asiakkaat pitävät korteista.")

    assert NominationDraft.objects.count() == 1
    assert NominationDraft.objects.get().data["criterion_2"] == "Asiakkaat pitävät korteista."
    assert len(mailoutbox) == 1


def test_a_changed_address_gets_the_link_too(client, competition, mailoutbox, delivering):
    with delivering():
        link = save_draft(client)["Location"]
        save_draft(client, path=link, contact_email="uusi@lapha.example")

    assert [message.to for message in mailoutbox] == [
        ["liisa@lapha.example"],
        ["uusi@lapha.example"],
    ]
    assert link_in(mailoutbox[1]) == link


# --- Saving on its own (JavaScript) -----------------------------------------------------------


def test_autosave_creates_then_updates_one_draft_and_answers_json(client, competition):
    first = client.post("/ehdotus/luonnos/tallenna/", HALF)
    body = first.json()
    second = client.post(body["save_url"], {**HALF, "criterion_3": "Vaikuttava."})

    assert first.status_code == second.status_code == 200
    assert body["url"].startswith("/ehdotus/luonnos/")
    assert body["message"].startswith("Luonnos tallennettu klo ")
    assert "linkistä, jonka lähetimme osoitteeseen liisa@lapha.example" in body["message"]
    assert NominationDraft.objects.get().data["criterion_3"] == "Vaikuttava."


def test_autosave_without_an_address_saves_nothing_and_says_why(client, competition):
    response = client.post("/ehdotus/luonnos/tallenna/", {**HALF, "contact_email": "liisa@"})

    assert response.status_code == 400
    assert response.json()["message"].startswith("Tarkista sähköpostiosoite")
    assert not NominationDraft.objects.exists()


def test_autosave_needs_the_csrf_token(competition):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/ehdotus/luonnos/tallenna/", HALF)

    assert response.status_code == 403
    assert not NominationDraft.objects.exists()


def test_new_drafts_for_one_address_are_limited(client, competition, mailoutbox, delivering):
    with delivering():
        answers = [client.post("/ehdotus/luonnos/tallenna/", HALF) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[3].json()["message"].startswith("Liian monta uutta luonnosta")
    assert len(mailoutbox) == 3


# --- Sending the draft as the nomination ------------------------------------------------------


def test_a_draft_is_sent_as_the_nomination_and_is_then_gone(client, competition, mailoutbox):
    link = save_draft(client)["Location"]

    response = client.post(link, valid_form_data(contact_email="liisa@lapha.example"))

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith("/ehdotus/")
    assert nomination.contact_email == "liisa@lapha.example"
    assert not NominationDraft.objects.exists()
    gone = client.get(link)
    assert gone.status_code == 404
    assert "Se on ehkä jo lähetetty ehdotukseksi" in text_of(gone)
    assert 'href="/ehdotus/linkki/"' in gone.content.decode()


def test_an_incomplete_send_keeps_the_texts_in_the_draft(client, competition):
    link = save_draft(client)["Location"]

    response = client.post(link, {**HALF, "criterion_4": "Arvioitu kyselyllä."})

    assert response.status_code == 400
    assert not Nomination.objects.exists()
    assert NominationDraft.objects.get().data["criterion_4"] == "Arvioitu kyselyllä."


def test_a_draft_cannot_be_sent_or_saved_after_the_deadline_but_its_texts_show(client, competition):
    link = save_draft(client)["Location"]

    with time_machine.travel(competition.nomination_closes_at, tick=False):
        sent = client.post(link, valid_form_data(contact_email="liisa@lapha.example"))
        saved = client.post(link + "tallenna/", HALF)
        page = client.get(link)

    assert sent.status_code == 403
    assert saved.status_code == 403
    assert not Nomination.objects.exists()
    assert "luonnosta ei voi enää lähettää" in text_of(page)
    assert 'value="Menetelmäkortit"' in page.content.decode()
    assert "Lähetä ehdotus" not in text_of(page)


# --- Invisible to the jury, counted nowhere ---------------------------------------------------


def test_a_draft_never_shows_in_the_jurys_lists_or_the_counts(client, competition):
    NominationFactory(competition=competition, practice_name="Lähetetty käytäntö")
    save_draft(client, practice_name="Keskeneräinen luonnos")
    juror = JuryMemberFactory(competition=competition)
    staff = StaffUserFactory(groups=["Viestintä"])

    with time_machine.travel(competition.nomination_closes_at + timedelta(hours=1)):
        admin_login(client, juror.user)
        jury_list = text_of(client.get(reverse("admin:jury_scoringnomination_changelist")))
        client.logout()
        admin_login(client, staff)
        staff_list = text_of(client.get(reverse("admin:nominations_nomination_changelist")))
        (year,) = [c for c in nominations_per_competition() if c.pk == competition.pk]
        rows = export_dataset(competition)

    assert "Lähetetty käytäntö" in jury_list
    assert "Keskeneräinen luonnos" not in jury_list
    assert "Lähetetty käytäntö" in staff_list
    assert "Keskeneräinen luonnos" not in staff_list
    assert (year.nominations_total, year.nominations_live) == (1, 1)
    assert [row[0] for row in rows] == ["Lähetetty käytäntö"]


# --- The reminder, through the task queue -----------------------------------------------------


def test_the_reminder_goes_once_three_days_before_the_deadline(
    client, competition, mailoutbox, delivering
):
    with delivering():
        link = save_draft(client)["Location"]
        sent = save_draft(client, practice_name="Toinen", contact_email="sent@lapha.example")
        client.post(sent["Location"], valid_form_data(contact_email="sent@lapha.example"))
    mailoutbox.clear()
    closes = competition.nomination_closes_at
    late_start = closes - timedelta(days=2)

    reminders = []
    for moment in [
        closes - timedelta(days=3, minutes=5),
        closes - timedelta(days=3) + timedelta(minutes=1),
        late_start,  # someone begins a draft with two days left: no reminder for it
        closes - timedelta(days=1),
        closes - timedelta(minutes=1),
        closes + timedelta(hours=1),
    ]:
        with time_machine.travel(moment, tick=False):
            if moment == late_start:
                with delivering():
                    save_draft(client, contact_email="late@lapha.example")
                mailoutbox.clear()
            send_draft_reminders.defer(timestamp=int(moment.timestamp()))
            run_worker()
            run_worker()
            reminders += [(moment, message) for message in mailoutbox]
            mailoutbox.clear()

    ((when, message),) = reminders
    assert when > closes - timedelta(days=3)
    assert message.to == ["liisa@lapha.example"]
    assert message.subject.startswith("Muistutus: ehdotuksesi on vielä luonnos")
    assert link_in(message) == link
    assert "”Menetelmäkortit” on vielä luonnos" in message.body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_one_reminder(mailoutbox):
    competition = CompetitionFactory()
    with time_machine.travel(competition.nomination_closes_at - timedelta(days=10)):
        services.draft_save(
            competition=competition, texts=HALF, contact_email="liisa@lapha.example"
        )
    now = competition.nomination_closes_at - timedelta(days=2)

    sent = at_once(lambda _: services.draft_reminders_send_due(now=now), range(4))

    assert sorted(sent) == [0, 0, 0, 1]
    assert NominationDraft.objects.get().reminded_at == now


# --- Retention and requests -------------------------------------------------------------------


def test_retention_erases_unsent_drafts_after_the_set_time(client, competition, settings):
    settings.NOMINATION_DRAFT_RETENTION_DAYS = 14
    save_draft(client)
    closes = competition.nomination_closes_at

    with time_machine.travel(closes + timedelta(days=13, hours=23)):
        call_command("apply_retention", stdout=io.StringIO())
        kept = NominationDraft.objects.count()
    with time_machine.travel(closes + timedelta(days=14, minutes=1)):
        call_command("apply_retention", stdout=io.StringIO())
        left = NominationDraft.objects.count()

    assert (kept, left) == (1, 0)


def test_the_privacy_notice_says_when_drafts_are_erased(client, settings):
    settings.NOMINATION_DRAFT_RETENTION_DAYS = 14

    text = text_of(client.get("/tietosuoja/"))

    assert "Lähettämättömät ehdotusluonnokset poistetaan 14 päivän kuluttua" in text


def test_a_data_request_includes_and_erases_the_addresses_drafts(client, competition):
    nomination = NominationFactory(competition=competition, contact_email="liisa@lapha.example")
    save_draft(client, contact_email="Liisa@lapha.example")
    save_draft(client, contact_email="muu@lapha.example")
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))
    changelist = reverse("admin:nominations_nomination_changelist")

    exported = client.post(
        changelist, {"action": "export_contact_data", "_selected_action": [nomination.pk]}
    )
    client.post(
        changelist,
        {"action": "erase_contact_data", "_selected_action": [nomination.pk], "apply": "1"},
    )

    drafts = json.loads(exported.content)["drafts"]
    assert [d["texts"]["practice_name"] for d in drafts] == ["Menetelmäkortit"]
    assert list(NominationDraft.objects.values_list("contact_email", flat=True)) == [
        "muu@lapha.example"
    ]


def test_a_save_that_arrives_late_does_not_undo_a_newer_one(client, competition):
    url = client.post(
        "/ehdotus/luonnos/tallenna/", {**HALF, "draft_writer": "sivu1", "draft_revision": "1"}
    ).json()["save_url"]

    client.post(
        url, {**HALF, "criterion_2": "Uusin.", "draft_writer": "sivu1", "draft_revision": "3"}
    )
    late = client.post(
        url, {**HALF, "criterion_2": "Vanha.", "draft_writer": "sivu1", "draft_revision": "2"}
    )
    assert NominationDraft.objects.get().data["criterion_2"] == "Uusin."
    client.post(
        url,
        {**HALF, "criterion_2": "Toinen laite.", "draft_writer": "sivu2", "draft_revision": "1"},
    )

    assert late.status_code == 200
    assert NominationDraft.objects.get().data["criterion_2"] == "Toinen laite."


# --- Misuse and mishaps -------------------------------------------------------------------


def test_changing_a_drafts_address_back_and_forth_cannot_flood_a_mailbox(
    client, competition, mailoutbox, delivering
):
    url = client.post("/ehdotus/luonnos/tallenna/", HALF).json()["save_url"]
    with delivering():
        answers = [
            client.post(url, {**HALF, "contact_email": address})
            for address in ["uhri@example.fi", "oma@example.fi"] * 4
        ]

    statuses = [answer.status_code for answer in answers]
    assert 429 in statuses
    assert len([m for m in mailoutbox if m.to == ["uhri@example.fi"]]) <= 3


def test_the_link_emails_subject_carries_a_short_one_line_name(
    client, competition, mailoutbox, delivering
):
    with delivering():
        save_draft(client, practice_name="Ilmaista rahaa!\r\n" + "x" * 5000)

    (message,) = mailoutbox
    assert "\n" not in message.subject
    assert len(message.subject) < 120


def test_a_filled_hidden_field_saves_no_draft(client, competition):
    response = client.post("/ehdotus/luonnos/tallenna/", {**HALF, "website": "http://x"})

    assert response.status_code == 400
    assert not NominationDraft.objects.exists()


@pytest.mark.parametrize("revision", ["²", "-1", "9" * 40, "abc"])
def test_an_odd_revision_number_is_no_error(client, competition, revision):
    response = client.post(
        "/ehdotus/luonnos/tallenna/", {**HALF, "draft_writer": "w", "draft_revision": revision}
    )

    assert response.status_code == 200


def test_a_drafts_form_sent_after_the_draft_was_sent_gives_the_texts_back(client, competition):
    link = save_draft(client)["Location"]
    client.post(link, valid_form_data(contact_email="liisa@lapha.example"))

    again = client.post(link, {**HALF, "criterion_3": "Kirjoitettu toisessa välilehdessä."})

    html = again.content.decode()
    assert again.status_code == 410
    assert "Tämä luonnos on jo lähetetty ehdotukseksi tai poistettu" in text_of(again)
    assert ">\nKirjoitettu toisessa välilehdessä.</textarea>" in html
    assert 'action="/ehdota/"' in html
    assert Nomination.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_of_one_draft_at_once_make_one_nomination():
    competition = CompetitionFactory()
    saved = services.draft_save(
        competition=competition, texts=HALF, contact_email="liisa@lapha.example"
    )
    data = valid_form_data(contact_email="liisa@lapha.example")

    def send(_):
        try:
            return Client().post(saved.draft.private_url(saved.token), data).status_code
        finally:
            from django.db import connection

            connection.close()

    statuses = at_once(send, range(3))

    assert Nomination.objects.count() == 1
    assert sorted(statuses) == [302, 410, 410]


def test_a_lost_draft_link_comes_again_from_the_link_page(
    client, competition, mailoutbox, delivering
):
    with delivering():
        link = save_draft(client)["Location"]
        client.post("/ehdotus/linkki/", {"email": "LIISA@lapha.example"})

    assert [link_in(message) for message in mailoutbox] == [link, link]


def test_no_reminder_once_the_address_has_sent_a_nomination_from_a_fresh_form(
    client, competition, mailoutbox, delivering
):
    save_draft(client)
    client.post(NOMINATE, valid_form_data(contact_email="liisa@lapha.example"))
    mailoutbox.clear()

    sent = services.draft_reminders_send_due(
        now=competition.nomination_closes_at - timedelta(days=2)
    )

    assert sent == 0


def test_staff_answering_a_request_find_export_and_erase_a_draft_only_contact(client, competition):
    save_draft(client, contact_email="vain.luonnos@example.fi")
    save_draft(client, contact_email="muu@example.fi")
    draft = NominationDraft.objects.get(contact_email="vain.luonnos@example.fi")
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))
    changelist = reverse("admin:nominations_nominationdraft_changelist")

    found = client.get(changelist, {"q": "vain.luonnos"})
    exported = client.post(
        changelist, {"action": "export_contact_data", "_selected_action": [draft.pk]}
    )
    asked = client.post(changelist, {"action": "erase_drafts", "_selected_action": [draft.pk]})
    still_there = NominationDraft.objects.filter(pk=draft.pk).exists()
    client.post(
        changelist, {"action": "erase_drafts", "_selected_action": [draft.pk], "apply": "1"}
    )

    assert "vain.luonnos@example.fi" in text_of(found)
    assert "Menetelmäkortit" not in text_of(found)  # the texts are not on screen
    assert json.loads(exported.content)["drafts"][0]["texts"]["practice_name"] == "Menetelmäkortit"
    assert "Poistoa ei voi perua" in text_of(asked)
    assert still_there
    assert list(NominationDraft.objects.values_list("contact_email", flat=True)) == [
        "muu@example.fi"
    ]


def test_jurors_cannot_see_drafts_in_the_admin(client, competition):
    save_draft(client)
    admin_login(client, JuryMemberFactory(competition=competition).user)

    response = client.get(reverse("admin:nominations_nominationdraft_changelist"))

    assert response.status_code in (403, 404)
    assert "liisa@lapha.example" not in response.content.decode()
