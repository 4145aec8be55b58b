"""Files kept in PostgreSQL: the nomination attachments.

A small Storage of our own rather than a package: the ones on PyPI for this are unmaintained
or keep files as base64 text (a third larger) behind URLs of their own, while attachments here
are few (at most five of 10 MB per nomination), private, and served only by the site's own
permission-checked views. Names under ``public/`` are the exception: pictures drawn again by
``core.images`` and named by their content, which ``hyvakaytanto.views.public_file``
serves to anyone. In PostgreSQL every app server sees the same files, and the one
database backup (``backup_database``) holds them with everything else.
"""

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from core.images import PUBLIC_PREFIX
from core.models import StoredFile


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


# --- Which stored files belong to a row -----------------------------------------------------


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every file field of every installed app. A django-simple-history version only names
    its row's file, it does not own it."""
    return [
        (model, field)
        for model in apps.get_models()
        if not model._meta.proxy and getattr(model, "instance_type", None) is None
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _owned(names=None):
    owned = StoredFile.objects.none()
    for model, field in file_fields():
        rows = model._base_manager.exclude(**{field.attname: ""})
        if names is not None:
            rows = rows.filter(**{f"{field.attname}__in": names})
        owned = owned.union(rows.values_list(field.attname, flat=True))
    return owned


def orphaned_files() -> models.QuerySet:
    """Stored files that no row's file field names: kept in every backup for nothing."""
    return StoredFile.objects.exclude(name__in=_owned())


def files_forget(names) -> None:
    """Delete the stored files among ``names`` that no row names any more, in the caller's
    transaction: a row's file goes with the row, or neither does. (A picture named by its
    content may be shared by two rows; it stays while one still shows it.)"""
    names = [name for name in names if name]
    if not names:
        return
    owned = set(_owned(names))
    unowned = [name for name in names if name not in owned]
    storage = storages["private"]
    if isinstance(storage, DatabaseStorage):
        StoredFile.objects.filter(name__in=unowned).delete()
    else:  # files outside the database go once the rows' change is committed
        transaction.on_commit(lambda: [storage.delete(name) for name in unowned])


def _row_deleted(sender, instance, **kwargs) -> None:
    files_forget(
        getattr(instance, field.attname) for model, field in file_fields() if model is sender
    )


def connect_file_owners() -> None:
    """Each model with a file field deletes its files with its rows (cascades included).
    Connected per model, so the bulk deletes of other models stay fast."""
    for model in {model for model, _field in file_fields()}:
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"files-{model._meta.label}")
