#!/usr/bin/env python3
"""Set up and run the project on a machine that has nothing but Python 3.11+.

    python3 dev.py start   # dependencies, migrations, demo data, dev server on 127.0.0.1:8000
    python3 dev.py test    # dependencies, then the whole test suite (extra args go to pytest)

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
    say("Loading the demo competition and its nominations")
    run(*manage, "demo_data", env=env)
    run(*manage, "demo_nominations", env=env)
    say("Starting the site on http://127.0.0.1:8000/ (stop with Ctrl+C)")
    os.chdir(ROOT)
    os.execve(PYTHON, [str(PYTHON), "manage.py", "runserver", "127.0.0.1:8000"], env)


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


def test(pytest_args: list[str]) -> None:
    ensure_dependencies()
    compile_translations()
    ensure_chromium()
    say(
        "Running the test suite"
        + ("" if "DATABASE_URL" in os.environ else " on the embedded PostgreSQL")
    )
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "pytest", *pytest_args])


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"start", "test"}:
        sys.exit(__doc__)
    if sys.argv[1] == "start":
        start()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
