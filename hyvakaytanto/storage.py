"""Files kept in PostgreSQL: the nomination attachments.

A small Storage of our own rather than a package: the ones on PyPI for this are unmaintained
or keep files as base64 text (a third larger) behind URLs of their own, while attachments here
are few (at most five of 10 MB per nomination), private, and served only by the site's own
permission-checked views. Names under ``public/`` are the exception: pictures drawn again by
``hyvakaytanto.images`` and named by their content, which ``hyvakaytanto.views.public_file``
serves to anyone. In PostgreSQL every app server sees the same files, and the one
database backup (``backup_database``) holds them with everything else.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from hyvakaytanto.images import PUBLIC_PREFIX
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
        if name.startswith(PUBLIC_PREFIX):
            # Named by its content: the same name is the same picture, kept once.
            StoredFile.objects.get_or_create(
                name=name, defaults={"content": data, "size": len(data)}
            )
        else:
            StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def get_available_name(self, name, max_length=None):
        if name.startswith(PUBLIC_PREFIX):
            return name
        return super().get_available_name(name, max_length=max_length)

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
        if name.startswith(PUBLIC_PREFIX):
            return reverse("public_file", kwargs={"name": name.removeprefix(PUBLIC_PREFIX)})
        raise NotImplementedError("Attachments have no public URL; the site's views serve them.")
