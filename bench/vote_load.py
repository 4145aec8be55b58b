"""Load test of the public vote under gunicorn on the embedded PostgreSQL.

    .venv/bin/python bench/vote_load.py [--voters 16000] [--clients 64] [--seconds 15]

1. Makes a database of its own (hyvakaytanto_bench) on the configured server, migrates it,
   and sets up a year in its voting phase with four published finalists and N verified
   voters, each already signed in (a session row per voter).
2. Starts gunicorn with the production settings on 127.0.0.1, behind a simulated proxy:
   every request carries the client's address in X-Forwarded-For (TRUSTED_PROXY_COUNT=1),
   one address per voter, so the per-client vote limit runs at its production value.
3. From a separate process, drives the site with C concurrent clients (closed loop, a new
   connection per request as gunicorn's sync workers close them), one phase at a time:
     a. the ceiling: a trivial view doing one INSERT (anonymous GET);
     b. the same view as a signed-in POST with the CSRF token;
     c. votes: each client takes the next voter and POSTs their vote with the CSRF token;
     d. finalist page GETs by voters who have voted (the page shows their vote);
     e. whole visits: the finalist page, the confirmation page, the vote, the page again
        (as the redirect leads).
4. Prints throughput, p50/p95/p99 latency and the CPU each request cost in the app server,
   the database server and the generator, checks in the database that every accepted vote
   is there exactly once and nothing else is, and compares the vote with the ceiling.
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
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSRF = "BenchCsrfSecretBenchCsrfSecret12"  # 32 characters: an unmasked CSRF secret


# --- The load generator (runs in its own process) --------------------------------------------


class Connection:
    """One client's HTTP/1.1 connection: a new one per request, or kept alive."""

    def __init__(self, port: int, keep_alive: bool):
        self.port, self.keep_alive = port, keep_alive
        self.reader = self.writer = None

    async def request(self, method: str, path: str, client: str, cookie: str = "", body: str = ""):
        started = time.perf_counter()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"X-Forwarded-For: {client}"]
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


class Phase:
    """One closed-loop phase: every client sends its next request as soon as the last one
    is answered, until the time is up (or the voters run out)."""

    def __init__(self):
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, list[int]] = {}
        self.accepted: list[int] = []
        self.refused: list[list] = []
        self.elapsed = 0.0
        self.cpu: dict[str, float] = {}

    def record(self, kind: str, status: int, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)
        self.statuses.setdefault(kind, []).append(status)

    def as_dict(self) -> dict:
        return dict(vars(self))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                pids.append(int(entry.name))
    return pids


def cpu_snapshot(plan: dict) -> dict:
    """CPU seconds used so far by the app server, the database server and this generator.
    Processes that come and go between two snapshots (PostgreSQL's short-lived helpers) are
    missed, so the database figure is a lower bound."""
    app = [plan["gunicorn"], *_children(plan["gunicorn"])]
    database = [plan["postmaster"], *_children(plan["postmaster"])] if plan["postmaster"] else []
    return {
        "app": sum(_cpu_seconds(pid) for pid in app),
        "database": {pid: _cpu_seconds(pid) for pid in database},
        "generator": _cpu_seconds(os.getpid()),
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    database = sum(
        seconds - before["database"].get(pid, 0.0) for pid, seconds in after["database"].items()
    )
    return {
        "app": after["app"] - before["app"],
        "database": database,
        "generator": after["generator"] - before["generator"],
    }


async def run_phase(plan: dict, phase: Phase, clients: int, seconds: float, client_loop) -> dict:
    deadline = time.perf_counter() + seconds
    before = cpu_snapshot(plan)
    started = time.perf_counter()
    await asyncio.gather(*(client_loop(n, deadline) for n in range(clients)))
    phase.elapsed = time.perf_counter() - started
    phase.cpu = cpu_used(before, cpu_snapshot(plan))
    return phase.as_dict()


def address_of(number: int) -> str:
    """The simulated client address of voter ``number`` (all different, in 10.0.0.0/8)."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def signed_in(session_key: str) -> str:
    return f"sessionid={session_key}; csrftoken={CSRF}"


async def generate_all(args, plan: dict) -> dict:
    port, keep_alive, clients, seconds = plan["port"], args.keep_alive, args.clients, args.seconds
    # Each vote phase takes voters of its own, so every vote is a first vote; the page phase
    # uses voters who have voted, whose page shows their vote.
    queue = [(number, voter_id, key) for number, (voter_id, key) in enumerate(plan["voters"])]
    random.shuffle(queue)
    voted: list[tuple[int, str]] = []
    results = {}

    phase = Phase()

    async def anonymous_insert(number, deadline):
        connection = Connection(port, keep_alive)
        while time.perf_counter() < deadline:
            status, ms = await connection.request("GET", "/bench/insert/", address_of(number))
            phase.record("request", status, ms)

    results["ceiling"] = await run_phase(plan, phase, clients, seconds, anonymous_insert)

    phase = Phase()

    async def signed_in_insert(number, deadline):
        sent, connection = 0, Connection(port, keep_alive)
        while time.perf_counter() < deadline:
            voter = (number * 7919 + sent) % len(plan["voters"])
            status, ms = await connection.request(
                "POST",
                "/bench/signed-in-insert/",
                address_of(voter),
                signed_in(plan["voters"][voter][1]),
                f"csrfmiddlewaretoken={CSRF}",
            )
            phase.record("request", status, ms)
            sent += 1

    results["signed_in"] = await run_phase(plan, phase, clients, seconds, signed_in_insert)

    def vote_phase(with_pages: bool):
        phase = Phase()

        async def visit_page(connection, number: int, key: str) -> None:
            status, ms = await connection.request(
                "GET", "/finalistit/", address_of(number), signed_in(key)
            )
            phase.record("page", status, ms)

        async def voter(_, deadline):
            connection = Connection(port, keep_alive)
            while queue and time.perf_counter() < deadline:
                number, voter_id, key = queue.pop()
                if with_pages:  # the voter reads the finalists before voting
                    await visit_page(connection, number, key)
                finalist = random.choice(plan["finalists"])
                if with_pages:  # the vote button leads to the confirmation page
                    status, ms = await connection.request(
                        "GET",
                        plan["confirm_urls"][str(finalist)],
                        address_of(number),
                        signed_in(key),
                    )
                    phase.record("confirm", status, ms)
                body = f"csrfmiddlewaretoken={CSRF}&finalist={finalist}&confirmed=yes"
                status, ms = await connection.request(
                    "POST", "/finalistit/aanesta/", address_of(number), signed_in(key), body
                )
                phase.record("vote", status, ms)
                if status == 302:
                    phase.accepted.append(voter_id)
                    voted.append((number, key))
                else:
                    phase.refused.append([voter_id, status])
                if with_pages:  # where the vote's redirect leads
                    await visit_page(connection, number, key)

        return phase, voter

    phase, voter = vote_phase(with_pages=False)
    results["votes"] = await run_phase(plan, phase, clients, seconds, voter)

    phase = Phase()

    async def reader(number, deadline):
        sent, connection = 0, Connection(port, keep_alive)
        while time.perf_counter() < deadline:
            voter, key = voted[(number * 7919 + sent) % len(voted)]
            status, ms = await connection.request(
                "GET", "/finalistit/", address_of(voter), signed_in(key)
            )
            phase.record("page", status, ms)
            sent += 1

    results["pages"] = await run_phase(plan, phase, clients, seconds, reader)

    phase, voter = vote_phase(with_pages=True)
    results["visits"] = await run_phase(plan, phase, clients, seconds, voter)
    results["voters_left"] = len(queue)
    return results


def generate(args) -> None:
    plan = json.loads(Path(args.plan).read_text())
    Path(args.result).write_text(json.dumps(asyncio.run(generate_all(args, plan))))


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
            # As behind the production proxy: the client's address is in X-Forwarded-For.
            "TRUSTED_PROXY_COUNT": "1",
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
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import fixtures
    from core.middleware import SESSION_SEEN, SESSION_STARTED
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
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    signed_in_at = int(time.time())
    for user in users:
        key = secrets.token_hex(16)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "core.backends.EmailCodeBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            # As signing in leaves them (core.middleware).
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
    from voting.queries import finalist_slug

    published = list(Finalist.objects.filter(pk__in=finalists).select_related("nomination"))
    confirm_urls = {
        str(f.pk): f"/finalistit/{finalist_slug(f, published)}/aanesta/" for f in published
    }
    return {
        "competition": competition.pk,
        "finalists": finalists,
        "confirm_urls": confirm_urls,
        "voters": voters,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, keep_alive: bool) -> subprocess.Popen:
    # Sync workers close every connection; threaded workers keep them, as behind a proxy.
    threads = ["--worker-class", "gthread", "--threads", "4", "--keep-alive", "5"]
    command = [sys.executable, "-m", "gunicorn", "hyvakaytanto.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--backlog", "2048", "--log-level", "warning"]
    server = subprocess.Popen([*command, *(threads if keep_alive else [])], cwd=ROOT)  # noqa: S603
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def drive(script: str, plan: dict, args, *, name: str, extra=(), keep_alive=False) -> dict:
    """Start gunicorn, run ``script``'s load generator (``--generate``) against it in a
    process of its own with ``plan``, stop gunicorn, and return what the generator found."""
    plan_file = ROOT / ".data" / f"{name}-plan.json"
    result_file = ROOT / ".data" / f"{name}-result.json"
    server = start_gunicorn(plan["port"], args.workers, keep_alive)
    plan["gunicorn"] = server.pid
    plan_file.write_text(json.dumps(plan))
    try:
        subprocess.run(  # noqa: S603 - the load generator is the script in another process
            [
                sys.executable,
                script,
                "--generate",
                "--plan",
                str(plan_file),
                "--result",
                str(result_file),
                "--clients",
                str(args.clients),
                "--seconds",
                str(args.seconds),
                *extra,
            ],
            check=True,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return json.loads(result_file.read_text())


def percentiles(values: list[float]) -> str:
    if not values:
        return "no requests"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:6.1f} ms  p95 {cuts[94]:6.1f} ms  p99 {cuts[98]:6.1f} ms"


def rate(phase: dict, kind: str) -> float:
    return len(phase["latencies"].get(kind, [])) / phase["elapsed"] if phase["elapsed"] else 0.0


def p99(phase: dict, kind: str) -> float:
    values = phase["latencies"].get(kind, [])
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else 0.0


def report(plan: dict, result: dict, args) -> bool:
    from voting.models import Vote

    def line(label: str, phase: dict, kind: str, unit: str = "req/s") -> None:
        requests = sum(len(v) for v in phase["latencies"].values())
        cpu = "  ".join(
            f"{who} {1000 * phase['cpu'][who] / requests:4.2f}" if requests else f"{who} -"
            for who in ("app", "database", "generator")
        )
        print(
            f"{label:46} {rate(phase, kind):7.1f} {unit:7} "
            f"{percentiles(phase['latencies'].get(kind, []))}   CPU ms/request: {cpu}"
        )

    ceiling, signed, votes, pages, visits = (
        result[name] for name in ("ceiling", "signed_in", "votes", "pages", "visits")
    )
    mode = "kept-alive connections" if args.keep_alive else "a new connection per request"
    print(
        f"\n{args.clients} concurrent clients ({mode}) from a separate process; gunicorn "
        f"({args.workers} workers) on 127.0.0.1; {plan['database']}; {args.seconds:g} s a phase"
    )
    line("ceiling: one INSERT, anonymous GET", ceiling, "request")
    line("one INSERT, signed-in POST + CSRF", signed, "request")
    line("vote POST (votes only)", votes, "vote", "votes/s")
    line("finalist page GET (pages only)", pages, "page")
    line("visit: page, confirm, vote, page — votes", visits, "vote", "votes/s")
    line("visit: page, confirm, vote, page — pages", visits, "page")
    line("visit: page, confirm, vote, page — confirmations", visits, "confirm")

    accepted = votes["accepted"] + visits["accepted"]
    refused = votes["refused"] + visits["refused"]
    stored = list(
        Vote.objects.filter(competition_id=plan["competition"]).values_list("voter_id", flat=True)
    )
    doubled = len(stored) - len(set(stored))
    lost = set(accepted) - set(stored)
    unexpected = set(stored) - set(accepted)
    errors = sum(
        1
        for phase in (ceiling, signed, pages, visits)
        for kind, statuses in phase["statuses"].items()
        if kind != "vote"
        for status in statuses
        if status != 200
    )
    print(
        f"votes accepted {len(accepted)}, refused or failed {len(refused)}, in the database "
        f"{len(stored)}: lost {len(lost)}, doubled {doubled}, unexpected {len(unexpected)}; "
        f"other requests failed {errors}"
    )
    share = rate(votes, "vote") / rate(ceiling, "request") if rate(ceiling, "request") else 0
    tail, visit_tail = p99(votes, "vote"), p99(visits, "vote")
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    print(
        f"vote throughput {share:.0%} of the one-INSERT ceiling (target ≥ 50 %: "
        f"{verdict(share >= 0.5)}); vote p99 at {args.clients} clients {tail:.0f} ms with votes "
        f"only, {visit_tail:.0f} ms in whole visits (target < 250 ms: "
        f"{verdict(max(tail, visit_tail) < 250)}); lost or doubled votes "
        f"{len(lost) + doubled} (target 0: {verdict(not (lost or doubled))})"
    )
    if result["voters_left"] == 0:
        print("The voters ran out before a vote phase ended: run again with more --voters.")
    clean = not (lost or doubled or unexpected or refused or errors)
    if not accepted or not clean:
        print("FAILED: requests failed or votes do not match the database (see above).")
    return bool(accepted) and clean


def postmaster_pid() -> int | None:
    """The embedded server's main process, for its CPU figures (None for another server)."""
    from django.conf import settings

    if not settings.EMBEDDED_DATABASE:
        return None
    pid_file = ROOT / ".data" / "postgres" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=16000)
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
    plan["postmaster"] = postmaster_pid()
    plan["database"] = (
        "embedded PostgreSQL" if plan["postmaster"] else "PostgreSQL from DATABASE_URL"
    )
    result = drive(
        __file__,
        plan,
        args,
        name="bench",
        extra=["--keep-alive"] if args.keep_alive else [],
        keep_alive=args.keep_alive,
    )
    ok = report(plan, result, args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
