import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nominations import views
from nominations.enums import NominationState
from nominations.models import Attachment, CriterionAnswer, Nomination
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.nominations import AttachmentFactory, NominationFactory
from tests.nominations.conftest import PNG_BYTES, docx_file, pdf_file, valid_form_data
from tests.pages import text_of

pytestmark = pytest.mark.django_db

MICROSECOND = timedelta(microseconds=1)
NOMINATE = "/ehdota/"


def private_path_from(email) -> str:
    match = re.search(r"https://hyvakaytanto\.example(/ehdotus/[\w-]+/)", email.body)
    assert match, email.body
    return match.group(1)


# --- The nomination window -------------------------------------------------------------


def test_form_is_closed_one_microsecond_before_nominations_open(client):
    competition = CompetitionFactory(draft=True)

    with time_machine.travel(competition.nomination_opens_at - MICROSECOND, tick=False):
        response = client.get(NOMINATE)

    # A year in preparation is not public yet: the page says no call is open.
    assert "Ehdotusaika ei ole nyt käynnissä" in text_of(response)
    assert 'name="practice_name"' not in response.content.decode()


def test_form_opens_at_the_exact_opening_moment(client):
    competition = CompetitionFactory(draft=True)

    with time_machine.travel(competition.nomination_opens_at, tick=False):
        response = client.get(NOMINATE)

    assert 'name="practice_name"' in response.content.decode()


def test_submission_is_accepted_one_microsecond_before_the_deadline(client, form_data):
    competition = CompetitionFactory()

    with time_machine.travel(competition.nomination_closes_at - MICROSECOND, tick=False):
        response = client.post(NOMINATE, form_data)

    assert response.status_code == 302
    assert Nomination.objects.count() == 1


def test_submission_at_the_deadline_is_refused_and_gives_the_text_back(client, form_data):
    competition = CompetitionFactory()

    with time_machine.travel(competition.nomination_closes_at, tick=False):
        response = client.post(NOMINATE, form_data)

    html = response.content.decode()
    assert response.status_code == 403
    assert not Nomination.objects.exists()
    assert "Ehdotusaika on päättynyt" in html
    assert "Perustelu kriteerille Arvioitu." in html


def test_closed_form_says_nominations_have_closed(client):
    CompetitionFactory(review=True)

    response = client.get(NOMINATE)

    assert "ehdotusaika päättyi" in text_of(response)


def test_form_without_any_competition_is_a_friendly_page(client):
    response = client.get(NOMINATE)

    assert response.status_code == 200
    assert "Ehdotusaika ei ole nyt käynnissä" in text_of(response)


# --- Validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    [
        "practice_name",
        "summary",
        "organisations",
        "region",
        "target_group",
        "contact_name",
        "contact_title",
        "contact_email",
        "contact_phone",
    ],
)
def test_every_required_field_is_validated_in_finnish(client, competition, form_data, field):
    response = client.post(NOMINATE, {**form_data, field: ""})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == ["Tämä kenttä vaaditaan."]
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    ("number", "name"),
    [
        (1, "Helposti sovellettava"),
        (2, "Asiakkaiden ja työntekijöiden hyväksi havaitsema"),
        (3, "Yhteiskunnallisesti vaikuttava"),
        (4, "Arvioitu"),
    ],
)
def test_each_criterion_answer_is_required_with_a_finnish_message(
    client, competition, form_data, number, name
):
    response = client.post(NOMINATE, {**form_data, f"criterion_{number}": "  "})

    assert response.context["form"].errors[f"criterion_{number}"] == [
        f"Kerro, miten käytäntö täyttää kriteerin ”{name}”."
    ]


def test_consents_are_required_with_finnish_messages(client, competition, form_data):
    data = {
        k: v for k, v in form_data.items() if k not in {"publish_consent", "privacy_acknowledged"}
    }

    errors = client.post(NOMINATE, data).context["form"].errors

    assert errors["publish_consent"] == ["Ehdotus edellyttää suostumusta julkaisuun."]
    assert errors["privacy_acknowledged"] == ["Vahvista, että olet lukenut tietosuojaselosteen."]


def test_too_long_answer_is_refused_with_its_length(client, competition, form_data):
    response = client.post(NOMINATE, {**form_data, "criterion_1": "x" * 3001})

    assert "enintään 3000 merkkiä" in response.context["form"].errors["criterion_1"][0]


def test_innokyla_link_must_point_to_innokyla(client, competition, form_data):
    response = client.post(
        NOMINATE, {**form_data, "innokyla_url": "https://evil.example/innokyla.fi"}
    )

    assert response.context["form"].errors["innokyla_url"] == [
        "Linkin on osoitettava Innokylän sivulle (innokyla.fi)."
    ]


def test_form_with_an_error_comes_back_with_every_text_as_typed(client, competition, form_data):
    response = client.post(NOMINATE, {**form_data, "contact_email": "ei-osoite"})

    html = response.content.decode()
    assert response.status_code == 400
    for field in [
        "practice_name",
        "organisations",
        "target_group",
        "contact_name",
        "contact_phone",
    ]:
        assert f'value="{form_data[field]}"' in html
    for field in ["summary", "criterion_1", "criterion_4"]:
        assert f">\n{form_data[field]}</textarea>" in html
    assert '<option value="lappi" selected>' in html
    assert "Syötä kelvollinen sähköpostiosoite." in html


def test_honeypot_filled_by_a_bot_creates_nothing(client, competition, form_data):
    response = client.post(NOMINATE, {**form_data, "website": "http://spam.example"})

    assert response.status_code == 400
    assert not Nomination.objects.exists()


# --- Attachments ----------------------------------------------------------------------------


def test_file_named_pdf_whose_content_is_not_pdf_is_refused(client, competition, form_data):
    fake = SimpleUploadedFile("raportti.pdf", b"MZ\x90\x00 this is a program", "application/pdf")

    response = client.post(NOMINATE, {**form_data, "attachments": [fake]})

    assert response.status_code == 400
    assert response.context["form"].errors["attachments"] == [
        "Tiedoston raportti.pdf sisältö ei ole sallittua tyyppiä. "
        "Sallitut tyypit: PDF, DOCX, ODT, XLSX, PNG, JPEG."
    ]
    assert not Nomination.objects.exists()


def test_eleven_megabyte_file_is_refused(client, competition, form_data):
    big = pdf_file("iso.pdf", size=11 * 1024 * 1024)

    response = client.post(NOMINATE, {**form_data, "attachments": [big]})

    assert response.context["form"].errors["attachments"] == [
        "Tiedosto iso.pdf on liian suuri (11,0\xa0MB). Suurin sallittu koko on 10,0\xa0MB."
    ]


def test_sixth_file_is_refused_and_the_files_must_be_chosen_again(client, competition, form_data):
    files = [pdf_file(f"liite{n}.pdf") for n in range(6)]

    response = client.post(NOMINATE, {**form_data, "attachments": files})

    text = text_of(response)
    assert response.context["form"].errors["attachments"] == [
        "Liitteitä voi olla enintään 5. Nyt niitä olisi 6."
    ]
    assert "Valitse liitteet uudelleen" in text
    assert "liite5.pdf" in text
    assert response.context["form"]["practice_name"].value() == form_data["practice_name"]


def test_allowed_files_are_stored_under_random_names_with_their_real_type(
    client, competition, form_data
):
    png = SimpleUploadedFile("../../kuva.pdf", PNG_BYTES)

    client.post(NOMINATE, {**form_data, "attachments": [pdf_file(), docx_file(), png]})

    stored = {a.original_name: a for a in Attachment.objects.all()}
    assert set(stored) == {"arviointi.pdf", "raportti.docx", "kuva.pdf"}
    assert stored["kuva.pdf"].content_type == "image/png"
    assert stored["kuva.pdf"].file.name.endswith(".png")
    assert "kuva" not in stored["kuva.pdf"].file.name
    assert stored["raportti.docx"].content_type.endswith("wordprocessingml.document")


# --- After submitting ------------------------------------------------------------------------


def test_valid_nomination_creates_a_row_per_answer_and_one_email_with_a_working_link(
    client, competition, form_data, mailoutbox, delivering
):
    with delivering():
        response = client.post(NOMINATE, form_data)

    nomination = Nomination.objects.get()
    assert CriterionAnswer.objects.filter(nomination=nomination).count() == 4
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["liisa.lappalainen@lapha.example"]
    assert email.subject == "Ehdotus vastaanotettu: Asiakastyön menetelmäkorteilla osallisuutta"
    path = private_path_from(email)
    assert response["Location"] == path
    page = client.get(path)
    assert page.status_code == 200
    assert "Asiakastyön menetelmäkorteilla osallisuutta" in text_of(page)
    assert "Kiitos! Ehdotus on vastaanotettu." in text_of(page)


def test_private_link_token_is_stored_only_as_a_hash(
    client, competition, form_data, mailoutbox, delivering
):
    with delivering():
        client.post(NOMINATE, form_data)

    token = private_path_from(mailoutbox[0]).split("/")[2]
    assert token not in Nomination.objects.get().token_hash


def test_nominator_edits_before_the_deadline(client):
    nomination = NominationFactory(token="edit-token")
    data = valid_form_data(practice_name="Uusi nimi", criterion_2="Uusi perustelu.")

    response = client.post("/ehdotus/edit-token/muokkaa/", data)

    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.practice_name == "Uusi nimi"
    assert nomination.answers.get(criterion__number=2).text == "Uusi perustelu."
    assert nomination.answers.count() == 4


def test_editing_after_the_deadline_is_refused_even_with_a_hand_made_post(client):
    nomination = NominationFactory(token="late-token")
    data = valid_form_data(practice_name="Myöhästynyt muutos")

    with time_machine.travel(nomination.competition.nomination_closes_at, tick=False):
        response = client.post("/ehdotus/late-token/muokkaa/", data)
        page = client.get("/ehdotus/late-token/")

    nomination.refresh_from_db()
    assert response.status_code == 403
    assert nomination.practice_name != "Myöhästynyt muutos"
    assert "Muokkaa ehdotusta" not in text_of(page)
    assert "eikä sitä voi enää muuttaa" in text_of(page)


def test_withdraw_asks_for_confirmation_then_withdraws_and_shows_it(client, mailoutbox, delivering):
    nomination = NominationFactory(token="withdraw-token")

    confirm = client.get("/ehdotus/withdraw-token/peru/")
    with delivering():
        response = client.post("/ehdotus/withdraw-token/peru/", follow=True)

    nomination.refresh_from_db()
    assert "Haluatko varmasti perua" in text_of(confirm)
    assert nomination.state == NominationState.WITHDRAWN
    assert "Olet perunut tämän ehdotuksen" in text_of(response)
    assert mailoutbox[0].subject.startswith("Ehdotus peruttu")


def test_withdraw_after_the_deadline_is_refused(client):
    nomination = NominationFactory(token="late-withdraw")

    with time_machine.travel(nomination.competition.nomination_closes_at, tick=False):
        client.post("/ehdotus/late-withdraw/peru/")

    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED


def test_wrong_token_is_a_404_that_reveals_nothing_and_leads_to_new_links(client):
    NominationFactory(token="real-token", practice_name="Salainen käytäntö")

    response = client.get("/ehdotus/real-tokem/")

    assert response.status_code == 404
    assert "Salainen käytäntö" not in response.content.decode()
    assert "Linkki ei ole voimassa" in text_of(response)
    assert 'href="/ehdotus/linkki/">Tilaa uusi linkki' in response.content.decode()


def test_a_replaced_link_explains_itself_on_every_page_of_the_nomination(
    client, mailoutbox, delivering
):
    nomination = NominationFactory(token="old-token")
    with delivering():
        client.post("/ehdotus/linkki/", {"email": nomination.contact_email})

    for path in ["/ehdotus/old-token/", "/ehdotus/old-token/muokkaa/", "/ehdotus/old-token/peru/"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "vain uusin sähköpostiin tullut linkki on voimassa" in text_of(response), path
        assert 'href="/ehdotus/linkki/"' in response.content.decode(), path


def test_a_withdrawn_nomination_says_so_and_shows_the_way_forward(client):
    NominationFactory(token="gone", state=NominationState.WITHDRAWN, withdrawn_at=timezone.now())

    response = client.get("/ehdotus/gone/")

    assert "Peruttua ehdotusta ei voi palauttaa" in text_of(response)
    assert 'href="/ehdota/">Tee uusi ehdotus' in response.content.decode()
    assert 'href="/ehdotus/linkki/"' in response.content.decode()


def test_nomination_text_is_rendered_escaped(client):
    NominationFactory(token="xss-token", practice_name="<script>alert(1)</script>")

    html = client.get("/ehdotus/xss-token/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Who can read attachments ---------------------------------------------------------------


def test_attachment_is_not_reachable_anonymously(client):
    attachment = AttachmentFactory()

    response = client.get(reverse("nominations:attachment_download", args=[attachment.pk]))

    assert response.status_code == 404


def test_attachment_is_not_reachable_with_another_nominations_token(client):
    attachment = AttachmentFactory()
    NominationFactory(token="other-token")

    response = client.get(f"/ehdotus/other-token/liite/{attachment.pk}/")

    assert response.status_code == 404


def test_nominator_downloads_their_own_attachment_as_a_download(client):
    attachment = AttachmentFactory(nomination=NominationFactory(token="own-token"))

    response = client.get(f"/ehdotus/own-token/liite/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="arviointiraportti.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_staff_downloads_an_attachment(staff_client):
    attachment = AttachmentFactory()

    response = staff_client.get(reverse("nominations:attachment_download", args=[attachment.pk]))
    response.close()

    assert response.status_code == 200


def test_staff_without_the_view_permission_gets_a_404(client, django_user_model):
    user = django_user_model.objects.create_user("muu", is_staff=True)
    admin_login(client, user)
    attachment = AttachmentFactory()

    response = client.get(reverse("nominations:attachment_download", args=[attachment.pk]))

    assert response.status_code == 404


# --- Lost link and abuse ------------------------------------------------------------------------


def test_resend_gives_the_same_answer_for_unknown_and_known_addresses(
    client, mailoutbox, delivering
):
    nomination = NominationFactory(token="old-token")

    with delivering():
        unknown = client.post("/ehdotus/linkki/", {"email": "tuntematon@example.com"}, follow=True)
        known = client.post(
            "/ehdotus/linkki/", {"email": nomination.contact_email.upper()}, follow=True
        )

    assert text_of(unknown).replace("tuntematon@example.com", "X") == text_of(known).replace(
        nomination.contact_email.upper(), "X"
    )
    assert len(mailoutbox) == 1
    new_path = private_path_from(mailoutbox[0])
    assert client.get(new_path).status_code == 200
    assert client.get("/ehdotus/old-token/").status_code == 404


def test_submissions_are_rate_limited_per_client_and_keep_the_text(
    client, competition, form_data, monkeypatch
):
    monkeypatch.setattr(views, "SUBMIT_LIMIT", views.Limit("test-submit", 1, timedelta(hours=1)))
    client.post(NOMINATE, form_data, REMOTE_ADDR="203.0.113.7")

    response = client.post(NOMINATE, form_data, REMOTE_ADDR="203.0.113.7")
    other_client = client.post(NOMINATE, form_data, REMOTE_ADDR="203.0.113.8")

    assert response.status_code == 429
    assert "Liian monta ehdotusta" in text_of(response)
    assert f'value="{form_data["practice_name"]}"' in response.content.decode()
    assert other_client.status_code == 302
    assert Nomination.objects.count() == 2


def test_link_resends_are_rate_limited_per_address(client, mailoutbox, delivering):
    nomination = NominationFactory()
    with delivering():
        for _ in range(3):
            client.post("/ehdotus/linkki/", {"email": nomination.contact_email})

    response = client.post("/ehdotus/linkki/", {"email": nomination.contact_email})

    assert response.status_code == 429
    assert len(mailoutbox) == 3


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_private_page_query_count_does_not_grow_with_attachments(
    client, django_assert_num_queries, count
):
    nomination = NominationFactory(token="count-token")
    AttachmentFactory.create_batch(count, nomination=nomination)

    with django_assert_num_queries(3):  # nomination with competition, answers, attachments
        response = client.get("/ehdotus/count-token/")

    assert response.status_code == 200


def test_error_summary_lists_problems_in_the_order_of_the_page(client, competition):
    response = client.post(NOMINATE, valid_form_data(summary="", criterion_2="", contact_name=""))

    assert list(response.context["form"].errors) == ["contact_name", "summary", "criterion_2"]


def test_nominator_replaces_an_attachment_while_editing(client):
    nomination = NominationFactory(token="files-token")
    old = AttachmentFactory(nomination=nomination)

    client.post(
        "/ehdotus/files-token/muokkaa/",
        {**valid_form_data(), "remove_attachments": [old.pk], "attachments": [docx_file()]},
    )

    assert [a.original_name for a in nomination.attachments.all()] == ["raportti.docx"]


def test_editing_cannot_exceed_five_attachments_in_total(client):
    nomination = NominationFactory(token="full-token")
    AttachmentFactory.create_batch(4, nomination=nomination)

    response = client.post(
        "/ehdotus/full-token/muokkaa/",
        {**valid_form_data(), "attachments": [pdf_file("a.pdf"), pdf_file("b.pdf")]},
    )

    assert response.status_code == 400
    assert nomination.attachments.count() == 4


# --- Each thing asked once, clearly --------------------------------------------------------


def test_the_evaluation_is_asked_once_as_criterion_4(client, competition):
    page = text_of(client.get(NOMINATE))

    assert "4. Arvioitu" in page
    assert "Miten käytäntöä on arvioitu" not in page
    assert page.count("Kuka käytäntöä on arvioinut") == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("040 123 4567", "+358 40 1234567"),
        ("0401234567", "+358 40 1234567"),
        ("09 123 4567", "+358 9 1234567"),
        ("+358 50 765 4321", "+358 50 7654321"),
        ("+46 8 123 456 78", "+46 8 123 456 78"),
    ],
)
def test_finnish_and_international_phone_numbers_are_accepted(
    client, competition, form_data, typed, stored
):
    response = client.post(NOMINATE, {**form_data, "contact_phone": typed})

    assert response.status_code == 302
    assert Nomination.objects.get().contact_phone == stored


@pytest.mark.parametrize("typed", ["abc", "123", "040 123", "+358 40 123 4567 890 12"])
def test_a_phone_number_that_is_not_one_is_refused_in_finnish_and_the_text_kept(
    client, competition, form_data, typed
):
    response = client.post(NOMINATE, {**form_data, "contact_phone": typed})

    assert response.status_code == 400
    assert response.context["form"].errors["contact_phone"][0].startswith("Tarkista puhelinnumero.")
    assert f'value="{typed}"' in response.content.decode()
    assert f">\n{form_data['criterion_1']}</textarea>" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_full_answer_with_line_breaks_fits_as_the_browser_counted_it(
    client, competition, form_data
):
    # The browser's counter says 3000; it sends each line break as CR LF, 3009 characters.
    answer = "\r\n".join(["A" * 299] * 10) + "A"

    response = client.post(NOMINATE, {**form_data, "criterion_1": answer})

    assert response.status_code == 302
    stored = Nomination.objects.get().answers.get(criterion__number=1).text
    assert len(stored) == 3000
    assert "\r" not in stored


def test_optional_fields_are_marked_and_required_ones_are_not(client, competition):
    form = client.get(NOMINATE).context["form"]

    marked = {name for name, field in form.fields.items() if "(vapaaehtoinen)" in str(field.label)}
    assert marked == {"innokyla_url", "attachments"}
    assert all(form.fields[name].required is False for name in marked)
    assert "Innokylä-linkki (vapaaehtoinen)" in text_of(client.get(NOMINATE))


def test_an_answer_joined_with_the_old_evaluation_can_be_edited_without_cutting_it(client):
    nomination = NominationFactory(token="long-answer")
    joined = "A" * 3000 + "\n\n" + "B" * 1000
    nomination.answers.filter(criterion__number=4).update(text=joined)

    page = client.get("/ehdotus/long-answer/muokkaa/")
    saved = client.post(
        "/ehdotus/long-answer/muokkaa/", valid_form_data(criterion_4=joined.replace("B", "C"))
    )
    longer = client.post(
        "/ehdotus/long-answer/muokkaa/", valid_form_data(criterion_4=joined + "lisää")
    )

    assert 'maxlength="4002"' in page.content.decode()
    assert saved.status_code == 302
    assert nomination.answers.get(criterion__number=4).text == joined.replace("B", "C")
    assert longer.status_code == 400


def test_the_error_summary_puts_no_full_stop_before_its_colon(client, competition, form_data):
    response = client.post(NOMINATE, {**form_data, "privacy_acknowledged": ""})

    text = text_of(response).replace(" :", ":")
    assert "Olen lukenut tietosuojaselosteen: Vahvista" in text
    assert ".:" not in text
