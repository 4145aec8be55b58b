"""A whole competition year through the pages people use, from set-up to the archive."""

import base64
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from django_otp.oath import hotp

from core.models import Competition, Criterion
from jury.models import Finalist, JuryMember, Score
from nominations.models import Nomination
from tests.browser.conftest import screenshot, serious_accessibility_violations
from tests.queue import run_worker
from voting.models import Vote

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Salasana-Raati-2027!"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Year:
    """The actors of one year, each in a browser context of their own."""

    def __init__(self, browser, url):
        self.browser, self.url = browser, url
        # Each admin user's authenticator: the key they set up, and the last time step used
        # (a code is accepted once, so a second sign-in within 30 s uses the next step's).
        self.secrets: dict[str, bytes] = {}
        self.steps: dict[str, int] = {}
        # Anything the Content-Security-Policy blocked on any page, as the browser reports it.
        self.blocked: list[str] = []

    def person(self):
        context = self.browser.new_context(base_url=self.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and self.blocked.append(f"{page.url}: {message.text}")
            ),
        )
        return page

    def admin(self, username):
        page = self.person()
        page.goto("/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        # The second step; at the first sign-in, setting up the authenticator app from the
        # key on the page, as a person would type it into their phone.
        page.wait_for_selector("#second-factor-form")
        if page.locator(".second-factor-qr svg").count():
            secret = page.inner_text(".second-factor-secret").replace(" ", "")
            self.secrets[username] = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_code", self.code(username))
        page.click("#second-factor-form input[type=submit]")
        page.wait_for_selector("#user-tools")
        return page

    def code(self, username):
        step = max(int(time.time()) // 30, self.steps.get(username, -1) + 1)
        self.steps[username] = step
        return f"{hotp(self.secrets[username], step):06d}"


def fill_timeline(page, offsets):
    """Type the year's days into the admin form as staff do (an opening by its first day, a
    closing by its last), each given as a number of days from today (Helsinki)."""
    today = timezone.localdate()
    for field, days in offsets.items():
        day = today + timedelta(days=days)
        page.fill(f"[name={field}]", f"{day.day}.{day.month}.{day.year}")


def set_timeline(page, competition_pk, **offsets):
    """Staff move the year's dates in the admin."""
    page.goto(f"/admin/hyvakaytanto/competition/{competition_pk}/change/")
    fill_timeline(page, offsets)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")


def run_action(page, changelist, values, action):
    page.goto(changelist)
    for value in values:
        page.check(f"input[name=_selected_action][value='{value}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def last_mail_to(address):
    run_worker()  # the queue's worker delivers what the site queued
    return [m for m in mail.outbox if address in m.to][-1]


def nominate(page, practice, *, email, phone="040 765 4321", attachment=False):
    page.goto("/ehdota/")
    fields = {
        "practice_name": practice,
        "summary": f"{practice}: toimintamalli.",
        "organisations": "Lapin hyvinvointialue",
        "target_group": "Aikuissosiaalityön asiakkaat",
        "contact_name": "Liisa Lappalainen",
        "contact_title": "Sosiaalityöntekijä",
        "contact_email": email,
        "contact_phone": phone,
    }
    for criterion in Criterion.objects.all():
        fields[f"criterion_{criterion.number}"] = f"Perustelu {criterion.number}."
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=region]", "lappi")
    page.check("[name=publish_consent]")
    page.check("[name=privacy_acknowledged]")
    if attachment:
        page.set_input_files(
            "[name=attachments]",
            files=[{"name": "arviointi.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
    page.click("main button[type=submit]")


def test_a_whole_year(browser, live_server):
    users = get_user_model().objects
    users.create_superuser("viestinta", "viestinta@talentia.example", PASSWORD)
    jurors = []
    for n in range(3):
        juror = users.create_user(
            f"raati{n}",
            f"raati{n}@talentia.example",
            PASSWORD,
            is_staff=True,
            first_name=f"Raati{n}",
        )
        juror.groups.add(Group.objects.get(name="Raati"))
        jurors.append(juror)
    year = Year(browser, live_server.url)

    # Staff set up the year in the admin; nominations are open.
    staff = year.admin("viestinta")
    staff.goto("/admin/hyvakaytanto/competition/add/")
    staff.fill("[name=year]", "2031")
    staff.fill("[name=title]", "Hyvä käytäntö 2031")
    staff.fill("[name=introduction]", "Ehdota sosiaalialan hyvää käytäntöä.")
    staff.fill("[name=prize_text]", "1000 euroa ja matka sosiaalialan konferenssiin ulkomaille.")
    fill_timeline(
        staff,
        {
            "nomination_opens_on": 0,
            "nomination_last_day": 1,
            "scoring_last_day": 2,
            "voting_opens_on": 3,
            "voting_last_day": 4,
        },
    )
    staff.click("input[name=_save]")
    staff.wait_for_selector(".messagelist .success")
    competition = Competition.objects.get(year=2031)
    for n, juror in enumerate(jurors):
        JuryMember.objects.create(
            competition=competition, user=juror, role="chair" if n == 0 else "member"
        )

    # Two organisations nominate: one with an attachment, one after fixing an error.
    first = year.person()
    nominate(first, "Asiakastyön menetelmäkortit", email="eka@lapha.example", attachment=True)
    first.wait_for_selector("text=Kiitos! Ehdotus on vastaanotettu.")
    second = year.person()
    nominate(second, "Digiohjauksella nuori palveluihin", email="toka@diak.example", phone="")
    second.wait_for_selector("#form-errors")
    screenshot(second, "year-01-nomination-error")
    assert second.input_value("[name=practice_name]") == "Digiohjauksella nuori palveluihin"
    second.fill("[name=contact_phone]", "050 111 2222")
    second.click("main button[type=submit]")
    second.wait_for_selector("text=Kiitos! Ehdotus on vastaanotettu.")

    # The first nominator edits through the private link from their e-mail.
    link = re.search(r"https?://\S+(/ehdotus/[\w-]+/)", last_mail_to("eka@lapha.example").body)
    first.goto(link.group(1))
    first.click("text=Muokkaa ehdotusta")
    first.fill("[name=summary]", "Menetelmäkortit tukevat osallisuutta.")
    first.click("main button[type=submit]")
    first.wait_for_selector("text=Muutokset on tallennettu.")
    assert Nomination.objects.count() == 2

    # Nominations close; three jurors score, one declares a conflict first.
    set_timeline(
        staff,
        competition.pk,
        nomination_opens_on=-2,
        nomination_last_day=-1,  # closed since midnight
    )
    nominations = list(Nomination.objects.order_by("pk"))
    criteria = list(Criterion.objects.all())
    juror_pages = [year.admin(j.username) for j in jurors]
    for n, page in enumerate(juror_pages):
        for nomination in nominations:
            page.goto(f"/admin/jury/scoringnomination/{nomination.pk}/change/")
            if n == 2 and nomination == nominations[1]:
                page.click("summary")
                page.fill("[name=reason]", "Olen kehittänyt mallia.")
                page.click("input[name=declare_conflict]")
                page.wait_for_selector("text=Esteellisyys on kirjattu.")
                continue
            for criterion in criteria:
                value = 5 if nomination == nominations[0] else 3
                page.check(f"input[name=value_{criterion.pk}][value='{value}']")
            page.click("input[type=submit][value='Tallenna']")
            page.wait_for_selector("text=Pisteet on tallennettu.")
    screenshot(juror_pages[0], "year-02-scoring")
    assert Score.objects.count() == (3 * 2 - 1) * len(criteria)

    # The chair shortlists both and writes the statements; staff publish the finalists.
    chair = juror_pages[0]
    run_action(chair, "/admin/jury/rankingentry/", [n.pk for n in nominations], "shortlist")
    # One juror had a conflict with the second: the chair confirms that exception by name.
    chair.wait_for_selector("text=1 finalistia valittu.")
    chair.wait_for_selector("text=1 arvioija on ilmoittanut olevansa esteellinen")
    screenshot(chair, "year-03-shortlist-exception")
    chair.check(f"input[name=poikkeus_{nominations[1].pk}][value=conflicted]")
    chair.click("input[type=submit][value='Valitse silti finalistiksi']")
    chair.wait_for_selector("text=1 finalistia valittu.")
    assert Finalist.objects.count() == 2
    for finalist in Finalist.objects.all():
        chair.goto(f"/admin/jury/finalist/{finalist.pk}/change/")
        chair.fill("[name=statement]", f"Raati kiittää käytäntöä {finalist.nomination}.")
        chair.click("input[name=_save]")
    run_action(staff, "/admin/jury/finalist/", [f.pk for f in Finalist.objects.all()], "publish")
    # A preview of every e-mail first; nothing is sent before the confirmation.
    staff.wait_for_selector("text=Sähköposteja ei voi perua.")
    screenshot(staff, "year-03-finalists-preview")
    staff.click("input[type=submit][value='Julkista finalistit ja lähetä sähköpostit']")
    staff.wait_for_selector("text=finalistit julkistettu")

    # The vote opens; three voters sign up with e-mailed codes and vote, one tries twice.
    set_timeline(
        staff,
        competition.pk,
        nomination_opens_on=-5,
        nomination_last_day=-4,
        scoring_last_day=-3,
        voting_opens_on=-1,
        voting_last_day=1,
    )
    winner = Finalist.objects.get(nomination=nominations[0])
    for n, address in enumerate(["liisa.k@example.fi", "matti@esimerkki.fi", "sari@example.com"]):
        voter = year.person()
        voter.goto("/tili/kirjaudu/")
        voter.fill("[name=email]", address)
        voter.click("main button[type=submit]")  # the browser solves the proof of work first
        voter.wait_for_url("**/tili/kirjaudu/koodi/")
        if n == 0:  # the code-entry step of the voter sign-in, checked like every public page
            assert serious_accessibility_violations(voter) == []
            screenshot(voter, "year-03-code")
        code = re.search(
            r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", last_mail_to(address).body, flags=re.MULTILINE
        ).group(1)
        voter.fill("[name=code]", code)
        voter.click("main button[type=submit]")
        vote_button = f"article[aria-labelledby='finalist-{winner.pk}'] a.btn"
        voter.goto("/finalistit/")
        voter.click(vote_button)
        voter.wait_for_selector("text=Ääntä ei voi muuttaa.")
        if n == 0:  # the same confirmation open in another tab too
            screenshot(voter, "year-03-confirm")
            other_tab = voter.context.new_page()
            other_tab.goto("/finalistit/")
            other_tab.click(vote_button)
        voter.click("main form button[type=submit]")
        voter.wait_for_selector("text=Kiitos! Äänesi finalistille")
        if n == 0:
            screenshot(voter, "year-03-voted")
            other_tab.click("main form button[type=submit]")
            other_tab.wait_for_selector("text=oli jo tallennettu")
    assert Vote.objects.count() == 3

    # The vote closes. Three accounts voted seconds after their codes from one network (this
    # test's one machine): the review holds them until staff decide; staff keep them.
    set_timeline(staff, competition.pk, voting_last_day=-1)
    staff.goto("/admin/voting/votecluster/?tila=odottaa")
    screenshot(staff, "year-03-review")
    waiting = staff.locator("#result_list tbody th a")
    assert waiting.count() >= 1
    while waiting.count():
        waiting.first.click()
        staff.check("input[name=action][value=keep]")
        staff.click("input[type=submit][value='Tallenna päätös']")
        staff.wait_for_selector(".messagelist .success")
        staff.goto("/admin/voting/votecluster/?tila=odottaa")

    # The chair records the winner; staff publish the results.
    run_action(chair, "/admin/jury/finalist/", [winner.pk], "decide")
    chair.select_option("[name=recognition]", "winner")
    chair.fill("[name=statement]", "Raadin yksimielinen valinta.")
    chair.click("input[type=submit]")
    chair.wait_for_selector("text=Päätös kirjattu 1 finalistille.")
    run_action(staff, "/admin/archive/resultspublication/", [competition.pk], "publish")
    staff.wait_for_selector("text=Nämä tulevat julki")
    staff.click("input[type=submit][value='Julkaise tulokset']")
    staff.wait_for_selector("text=Vuoden 2031 tulokset on julkaistu.")

    # The results page, the front page and the archive show the year.
    visitor = year.person()
    visitor.goto("/tulokset/2031/")
    assert "Asiakastyön menetelmäkortit" in visitor.inner_text("main")
    assert "Raadin yksimielinen valinta." in visitor.inner_text("main")
    screenshot(visitor, "year-04-results")
    visitor.goto("/")
    assert "VUODEN 2031 VOITTAJA\n\nAsiakastyön menetelmäkortit" in visitor.inner_text("main")
    visitor.goto("/arkisto/")
    assert "Asiakastyön menetelmäkortit" in visitor.inner_text("main")
    screenshot(visitor, "year-05-archive")

    # Nothing on any page of the year was blocked by the Content-Security-Policy.
    assert year.blocked == []
