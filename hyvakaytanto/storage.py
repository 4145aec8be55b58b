"""Files kept in PostgreSQL: the nomination attachments.

A small Storage of our own rather than a package: the ones on PyPI for this are unmaintained
or keep files as base64 text (a third larger) behind URLs of their own, while attachments here
are few (at most five of 10 MB per nomination), private, and served only by the site's own
permission-checked views. In PostgreSQL every app server sees the same files, and the one
database backup (``backup_database``) holds them with everything else.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from hyvakaytanto.models import StoredFile


@deconstructible
class DatabaseStorage(Storage):
    def _open(self, name, mode="rb"):
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name, content):
        data = b"".join(content.chunks())
        StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def exists(self, name) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name) -> None:
        StoredFile.objects.filter(name=name).delete()

    def size(self, name) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def url(self, name):
        raise NotImplementedError("Attachments have no public URL; the site's views serve them.")
