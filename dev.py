#!/usr/bin/env python3
"""Set up and run the project on a machine that has nothing but Python 3.11+.

    python3 dev.py start   # dependencies, migrations, demo data, dev server on 127.0.0.1:8000
                           # and the task queue's worker (e-mail is printed in this console)
    python3 dev.py test    # dependencies, then the whole test suite (extra args go to pytest)
    python3 dev.py audit   # bandit on the code, pip-audit on the pinned dependencies (CI)

Dependencies go into .venv/ (created on first use), pinned by constraints.txt, and are
reinstalled only when pyproject.toml or constraints.txt change. Without DATABASE_URL the
app and the tests use the embedded PostgreSQL server under .data/.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def say(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def run(*args: str | Path, env: dict | None = None) -> None:
    command = [str(arg) for arg in args]
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True, env=env)


def ensure_dependencies() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before anything checks it
        sys.exit("Python 3.11 or newer is needed (this is {}.{}).".format(*sys.version_info[:2]))
    if not PYTHON.exists():
        say(f"Creating the virtual environment {VENV.relative_to(ROOT)}/")
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    say("Installing the pinned dependencies (constraints.txt)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[test]")
    STAMP.write_text(wanted)


def compile_translations() -> None:
    """Compile the Swedish and English catalogues (Babel: no GNU gettext needed)."""
    say("Compiling the translation catalogues (locale/)")
    run(BIN / "pybabel", "compile", "--directory", "locale", "--domain", "django")


def start() -> None:
    ensure_dependencies()
    compile_translations()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    manage = [PYTHON, "manage.py"]
    say(
        "Migrating the database"
        + ("" if "DATABASE_URL" in env else " (embedded PostgreSQL in .data/)")
    )
    run(*manage, "migrate", "--no-input", env=env)
    run(*manage, "createcachetable", env=env)
    say("Building the demo competition (other phases: manage.py demo_data --phase review …)")
    run(*manage, "demo_data", "--accounts-to-file-only", env=env)
    say(
        "Starting the site on http://127.0.0.1:8000/ and the task queue's worker, which prints "
        "every e-mail (private links, sign-in codes) here. Stop both with Ctrl+C."
    )
    accounts = ROOT / ".data" / "demo-accounts.txt"
    if accounts.exists():
        print(accounts.read_text(), flush=True)
    run_site_and_worker(
        site=[PYTHON, "manage.py", "runserver", "127.0.0.1:8000"],
        worker=[PYTHON, "manage.py", "procrastinate", "worker"],
        env=env,
    )


def run_site_and_worker(*, site: list, worker: list, env: dict) -> None:
    """Run the dev server and the worker side by side until the server ends or Ctrl+C, then
    stop both. A worker that exits (it does when the database goes away) is started again
    after a few seconds, as the production service manager does."""
    import signal
    import time

    def spawn(command: list) -> subprocess.Popen:
        return subprocess.Popen([str(part) for part in command], cwd=ROOT, env=env)

    server, queue = spawn(site), spawn(worker)
    try:
        while server.poll() is None:
            if queue.poll() is not None:
                print("==> The worker stopped; starting it again in 5 s.", flush=True)
                time.sleep(5)
                queue = spawn(worker)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass  # the terminal sent Ctrl+C to every process of the group
    finally:
        for process in (server, queue):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (server, queue):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def ensure_chromium() -> None:
    """Find Chromium for the browser tests, or install it, and say which."""
    import shutil

    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    found = next((path for path in candidates if path and Path(path).exists()), None)
    if found:
        print(f"==> Browser tests use Chromium at {found}", flush=True)
        os.environ["CHROMIUM_PATH"] = found
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say("Chromium not found: installing Debian's chromium with apt-get (running as root)")
        run("apt-get", "update", "-qq")
        run("apt-get", "install", "-y", "-qq", "chromium")
        os.environ["CHROMIUM_PATH"] = "/usr/bin/chromium"
        return
    say("Chromium not found: installing Playwright's own Chromium (playwright install chromium)")
    run(PYTHON, "-m", "playwright", "install", "chromium")


def ensure_cache_server() -> None:
    """Find a Valkey or Redis server for the shared-cache tests, or install Debian's."""
    import shutil

    candidates = [
        os.environ.get("CACHE_SERVER_PATH"),
        shutil.which("valkey-server"),
        shutil.which("redis-server"),
        "/usr/bin/redis-server",
    ]
    found = next((path for path in candidates if path and Path(path).exists()), None)
    if not found and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say("No Valkey or Redis server found: installing Debian's redis-server with apt-get")
        run("apt-get", "update", "-qq")
        run("apt-get", "install", "-y", "-qq", "redis-server")
        found = "/usr/bin/redis-server"
    if not found:
        sys.exit(
            "The shared-cache tests need a Valkey or Redis server: install redis-server or "
            "valkey-server, or set CACHE_SERVER_PATH to one."
        )
    print(f"==> Shared-cache tests use {found}", flush=True)
    os.environ["CACHE_SERVER_PATH"] = found


def test(pytest_args: list[str]) -> None:
    ensure_dependencies()
    compile_translations()
    ensure_chromium()
    ensure_cache_server()
    say(
        "Running the test suite"
        + ("" if "DATABASE_URL" in os.environ else " on the embedded PostgreSQL")
    )
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "pytest", *pytest_args])


APP_PACKAGES = ["hyvakaytanto", "core", "nominations", "jury", "voting", "archive"]


def audit() -> None:
    """Fail on a medium or high bandit finding, or on a known vulnerability in a dependency.

    pip-audit asks PyPI's vulnerability service about every installed package. Where that
    service does not answer from this machine (no package could be audited), it says so and
    does not fail: an unreachable service is not a finding.
    """
    import json
    import tempfile

    ensure_dependencies()
    say("bandit: medium and high findings fail (reviewed exceptions carry '# nosec' and a reason)")
    run(
        BIN / "bandit",
        "--quiet",
        "--recursive",
        "--severity-level",
        "medium",
        "--exclude",
        "*/migrations/*",
        *APP_PACKAGES,
        "dev.py",
        "manage.py",
    )
    say("deptry: every package the code imports is declared in pyproject.toml")
    run(BIN / "deptry", ".")
    say("pip-audit: known vulnerabilities in the installed, pinned dependencies")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "pip-audit.json"
        result = subprocess.run(
            [
                str(BIN / "pip-audit"),
                "--skip-editable",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        packages = json.loads(report.read_text())["dependencies"] if report.exists() else []
    audited = [p for p in packages if "skip_reason" not in p]
    vulnerable = [p for p in audited if p.get("vulns")]
    for package in vulnerable:
        ids = ", ".join(v["id"] for v in package["vulns"])
        print(f"  {package['name']} {package['version']}: {ids}")
    if vulnerable:
        sys.exit(f"pip-audit: {len(vulnerable)} package(s) with known vulnerabilities.")
    if result.returncode != 0 and not packages:
        print(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "", flush=True)
        print(
            "pip-audit: the vulnerability service could not be reached from this machine; "
            "dependencies NOT audited here.",
            flush=True,
        )
    elif not audited:
        print(
            f"pip-audit: the vulnerability service answered for none of the {len(packages)} "
            "packages from this machine (its package index has no vulnerability data); "
            "dependencies NOT audited here.",
            flush=True,
        )
    else:
        print(
            f"pip-audit: {len(audited)} package(s) audited, no known vulnerabilities.", flush=True
        )


def main() -> None:
    commands = {"start": start, "test": test, "audit": audit}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    if sys.argv[1] == "test":
        test(sys.argv[2:])
    else:
        commands[sys.argv[1]]()


if __name__ == "__main__":
    main()
