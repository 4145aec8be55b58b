"""E-mail through the task queue, measured end to end under gunicorn and the real worker.

    .venv/bin/python bench/mail.py [--codes 100] [--nominations 60]

1. Makes its own database (hyvakaytanto_bench), migrates it, and sets up a year taking
   nominations and N voters with verified addresses.
2. Starts a real SMTP server (aiosmtpd) on a loopback port, gunicorn with the production
   settings, and the queue's worker (``manage.py procrastinate worker``), both delivering to
   that server.
3. Sign-in codes: N voters, one after another, ask for a code (allauth's form, as a browser
   posts it); for each, the time from sending the request to the message reaching the SMTP
   server. Target: under 2 s at p99.
4. Nomination submit latency with the mail server up, then down (stopped): the same POST,
   M times each. With mail in the queue, the two must not differ; the messages queued while
   the server was down are delivered once it is back.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.vote_load import (  # noqa: E402 - the path above makes the package importable
    CSRF,
    address_of,
    django_setup,
    free_port,
    recreate_database,
    start_gunicorn,
)
from tests.smtp import SmtpServer  # noqa: E402


def prepare(voter_count: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.core.management import call_command

    from bench import fixtures
    from core.models import Criterion

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    fixtures.competition(days_since_opening=10)
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"voter{n}",
            email=f"voter{n}@example.invalid",
            password=UNUSABLE_PASSWORD_PREFIX,
        )
        for n in range(voter_count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    return {
        "voters": [u.email for u in users],
        "criteria": list(Criterion.objects.values_list("number", flat=True)),
    }


def post(port: int, path: str, fields: dict, client: str) -> tuple[int, float]:
    """One form POST as a browser sends it (CSRF cookie and token); status and milliseconds."""
    body = urlencode({**fields, "csrfmiddlewaretoken": CSRF})
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        path,
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={CSRF}",
            "X-Forwarded-For": client,
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, (time.perf_counter() - started) * 1000


def nomination_form(number: int, criteria: list[int]) -> dict:
    return {
        "practice_name": f"Mittauskäytäntö {number}",
        "summary": "Lyhyt kuvaus.",
        "organisations": "Mittauskunta",
        "region": "helsinki",
        "target_group": "Asiakkaat",
        "contact_name": "Mitta Henkilö",
        "contact_title": "Sosiaalityöntekijä",
        "contact_email": f"ehdottaja{number}@example.invalid",
        "contact_phone": "040 123 4567",
        "publish_consent": "on",
        "privacy_acknowledged": "on",
        "website": "",
        **{f"criterion_{n}": "Perustelu." for n in criteria},
    }


def percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {statistics.median(values):7.1f} ms   p99 {cuts[98]:7.1f} ms   (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--nominations", type=int, default=60)
    args = parser.parse_args()

    smtp = SmtpServer()
    arrivals: dict[str, float] = {}
    arrived = threading.Condition()

    def on_message(recipient: str) -> None:
        with arrived:
            arrivals[recipient] = time.perf_counter()
            arrived.notify_all()

    os.environ.update(
        {
            "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "0",
            # As in production, a failed send waits before its retry (the default, 30 s).
        }
    )
    django_setup()
    recreate_database()
    plan = prepare(args.codes)
    smtp.start()
    smtp.on_message = on_message
    port = free_port()
    server = start_gunicorn(port, workers=2, keep_alive=False)
    worker = subprocess.Popen([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROOT)
    try:
        time.sleep(3)  # the worker connects and starts listening
        code_latencies = []
        for number, address in enumerate(plan["voters"]):
            started = time.perf_counter()
            status, _ = post(port, "/tili/login/code/", {"email": address}, address_of(number))
            assert status == 302, status
            with arrived:
                arrived.wait_for(lambda a=address: a in arrivals, timeout=30)
            if address not in arrivals:
                raise SystemExit(f"No code reached the SMTP server for {address} in 30 s")
            code_latencies.append((arrivals[address] - started) * 1000)

        submit = {"up": [], "down": []}
        for state in ("up", "down"):
            if state == "down":
                smtp.stop()
            for n in range(args.nominations):
                number = n + (0 if state == "up" else args.nominations)
                status, ms = post(
                    port,
                    "/ehdota/",
                    nomination_form(number, plan["criteria"]),
                    address_of(100_000 + number),
                )
                assert status == 302, status
                submit[state].append(ms)
        smtp.start()
        waiting = [
            f"ehdottaja{n + args.nominations}@example.invalid" for n in range(args.nominations)
        ]
        deadline = time.perf_counter() + 120
        with arrived:
            arrived.wait_for(
                lambda: all(a in arrivals for a in waiting),
                timeout=max(0, deadline - time.perf_counter()),
            )
        delivered_after = sum(a in arrivals for a in waiting)
    finally:
        worker.terminate()
        server.terminate()
        worker.wait(timeout=30)
        server.wait(timeout=30)
        smtp.stop()

    print("\nSign-in code, request sent → message at the SMTP server")
    print(f"  {percentiles(code_latencies)}")
    p99 = statistics.quantiles(code_latencies, n=100, method="inclusive")[98]
    print(f"  target p99 < 2000 ms: {'met' if p99 < 2000 else 'MISSED'}")
    print("\nNomination submit (POST /ehdota/ → redirect to the private page)")
    print(f"  mail server up:   {percentiles(submit['up'])}")
    print(f"  mail server down: {percentiles(submit['down'])}")
    ratio = statistics.median(submit["down"]) / statistics.median(submit["up"])
    print(f"  median down / up: {ratio:.2f}")
    print(
        f"  confirmations queued while the server was down, delivered after it came back: "
        f"{delivered_after} / {len(waiting)}"
    )


if __name__ == "__main__":
    main()
