"""Load test of the public vote under gunicorn on the embedded PostgreSQL.

    .venv/bin/python bench/vote_load.py [--voters 4000] [--clients 64] [--seconds 15]

1. Makes a database of its own (hyvakaytanto_bench) on the configured server, migrates it,
   and sets up a year in its voting phase with four published finalists and N verified
   voters, each already signed in (a session row per voter).
2. Starts gunicorn with the production settings on 127.0.0.1.
3. From a separate process, drives the site with C concurrent clients (closed loop, a new
   connection per request as gunicorn's sync workers close them):
     a. the ceiling: a trivial view doing one INSERT (anonymous GET), for the given seconds;
     b. the signed-in ceiling: the same view as a signed-in POST with the CSRF token;
     c. the vote: each client takes the next voter, POSTs their vote with the CSRF token,
        and after every third vote GETs the finalist page.
4. Prints throughput and p50/p95/p99 latency of each, and checks in the database that every
   accepted vote is there exactly once and nothing else is.
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSRF = "BenchCsrfSecretBenchCsrfSecret12"  # 32 characters: an unmasked CSRF secret


# --- The load generator (runs in its own process) --------------------------------------------


class Connection:
    """One client's HTTP/1.1 connection: a new one per request, or kept alive."""

    def __init__(self, port: int, keep_alive: bool):
        self.port, self.keep_alive = port, keep_alive
        self.reader = self.writer = None

    async def request(self, method: str, path: str, cookie: str = "", body: str = ""):
        started = time.perf_counter()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        if not self.keep_alive:
            head.append("Connection: close")
        if cookie:
            head.append(f"Cookie: {cookie}")
        if body:
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body.encode())}",
            ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n" + body).encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        length, closing = None, not self.keep_alive
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                closing = True
        if length is not None and not closing:
            await self.reader.readexactly(length)
        else:
            await self.reader.read()
            closing = True
        if closing:
            self.writer.close()
            self.reader = self.writer = None
        status = int(status_line.split()[1]) if status_line else 0
        return status, (time.perf_counter() - started) * 1000


async def ceiling(
    port: int, clients: int, seconds: float, keep_alive: bool, sessions: list | None = None
) -> dict:
    """Anonymous GETs of the one-INSERT view, or with ``sessions`` signed-in POSTs of it."""
    latencies, statuses = [], []
    deadline = time.perf_counter() + seconds

    async def client(number):
        sent, connection = 0, Connection(port, keep_alive)
        while time.perf_counter() < deadline:
            if sessions:
                key = sessions[(number * 7919 + sent) % len(sessions)]
                status, ms = await connection.request(
                    "POST",
                    "/bench/signed-in-insert/",
                    f"sessionid={key}; csrftoken={CSRF}",
                    f"csrfmiddlewaretoken={CSRF}",
                )
            else:
                status, ms = await connection.request("GET", "/bench/insert/")
            sent += 1
            statuses.append(status)
            latencies.append(ms)

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return {"latencies": latencies, "statuses": statuses, "elapsed": time.perf_counter() - started}


async def voting(
    port: int, clients: int, seconds: float, keep_alive: bool, voters: list, finalists: list
) -> dict:
    queue = list(voters)
    random.shuffle(queue)
    votes, pages, accepted, failed = [], [], [], []
    deadline = time.perf_counter() + seconds

    async def client():
        done, connection = 0, Connection(port, keep_alive)
        while queue and time.perf_counter() < deadline:
            voter_id, session_key = queue.pop()
            cookie = f"sessionid={session_key}; csrftoken={CSRF}"
            body = f"csrfmiddlewaretoken={CSRF}&finalist={random.choice(finalists)}"
            status, ms = await connection.request("POST", "/finalistit/aanesta/", cookie, body)
            votes.append(ms)
            (accepted if status == 302 else failed).append([voter_id, status])
            done += 1
            if done % 3 == 0:
                status, ms = await connection.request("GET", "/finalistit/", cookie)
                pages.append(ms)
                if status != 200:
                    failed.append([None, status])

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return {
        "votes": votes,
        "pages": pages,
        "accepted": accepted,
        "failed": failed,
        "elapsed": time.perf_counter() - started,
    }


def generate(args) -> None:
    plan = json.loads(Path(args.plan).read_text())
    sessions = [key for _, key in plan["voters"]]
    result = {
        "ceiling": asyncio.run(ceiling(plan["port"], args.clients, args.seconds, args.keep_alive)),
        "signed_in": asyncio.run(
            ceiling(plan["port"], args.clients, args.seconds, args.keep_alive, sessions)
        ),
        "voting": asyncio.run(
            voting(
                plan["port"],
                args.clients,
                args.seconds,
                args.keep_alive,
                plan["voters"],
                plan["finalists"],
            )
        ),
    }
    Path(args.result).write_text(json.dumps(result))


# --- Set-up, the server, and the report (the orchestrating process) --------------------------


def django_setup():
    """Production settings (DEBUG off) for this process and, through the environment,
    for gunicorn."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute('DROP DATABASE IF EXISTS "hyvakaytanto_bench" WITH (FORCE)')
        connection.execute('CREATE DATABASE "hyvakaytanto_bench"')


def prepare(voter_count: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import fixtures
    from hyvakaytanto.middleware import SESSION_SEEN, SESSION_STARTED
    from jury.models import Finalist

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, "
            "at timestamptz NOT NULL DEFAULT now())"
        )
    now = timezone.now()
    competition = fixtures.competition(days_since_opening=115, finalists_published=True)
    chair = get_user_model().objects.create(username="bench-chair", is_staff=True)
    finalists = []
    for n in range(4):
        nomination = fixtures.nomination(competition, n)
        nomination.save()
        finalists.append(
            Finalist.objects.create(
                nomination=nomination, statement="Raadin perustelut.", order=n, shortlisted_by=chair
            ).pk
        )
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"voter{n}",
            email=f"voter{n}@example.invalid",
            password=UNUSABLE_PASSWORD_PREFIX,  # voters have no password
        )
        for n in range(voter_count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    sessions, voters = [], []
    expires = now + timedelta(days=1)
    store = SessionStore()
    signed_in_at = int(time.time())
    for user in users:
        key = secrets.token_hex(16)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            # As signing in leaves them (hyvakaytanto.middleware).
            SESSION_STARTED: signed_in_at,
            SESSION_SEEN: signed_in_at,
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        voters.append([user.pk, key])
    Session.objects.bulk_create(sessions, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"competition": competition.pk, "finalists": finalists, "voters": voters}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, keep_alive: bool) -> subprocess.Popen:
    # Sync workers close every connection; threaded workers keep them, as behind a proxy.
    threads = ["--worker-class", "gthread", "--threads", "4", "--keep-alive", "5"]
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hyvakaytanto.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            *(threads if keep_alive else []),
        ],
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def percentiles(values: list[float]) -> str:
    if not values:
        return "no requests"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:6.1f} ms  p95 {cuts[94]:6.1f} ms  p99 {cuts[98]:6.1f} ms"


def report(plan: dict, result: dict, clients: int, keep_alive: bool) -> bool:
    from voting.models import Vote

    top = result["ceiling"]
    signed = result["signed_in"]
    vote = result["voting"]
    ceiling_rate = len(top["latencies"]) / top["elapsed"]
    signed_rate = len(signed["latencies"]) / signed["elapsed"]
    vote_rate = len(vote["votes"]) / vote["elapsed"]
    request_rate = (len(vote["votes"]) + len(vote["pages"])) / vote["elapsed"]
    accepted = {voter for voter, _ in vote["accepted"]}
    stored = list(
        Vote.objects.filter(competition_id=plan["competition"]).values_list("voter_id", flat=True)
    )
    doubled = len(stored) - len(set(stored))
    lost = accepted - set(stored)
    unexpected = set(stored) - accepted
    ceiling_errors = sum(1 for s in top["statuses"] + signed["statuses"] if s != 200)

    mode = "kept-alive connections" if keep_alive else "a new connection per request"
    print(f"\n{clients} concurrent clients ({mode}), gunicorn on 127.0.0.1, embedded PostgreSQL")
    print(
        f"ceiling (one INSERT) : {ceiling_rate:7.1f} req/s   {percentiles(top['latencies'])}"
        f"   errors {ceiling_errors}"
    )
    print(f"signed-in POST INSERT: {signed_rate:7.1f} req/s   {percentiles(signed['latencies'])}")
    print(f"vote POST            : {vote_rate:7.1f} votes/s {percentiles(vote['votes'])}")
    print(f"finalist page GET    : {percentiles(vote['pages'])}   ({len(vote['pages'])} pages)")
    print(f"all requests in vote : {request_rate:7.1f} req/s")
    print(
        f"votes accepted {len(accepted)}, refused or failed {len(vote['failed'])}, "
        f"in the database {len(stored)}: lost {len(lost)}, doubled {doubled}, "
        f"unexpected {len(unexpected)}"
    )
    share = vote_rate / ceiling_rate if ceiling_rate else 0
    signed_share = vote_rate / signed_rate if signed_rate else 0
    p99 = statistics.quantiles(vote["votes"], n=100, method="inclusive")[98] if vote["votes"] else 0
    print(
        f"vote throughput is {share:.0%} of the anonymous ceiling and {signed_share:.0%} of the "
        f"signed-in ceiling (target ≥ 50 %); vote p99 {p99:.0f} ms (target < 250 ms)"
    )
    clean = not (lost or doubled or unexpected or vote["failed"] or ceiling_errors)
    if not accepted or not clean:
        print("FAILED: requests failed or votes do not match the database (see above).")
    return bool(accepted) and clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="threaded gunicorn workers and persistent client connections (as behind a proxy)",
    )
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args)
        return

    django_setup()
    recreate_database()
    started = time.perf_counter()
    plan = prepare(args.voters)
    print(
        f"prepared {args.voters} signed-in verified voters in {time.perf_counter() - started:.1f} s"
    )
    plan["port"] = free_port()
    plan_file = ROOT / ".data" / "bench-plan.json"
    result_file = ROOT / ".data" / "bench-result.json"
    plan_file.write_text(json.dumps(plan))
    server = start_gunicorn(plan["port"], args.workers, args.keep_alive)
    try:
        subprocess.run(  # noqa: S603 - the load generator is this script in another process
            [
                sys.executable,
                __file__,
                "--generate",
                "--plan",
                str(plan_file),
                "--result",
                str(result_file),
                "--clients",
                str(args.clients),
                "--seconds",
                str(args.seconds),
                *(["--keep-alive"] if args.keep_alive else []),
            ],
            check=True,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ok = report(plan, json.loads(result_file.read_text()), args.clients, args.keep_alive)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
