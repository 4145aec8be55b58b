"""Running the site's own commands in processes of their own, on the test database."""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def database_url(name: str | None = None) -> str:
    """DATABASE_URL for the test server's database ``name`` (default: the test database)."""
    database = settings.DATABASES["default"]
    return (
        f"postgres://{quote(database['USER'])}:{quote(database.get('PASSWORD') or '')}"
        f"@{quote(database['HOST'], safe='')}:{database['PORT']}/"
        f"{quote(name or database['NAME'])}"
    )
