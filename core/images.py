"""Pictures staff upload: the site's logo and icon, and the finalists' pictures.

Pillow opens each upload, and the site keeps only an image it has drawn again itself:
resized, re-encoded, without the original's metadata (a phone's photo carries the place it
was taken in its EXIF). A file that merely calls itself an image never reaches a page.
The result is named by its content, so its URL never changes and can be cached for good.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A 10 MB PNG can hold a picture of billions of pixels that fills the memory once decoded.
MAX_PIXELS = 50_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
ACCEPTED_LABEL = "JPEG, PNG, WebP"
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"  # the file chooser's filter
# Stored names under this prefix are public: hyvakaytanto.views.public_file serves them.
PUBLIC_PREFIX = "public/"


@dataclass(frozen=True)
class Shape:
    """What an upload becomes: ``crop`` fills exactly width × height (cutting the edges),
    otherwise the picture is shrunk to fit inside them."""

    width: int
    height: int
    crop: bool
    format: str  # "JPEG" for photographs, "PNG" for logos and icons (transparency)


FINALIST_PICTURE = Shape(1200, 675, crop=True, format="JPEG")
SITE_LOGO = Shape(480, 96, crop=False, format="PNG")
SITE_ICON = Shape(180, 180, crop=True, format="PNG")


def processed_image(upload, *, shape: Shape, prefix: str) -> ContentFile:
    """The upload drawn again in ``shape``, named ``public/<prefix>-<digest>.<ext>``;
    or a ValidationError in Finnish that says what was wrong."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Kuva on liian suuri (%(size)s). Suurin sallittu koko on %(max)s."),
            code="too_large",
            params={
                "size": filesizeformat(upload.size),
                "max": filesizeformat(MAX_UPLOAD_BYTES),
            },
        )
    image = _opened(upload)
    image = ImageOps.exif_transpose(image)
    if shape.crop:
        image = ImageOps.fit(image.convert("RGBA"), (shape.width, shape.height))
    else:
        image = image.convert("RGBA")
        image.thumbnail((shape.width, shape.height))
    if shape.format == "JPEG":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    output = io.BytesIO()
    if shape.format == "JPEG":
        image.save(output, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.save(output, "PNG", optimize=True)
    data = output.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:24]
    extension = "jpg" if shape.format == "JPEG" else "png"
    return ContentFile(data, name=f"{PUBLIC_PREFIX}{prefix}-{digest}.{extension}")


def _opened(upload) -> Image.Image:
    unreadable = ValidationError(
        _("Tiedosto ei ole kuva, jonka voisi avata. Sallitut muodot: %(allowed)s."),
        code="not_an_image",
        params={"allowed": ACCEPTED_LABEL},
    )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise unreadable
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("Kuvassa on liikaa pikseleitä (%(width)s × %(height)s)."),
                    code="too_many_pixels",
                    params={"width": image.width, "height": image.height},
                )
            image.load()
    except ValidationError:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise unreadable from error
    return image


def cleaned_picture(value, *, shape: Shape, prefix: str):
    """For a form's ``clean_<field>``: a new upload drawn again, anything else (the file
    already kept, or False for "clear") as it is."""
    if isinstance(value, UploadedFile):
        return processed_image(value, shape=shape, prefix=prefix)
    return value
