"""The operator's recipe for several machines (docs/OPERATIONS.md), built on loopback and
broken on purpose.

    .venv/bin/python bench/several_nodes.py [--votes 1500] [--clients 16] [--no-pooler]

It starts, each a process of its own:

- PostgreSQL (the embedded server, a database of its own: hyvakaytanto_bench);
- PgBouncer in transaction mode in front of it (DATABASE_POOLER=transaction; the workers
  connect directly through WORKER_DATABASE_URL);
- a Redis (or Valkey) server as the shared cache (CACHE_URL);
- two app nodes, gunicorn with three workers each, with the same SECRET_KEY;
- nginx in front, round robin, never retrying a POST on the other node;
- two `procrastinate worker`s, one per node;
- an SMTP sink that keeps every message.

nginx, PgBouncer and redis-server come from Debian: where one is missing and the script runs
as root, it installs it with apt-get; otherwise it says which to install and stops.

Signed-in voters then vote through nginx, one vote each, from C clients at once. A third of
the way through, node A (its gunicorn master and workers) and worker 1 are SIGKILLed; both
are started again two seconds later, as their service manager would. Votes refused while a
node was down are sent again once afterwards, as a voter presses the button again. Finally
the site's name is changed and both nodes are polled until they show it.

The table: votes accepted, rows in the database, accepted votes without a row (lost), voters
with two rows (doubled), receipts delivered and missing, requests that failed during the
kill, and the seconds until the new name showed on each node. The last line sums it up.
"""

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.vote_load import (  # noqa: E402
    CSRF,
    Connection,
    address_of,
    free_port,
    prepare,
    recreate_database,
    signed_in,
)
from tests.cache_server import cache_server  # noqa: E402

PROGRAMS = {"nginx": "nginx", "pgbouncer": "pgbouncer", "redis-server": "redis-server"}


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def program(name: str) -> str:
    """The path of ``name``, installed from Debian's packages where it is missing."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"{name} is needed: install Debian's {PROGRAMS[name]} package.")
    say(f"Installing Debian's {PROGRAMS[name]} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    install = ["apt-get", "install", "-y", "-qq", PROGRAMS[name]]
    subprocess.run(install, check=True, env=env)  # noqa: S603
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def wait_for_port(port: int, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not start on port {port}")


class Processes:
    """Every process started, each in a session of its own (so a kill takes its children)."""

    def __init__(self, workdir: Path):
        self.workdir, self.running = workdir, {}

    def start(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = (self.workdir / f"{name}.log").open("a")
        self.running[name] = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env or os.environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self, name: str) -> None:
        os.killpg(self.running[name].pid, signal.SIGKILL)
        self.running[name].wait()

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def database_url(pooler_port: int | None = None) -> str:
    """The bench database, directly on PostgreSQL or through the pooler on ``pooler_port``."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    host, port = ("127.0.0.1", pooler_port) if pooler_port else (db["HOST"], db["PORT"])
    return (
        f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}"
        f"@{quote(host, safe='')}:{port}/hyvakaytanto_bench"
    )


def start_pgbouncer(processes: Processes, workdir: Path) -> int:
    from django.conf import settings

    db = settings.DATABASES["default"]
    port = free_port()
    (workdir / "userlist.txt").write_text(f'"{db["USER"]}" "{db["PASSWORD"] or ""}"\n')
    (workdir / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"hyvakaytanto_bench = host={db['HOST']} port={db['PORT']} dbname=hyvakaytanto_bench\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\n"
        "auth_type = trust\n"
        f"auth_file = {workdir / 'userlist.txt'}\n"
        "pool_mode = transaction\n"
        "max_client_conn = 400\ndefault_pool_size = 20\n"
        # Django's pool checks a connection it hands out with a cheap query of its own.
        "ignore_startup_parameters = extra_float_digits,options\n"
        "unix_socket_dir =\n"
    )
    workdir.chmod(0o755)
    for name in ("userlist.txt", "pgbouncer.ini"):
        (workdir / name).chmod(0o644)
    # PgBouncer will not run as root: as root, it runs as the database server's own user
    # (the embedded server's socket is in a folder only that user may enter).
    owner = Path(db["HOST"]).owner() if db["HOST"].startswith("/") else "nobody"
    user = ["-u", owner] if os.geteuid() == 0 else []
    processes.start("pgbouncer", [program("pgbouncer"), *user, str(workdir / "pgbouncer.ini")])
    wait_for_port(port, "PgBouncer")
    return port


def start_nginx(processes: Processes, workdir: Path, nodes: list[int]) -> int:
    port = free_port()
    upstreams = "\n".join(
        f"        server 127.0.0.1:{node} max_fails=3 fail_timeout=2s;" for node in nodes
    )
    (workdir / "nginx.conf").write_text(
        f"""
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    upstream app {{
{upstreams}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {ROOT}/staticfiles/; }}
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A GET goes to the other node when this one is down; a POST never does
            # (nginx's default for non-idempotent requests).
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""
    )
    processes.start(
        "nginx",
        [
            program("nginx"),
            "-p",
            str(workdir),
            "-c",
            str(workdir / "nginx.conf"),
            "-g",
            "daemon off;",
        ],
    )
    wait_for_port(port, "nginx")
    return port


def page(port: int, path: str = "/") -> str:
    """The page as an anonymous visitor gets it from one node (its micro-cache included)."""
    url = f"http://127.0.0.1:{port}{path}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


async def vote_all(port: int, plan: dict, voters: list, clients: int, at_kill, results) -> None:
    """Each voter once through nginx; ``at_kill()`` once a third of them have voted."""
    queue = list(voters)
    total, done = len(queue), 0
    killed = asyncio.Event()

    async def client():
        nonlocal done
        connection = Connection(port, keep_alive=False)
        while queue:
            number, voter_id, key = queue.pop()
            finalist = random.choice(plan["finalists"])
            body = f"csrfmiddlewaretoken={CSRF}&finalist={finalist}&confirmed=yes"
            try:
                status, _ms = await connection.request(
                    "POST", "/finalistit/aanesta/", address_of(number), signed_in(key), body
                )
            except OSError:
                status = 0
                connection = Connection(port, keep_alive=False)
            results.append((number, voter_id, key, status, killed.is_set()))
            done += 1
            if done >= total // 3 and not killed.is_set():
                killed.set()
                await asyncio.get_running_loop().run_in_executor(None, at_kill)

    await asyncio.gather(*(client() for _ in range(clients)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--votes", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-pooler", action="store_true", help="the nodes connect directly")
    parser.add_argument(
        "--no-shared-cache",
        action="store_true",
        help="no CACHE_URL: each process keeps its own pages and identity (the documented bound)",
    )
    args = parser.parse_args()

    stack = contextlib.ExitStack()
    workdir = Path(tempfile.mkdtemp(prefix="hyvakaytanto-nodes-"))
    processes = Processes(workdir)
    for name in PROGRAMS:
        program(name)
    # The tests' own server starter (tests/cache_server.py), on the program found above.
    os.environ.setdefault("CACHE_SERVER_PATH", program("redis-server"))
    cache_url = stack.enter_context(cache_server())
    secret = secrets.token_urlsafe(50)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "DEBUG": "0",
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
        }
    )
    if not args.no_shared_cache:
        os.environ["CACHE_URL"] = cache_url
    import django

    django.setup()
    from django.db import connections

    say("Preparing the database: a year in its vote and the signed-in voters")
    recreate_database()
    plan = prepare(args.votes)
    connections.close_all()
    smtp_module = __import__("tests.smtp", fromlist=["SmtpServer"])
    smtp = smtp_module.SmtpServer().start()

    try:
        direct = database_url()
        node_database = (
            direct if args.no_pooler else database_url(start_pgbouncer(processes, workdir))
        )
        node_env = {
            **os.environ,
            "DATABASE_URL": node_database,
            "WORKER_DATABASE_URL": direct,
            "DATABASE_POOLER": "none" if args.no_pooler else "transaction",
            # The client's own address and nginx's: the vote limit counts each voter apart.
            "TRUSTED_PROXY_COUNT": "2",
            "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "0",
            "VOTE_RECEIPT_SECONDS": "1",
            "WORKER_STALLED_SECONDS": "5",
            "DATABASE_POOL_MAX_SIZE": "4",
        }
        node_ports = {"a": free_port(), "b": free_port()}

        def start_node(name: str) -> None:
            processes.start(
                f"node-{name}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "hyvakaytanto.wsgi",
                    "--workers",
                    "3",
                    "--bind",
                    f"127.0.0.1:{node_ports[name]}",
                    "--log-level",
                    "warning",
                ],
                node_env,
            )

        def start_worker(name: str) -> None:
            processes.start(
                f"worker-{name}",
                [sys.executable, "manage.py", "procrastinate", "worker"],
                node_env,
            )

        for name in node_ports:
            start_node(name)
            start_worker(name)
        for name, port in node_ports.items():
            wait_for_port(port, f"node {name}")
        balancer = start_nginx(processes, workdir, list(node_ports.values()))
        say(f"Two nodes behind nginx on port {balancer}; voting")

        def kill_and_restart() -> None:
            processes.kill("node-a")
            processes.kill("worker-a")
            time.sleep(2)
            start_node("a")
            start_worker("a")

        voters = [(n, voter_id, key) for n, (voter_id, key) in enumerate(plan["voters"])]
        random.shuffle(voters)
        results: list = []
        asyncio.run(vote_all(balancer, plan, voters, args.clients, kill_and_restart, results))
        accepted = {r[1] for r in results if r[3] == 302}
        failed = [r for r in results if r[3] != 302]
        retried: list = []
        if failed:
            wait_for_port(node_ports["a"], "node a")
            asyncio.run(vote_all(balancer, plan, [r[:3] for r in failed], 4, lambda: None, retried))
            accepted |= {r[1] for r in retried if r[3] == 302}

        say("Waiting for the receipts")
        from core.models import OutgoingEmail
        from voting.models import Vote

        votes = Vote.objects.filter(competition_id=plan["competition"])
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if (
                not votes.filter(receipt_queued_at__isnull=True).exists()
                and not OutgoingEmail.objects.exclude(state="sent").exists()
            ):
                break
            time.sleep(1)
        time.sleep(3)  # anything doubled would arrive now
        rows = Counter(votes.values_list("voter_id", flat=True))
        emails = dict(
            __import__("django.contrib.auth", fromlist=["get_user_model"])
            .get_user_model()
            .objects.filter(pk__in=rows)
            .values_list("pk", "email")
        )
        delivered = Counter(message.recipients[0] for message in smtp.received)
        lost = len(accepted - set(rows))
        doubled = sum(1 for count in rows.values() if count > 1)
        receipts_missing = sum(1 for voter in rows if not delivered[emails[voter]])
        receipts_doubled = sum(1 for voter in rows if delivered[emails[voter]] > 1)

        say(
            "Changing the site's name; polling both nodes "
            f"(CACHE_URL={os.environ.get('CACHE_URL')})"
        )
        from core import services
        from core.models import SiteSettings

        for port in node_ports.values():
            for _ in range(6):
                page(port)  # every process keeps the old name
        row = SiteSettings.objects.filter(pk=SiteSettings.SINGLE_ROW).first() or SiteSettings()
        row.name = f"Nimi {secrets.token_hex(3)}"
        services.site_settings_save(site_settings=row)
        saved, seen = time.monotonic(), {}
        while len(seen) < 2 and time.monotonic() - saved < 120:
            for name, port in node_ports.items():
                if name not in seen and all(row.name in page(port) for _ in range(3)):
                    seen[name] = time.monotonic() - saved
        change_seen = max(seen.values()) if len(seen) == 2 else float("inf")
    finally:
        processes.stop_all()
        smtp.stop()
        stack.close()

    table = [
        ("votes sent", len(results)),
        ("accepted (first try or one retry)", len(accepted)),
        ("rows in the database", sum(rows.values())),
        ("accepted but no row (lost)", lost),
        ("voters with two rows (doubled)", doubled),
        ("receipts delivered", sum(delivered.values())),
        ("receipts missing", receipts_missing),
        ("receipts delivered twice", receipts_doubled),
        ("failed during the kill (sent again once)", len(failed)),
        (
            "  their answers",
            " ".join(f"{k}x{v}" for k, v in sorted(Counter(r[3] for r in failed).items())) or "-",
        ),
        ("of those, accepted when sent again", sum(1 for r in retried if r[3] == 302)),
        ("new name seen on node A after (s)", f"{seen.get('a', float('inf')):.2f}"),
        ("new name seen on node B after (s)", f"{seen.get('b', float('inf')):.2f}"),
    ]
    print()
    print(
        f"Two nodes x 3 gunicorn workers, nginx, two workers, "
        f"{'direct to PostgreSQL' if args.no_pooler else 'PgBouncer (transaction)'}, "
        f"{'no shared cache' if args.no_shared_cache else 'Redis as the shared cache'}; "
        f"{args.clients} clients; node A and worker A SIGKILLed after a third of the votes"
    )
    for label, value in table:
        print(f"  {label:<44} {value:>8}")
    print(
        f"several nodes: accepted {len(accepted)}, rows {sum(rows.values())}, lost {lost}, "
        f"doubled {doubled}, receipts missing {receipts_missing}, failed during the kill "
        f"{len(failed)}, change seen on the other node after {change_seen:.2f} s"
    )
    print(f"(logs in {workdir})")
    ok = lost == 0 and doubled == 0 and receipts_missing == 0 and len(accepted) == len(results)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
