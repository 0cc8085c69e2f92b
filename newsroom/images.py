"""Uploaded images (story lead images, people's photos): checked, cleaned and resized here.

An upload is trusted only after Pillow has decoded it: the format must really be JPEG, PNG or
WebP whatever the file name or declared content type say, the pixel count is checked from the
header before any decoding (decompression bombs), and the file size is limited.

What is stored is never the uploaded file itself: the pixels are turned upright (EXIF orientation)
and re-encoded into a new file, so no EXIF (GPS position, camera serial), XMP, IPTC, comment or
original file name survives; a photo can say where a source lives. Resized WebP renditions
(400, 800 and 1600 pixels wide, never upscaled) are written next to it, under names derived from
the stored name, so templates find them without a database column or a storage listing.

Multi-frame files (a phone's multi-picture JPEG, "MPO"; an animated PNG or WebP) are accepted as
their first frame, stored as a still JPEG, PNG or WebP.
"""

import io
import os
import re
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from PIL import Image, ImageCms, ImageOps

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
# The format a decoded image is stored in: Pillow names a phone's multi-picture JPEG "MPO".
STORED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
STORED_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (400, 800, 1600)
RENDITION_FORMAT = "WEBP"
RENDITION_QUALITY = 82
STORED_QUALITY = 90
EXIF_ORIENTATION = 0x0112

# Pillow's own bomb check (a warning above the limit, an error above twice the limit) then
# guards every Pillow call in the project, including Django's ImageField form field.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_SRGB_PROFILE = ImageCms.createProfile("sRGB")


def validate_image_upload(value):
    """Field validator: refuse anything but a decodable JPEG, PNG or WebP within the limits.

    Images already stored are not checked again (saving a story must not re-read its image)."""
    if not value or getattr(value, "_committed", True):
        return
    upload = value.file
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            gettext(
                "This file is %(size)s; images may be at most %(limit)s. "
                "Export a smaller JPEG, PNG or WebP and upload that."
            ),
            code="file_too_large",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_UPLOAD_BYTES),
            },
        )
    try:
        with _open_checked(upload) as image:
            # A dry run of the conversions done on save, so that saving cannot fail on this file.
            _upright_srgb(image)
    except (OSError, ValueError) as error:
        raise ValidationError(
            gettext("This image could not be processed; save it again as an ordinary JPEG or PNG."),
            code="unprocessable_image",
        ) from error
    finally:
        upload.seek(0)


def _open_checked(upload):
    """Decode an upload fully (the first frame of a multi-frame file) and return the Pillow
    image, or raise a ValidationError."""
    upload.seek(0)
    # Pillow works on a copy (at most MAX_UPLOAD_BYTES): it may close the file it reads.
    upload = io.BytesIO(upload.read())
    with warnings.catch_warnings():
        # Above the limit Pillow only warns; a warning must refuse the upload too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except Exception:  # Pillow raises many kinds of errors on a hostile file
            raise ValidationError(
                gettext("This file is not a JPEG, PNG or WebP image (or it is damaged)."),
                code="invalid_image_format",
            ) from None
        if image.format not in STORED_FORMATS:
            # A JPEG variant Pillow decodes under another name, which saving would not know.
            image.close()
            raise ValidationError(
                gettext("This file is not a JPEG, PNG or WebP image (or it is damaged)."),
                code="invalid_image_format",
            )
        if image.width * image.height > MAX_PIXELS:
            # Checked from the header, before a single pixel is decoded.
            image.close()
            raise _too_many_pixels()
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            image.close()
            raise _too_many_pixels() from None
        except Exception:
            image.close()
            raise ValidationError(
                gettext("This image is damaged or incomplete; it could not be read."),
                code="damaged_image",
            ) from None
    return image


def _too_many_pixels():
    return ValidationError(
        gettext(
            "This image has too many pixels (at most %(limit)s megapixels). Resize it and upload "
            "it again."
        ),
        code="too_many_pixels",
        params={"limit": MAX_PIXELS // 1_000_000},
    )


def prepare_new_upload(fieldfile):
    """If the field holds a new upload, swap it for a re-encoded copy without any metadata or
    the original name, and return True (the caller then makes renditions once it is stored).

    Call in the model's save() before saving: the field stores the clean copy, never the
    upload itself."""
    if not fieldfile or fieldfile._committed:
        return False
    image = _open_checked(fieldfile.file)
    image_format = STORED_FORMATS[image.format]
    clean = _clean_pixels(image)  # of the first frame only: what _open_checked decoded
    image.close()
    buffer = io.BytesIO()
    _encode(clean, image_format, buffer, quality=STORED_QUALITY)
    # A random name: the uploaded name ("source-x-at-home.jpg") can say too much.
    name = f"{secrets.token_hex(10)}.{STORED_EXTENSIONS[image_format]}"
    fieldfile.file = ContentFile(buffer.getvalue(), name=name)
    fieldfile.name = name
    fieldfile._committed = False
    return True


def _clean_pixels(image):
    """The image upright, in sRGB, as a brand-new image that carries pixels only."""
    upright = _upright_srgb(image)
    # A new image with the pixels pasted in: no info dict, so no EXIF, XMP, ICC or comment.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    return clean


def _upright_srgb(image):
    """The image turned by its EXIF orientation, in a plain mode and in sRGB colours."""
    if image.getexif().get(EXIF_ORIENTATION, 1) != 1:
        image = ImageOps.exif_transpose(image)
    icc_profile = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = image.mode in ("P", "PA") and "transparency" in image.info
        image = image.convert("RGBA" if has_alpha or image.mode == "PA" else "RGB")
    if icc_profile and image.mode in ("RGB", "RGBA"):
        # Keep the colours right while dropping the profile (a wide-gamut phone photo).
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            image = ImageCms.profileToProfile(image, source, _SRGB_PROFILE)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image


def _encode(image, image_format, output, quality):
    if image_format == "JPEG":
        if image.mode in ("RGBA", "LA"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        image.save(output, "JPEG", quality=quality, optimize=True, progressive=True)
    elif image_format == "PNG":
        image.save(output, "PNG", optimize=True)
    else:
        image.save(output, "WEBP", quality=quality, method=4)


def rendition_widths(original_width):
    """The widths made for an image: the standard ones below its width, then its own width
    capped at the largest standard one (never upscaled)."""
    smaller = [width for width in RENDITION_WIDTHS if width < original_width]
    return [*smaller, min(original_width, RENDITION_WIDTHS[-1])]


def rendition_name(name, width):
    """Where the rendition of a stored image at a width lives: "stories/a1b2.jpg", 400 ->
    "stories/a1b2.400w.webp"."""
    root, _extension = os.path.splitext(name)
    return f"{root}.{width}w.webp"


def create_renditions(fieldfile):
    """Write the resized renditions of a stored image (call after the model is saved)."""
    storage = fieldfile.storage
    with storage.open(fieldfile.name, "rb") as stored, Image.open(stored) as image:
        image.load()
        for width in rendition_widths(image.width):
            height = max(1, round(image.height * width / image.width))
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            if resized.mode not in ("RGB", "RGBA"):
                resized = resized.convert("RGBA" if "A" in resized.mode else "RGB")
            buffer = io.BytesIO()
            resized.save(buffer, RENDITION_FORMAT, quality=RENDITION_QUALITY, method=4)
            name = rendition_name(fieldfile.name, width)
            if storage.exists(name):
                storage.delete(name)  # a stable name, never "name_x7Ab.webp"
            storage.save(name, ContentFile(buffer.getvalue()))


def delete_image(storage, name):
    """Delete a stored image and every rendition of it (whatever widths were made)."""
    folder, filename = os.path.split(name)
    rendition_pattern = re.compile(re.escape(os.path.splitext(filename)[0]) + r"\.\d+w\.webp")
    try:
        _folders, files = storage.listdir(folder)
    except OSError:  # the folder is gone: so are the files
        files = []
    for other in files:
        if rendition_pattern.fullmatch(other):
            storage.delete(f"{folder}/{other}" if folder else other)
    storage.delete(name)


def responsive_image(fieldfile):
    """What a template needs for <img src srcset width height>, or None when there is no image
    or its file cannot be read (never an error on a public page)."""
    if not fieldfile:
        return None
    try:
        width, height = fieldfile.width, fieldfile.height
    except (OSError, ValueError, TypeError):
        return None
    if not width or not height:
        return None
    storage = fieldfile.storage
    widths = rendition_widths(width)
    sources = [(storage.url(rendition_name(fieldfile.name, w)), w) for w in widths]
    largest = widths[-1]
    return {
        "src": sources[-1][0],
        "srcset": ", ".join(f"{url} {w}w" for url, w in sources),
        "width": largest,
        "height": max(1, round(height * largest / width)),
    }
