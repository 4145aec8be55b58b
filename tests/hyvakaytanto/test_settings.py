import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.checks import embedded_database_in_production
from core.embedded_db import embedded_database_settings
from core.env import env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]


def load_settings(
    show: str = "db['HOST'], db['NAME'], settings.DEBUG", **environment: str
) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter with exactly this environment,
    and print ``show`` (``db`` is the default database's settings)."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'hyvakaytanto.settings';"
            "from django.conf import settings; db = settings.DATABASES['default'];"
            f"print({show})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("off", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)

    assert env_bool("FLAG", default=not expected) is expected


def test_env_bool_refuses_a_typo_instead_of_reading_it_as_false(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")

    with pytest.raises(ImproperlyConfigured, match="FLAG='ture' is not a boolean"):
        env_bool("FLAG", default=True)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "hyvakaytanto.fi, www.hyvakaytanto.fi,")

    assert env_list("HOSTS", []) == ["hyvakaytanto.fi", "www.hyvakaytanto.fi"]


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = load_settings(DATABASE_URL="postgres://app:pw@db.example:5433/hk")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_use_database_url_when_it_is_set():
    result = load_settings(DATABASE_URL="postgres://app:pw@db.example:5433/hk", SECRET_KEY="s" * 50)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.example", "hk", "False"]


@pytest.mark.parametrize(
    ("value", "expected"), [(None, "True 5"), ("true", "True 5"), ("false", "None None")]
)
def test_prepared_statements_are_on_unless_switched_off(value, expected):
    """Off behind a pooler that cannot keep prepared statements."""
    environment = {"DATABASE_PREPARED_STATEMENTS": value} if value else {}
    result = load_settings(
        "db['OPTIONS'].get('server_side_binding'), db['OPTIONS'].get('prepare_threshold')",
        DATABASE_URL="postgres://app:pw@db.example:5433/hk",
        SECRET_KEY="s" * 50,
        **environment,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("environment", "refusal"),
    [
        ({"DATABASE_PREPARED_STATEMENTS": "true"}, "DATABASE_PREPARED_STATEMENTS=true cannot work"),
        ({"DISABLE_SERVER_SIDE_CURSORS": "false"}, "DISABLE_SERVER_SIDE_CURSORS=false cannot work"),
        ({"WORKER_DATABASE_URL": ""}, "DATABASE_POOLER=transaction needs WORKER_DATABASE_URL"),
    ],
)
def test_a_transaction_pooler_refuses_a_setting_that_cannot_work_behind_it(environment, refusal):
    behind_a_pooler = {
        "DATABASE_URL": "postgres://app:pw@pgbouncer.example:6432/hk",
        "WORKER_DATABASE_URL": "postgres://app:pw@db.example:5432/hk",
        "DATABASE_POOLER": "transaction",
        "SECRET_KEY": "s" * 50,
    }
    result = load_settings(**{**behind_a_pooler, **environment})

    assert result.returncode != 0
    assert refusal in result.stderr


def test_behind_a_transaction_pooler_the_app_prepares_nothing_and_the_worker_goes_direct():
    result = load_settings(
        "db['HOST'], db['OPTIONS'].get('prepare_threshold'), db['DISABLE_SERVER_SIDE_CURSORS'],"
        "settings.PROCRASTINATE_DATABASE_ALIAS, settings.DATABASES['worker']['HOST'],"
        "settings.DATABASES['worker']['PORT']",
        DATABASE_URL="postgres://app:pw@pgbouncer.example:6432/hk",
        WORKER_DATABASE_URL="postgres://app:pw@db.example:5432/hk",
        DATABASE_POOLER="transaction",
        SECRET_KEY="s" * 50,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "pgbouncer.example",
        "None",
        "True",
        "worker",
        "db.example",
        "5432",
    ]


def test_a_pooler_mode_that_does_not_exist_is_refused():
    result = load_settings(DATABASE_POOLER="statement", SECRET_KEY="s" * 50)

    assert result.returncode != 0
    assert "DATABASE_POOLER='statement': use none, session or transaction" in result.stderr


def test_settings_refuse_a_database_url_that_is_not_postgresql():
    result = load_settings(DATABASE_URL="sqlite:///db.sqlite3", SECRET_KEY="s" * 50)

    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


def test_debug_off_is_the_default():
    result = load_settings(DATABASE_URL="postgres://app:pw@db.example/hk", SECRET_KEY="s" * 50)

    assert result.stdout.split()[-1] == "False"


@pytest.mark.django_db
def test_without_database_url_a_process_reuses_the_embedded_server_and_leaves_it_running(
    django_db_blocker,
):
    result = load_settings(DEBUG="1")

    assert result.returncode == 0, result.stderr
    host = Path(result.stdout.split()[0])
    assert host.resolve() == (ROOT / ".data" / "postgres").resolve()
    # That process has exited; the server this test run uses must still answer.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_embedded_server_that_cannot_start_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder's parent should be")

    with pytest.raises(ImproperlyConfigured, match="set DATABASE_URL"):
        embedded_database_settings(blocker / "postgres")


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "hyvakaytanto" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))

    assert read == listed


def test_deploy_check_warns_when_production_would_run_on_the_embedded_server(settings):
    settings.EMBEDDED_DATABASE = True
    assert [w.id for w in embedded_database_in_production(None)] == ["hyvakaytanto.W001"]

    settings.EMBEDDED_DATABASE = False
    assert embedded_database_in_production(None) == []


def test_manage_py_works_on_a_fresh_checkout_with_no_environment():
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}

    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "using development settings (DEBUG=1)" in result.stderr
    assert "No changes detected" in result.stdout


def test_sentry_reports_errors_without_personal_data_when_a_dsn_is_set():
    result = load_settings(
        "__import__('sentry_sdk').get_client().options['send_default_pii'],"
        "__import__('sentry_sdk').get_client().options['dsn']",
        DEBUG="1",
        SENTRY_DSN="https://public@sentry.example/1",
        DATABASE_URL="postgres://u@db.example/x",
    )

    assert result.stdout.strip() == "False https://public@sentry.example/1", result.stderr


def test_sentry_is_off_without_a_dsn():
    result = load_settings(
        "__import__('sentry_sdk').get_client().is_active()",
        DEBUG="1",
        DATABASE_URL="postgres://u@db.example/x",
    )

    assert result.stdout.strip() == "False", result.stderr


def test_an_error_report_keeps_the_path_and_drops_the_person():
    from core.errors import _without_personal_data

    event = {
        "user": {"email": "liisa@example.fi", "ip_address": "10.0.0.1"},
        "breadcrumbs": {"values": [{"message": "SELECT … liisa@example.fi"}]},
        "request": {
            "url": "https://hyvakaytanto.example/ehdotus/salainen-token/muokkaa/",
            "method": "POST",
            "query_string": "email=liisa@example.fi",
            "cookies": {"sessionid": "abc"},
            "headers": {"X-Forwarded-For": "10.0.0.1"},
            "data": {"contact_name": "Liisa"},
        },
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "Key (email)=(liisa.o'neil+hk@lapha.example) already exists.",
                }
            ]
        },
        "logentry": {"message": "Vote by %s", "params": ["liisa@example.fi"]},
        "extra": {"address": "liisa@example.fi"},
    }

    scrubbed = _without_personal_data(event, hint={})

    assert scrubbed == {
        "request": {
            "url": "https://hyvakaytanto.example/ehdotus/[linkki]/muokkaa/",
            "method": "POST",
        },
        "exception": {
            "values": [
                {"type": "IntegrityError", "value": "Key (email)=([osoite]) already exists."}
            ]
        },
        "logentry": {"message": "Vote by %s"},
    }


def test_the_old_email_backend_variable_is_refused_with_its_new_name():
    result = load_settings(
        DEBUG="1",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DATABASE_URL="postgres://u@db.example/x",
    )

    assert result.returncode != 0
    assert "rename it EMAIL_DELIVERY_BACKEND" in result.stderr


def test_a_stalled_worker_time_outside_a_minute_is_refused():
    result = load_settings(
        DEBUG="1", WORKER_STALLED_SECONDS="60", DATABASE_URL="postgres://u@db.example/x"
    )

    assert "WORKER_STALLED_SECONDS must be between 1 and 59" in result.stderr


def test_an_emptied_list_of_server_users_is_started_afresh(tmp_path):
    """A command stopped while the embedded server's list of users was being rewritten
    leaves it empty; the next start must not fail on it."""
    from core.embedded_db import _repair_handle_list

    emptied, intact = tmp_path / "emptied.json", tmp_path / "intact.json"
    emptied.write_text("")
    intact.write_text("[123, 456]")

    _repair_handle_list(emptied)
    _repair_handle_list(intact)
    _repair_handle_list(tmp_path / "absent.json")

    assert emptied.read_text() == "[]"
    assert intact.read_text() == "[123, 456]"
    assert not (tmp_path / "absent.json").exists()
