"""Share images: the picture a link to a story shows on social networks when it has no lead image.

The image shows only the headline and the site's name, both editors' text for readers, so it
can carry nothing else about anyone (no names from withheld records, no photo). It is drawn with
Pillow once per version of that text and kept in the media storage under a name derived from a
keyed hash of the text: a changed headline gives a new file and a new URL (`?v=`), which social
networks fetch afresh; older versions of the same story are deleted. The hash is keyed with
SECRET_KEY, so the name of a draft's image cannot be worked out from a guessed headline.

The font is DejaVu Sans Bold where the Debian package fonts-dejavu-core put it (it has Cyrillic
and Kazakh letters), otherwise Pillow's bundled scalable font (Latin letters only), so nothing
has to be installed.
"""

import io
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.crypto import salted_hmac
from PIL import Image, ImageDraw, ImageFont

SIZE = WIDTH, HEIGHT = 1200, 630
FOLDER = "share"
# Bump when the drawing below changes, so every stored image is drawn again.
DESIGN_VERSION = "1"
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
BACKGROUND = "#1b1b1b"
ACCENT = "#8a1c1c"
HEADLINE_COLOUR = "#ffffff"
SITE_NAME_COLOUR = "#d6d6d6"
MARGIN = 80
ACCENT_HEIGHT = 14
SITE_NAME_SIZE = 40
# The headline fills the box between the accent bar and the site name, in the largest of these
# sizes at which it fits; at the smallest, what does not fit ends in an ellipsis.
HEADLINE_SIZES = range(88, 35, -4)
HEADLINE_TOP = 110
HEADLINE_BOTTOM = HEIGHT - 150
LINE_SPACING = 1.2


def share_image_version(article):
    """A short keyed hash of what the image shows."""
    text = f"{DESIGN_VERSION}\n{settings.SITE_NAME}\n{article.headline}"
    return salted_hmac("newsroom.share_images", text).hexdigest()[:20]


def share_image_name(article):
    return f"{FOLDER}/{article.pk}-{share_image_version(article)}.png"


def share_image_url(article):
    """The image's address, with its version so that a new headline is a new URL."""
    path = reverse("newsroom:article_share_image", kwargs={"slug": article.slug})
    return f"{path}?v={share_image_version(article)[:12]}"


def stored_share_image(article):
    """The storage name of the story's share image, drawn and stored first if it is not yet."""
    name = share_image_name(article)
    if default_storage.exists(name):
        return name
    png = draw_share_image(article.headline, settings.SITE_NAME)
    saved = default_storage.save(name, ContentFile(png))
    if saved != name:
        # Another request stored the same image a moment ago: keep one copy.
        default_storage.delete(saved)
    _delete_older_versions(article, keep=name)
    return name


def _delete_older_versions(article, keep):
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except OSError:
        return
    for filename in files:
        name = f"{FOLDER}/{filename}"
        if filename.startswith(f"{article.pk}-") and name != keep:
            default_storage.delete(name)


def font(size):
    for path in FONT_FILES:
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def wrap(text, font, width):
    """Lines of at most `width` pixels, broken between words (inside a word only when the
    word alone is too long)."""
    lines = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for character in word:
            if line and font.getlength(line + character) > width:
                lines.append(line)
                line = ""
            line += character
    if line:
        lines.append(line)
    return lines


def fit_headline(headline, width, height):
    """(font, line height, lines) of the largest size at which the headline fits the box."""
    for size in HEADLINE_SIZES:
        headline_font = font(size)
        line_height = round(size * LINE_SPACING)
        lines = wrap(headline, headline_font, width)
        if len(lines) * line_height <= height:
            return headline_font, line_height, lines
    max_lines = max(1, height // line_height)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and headline_font.getlength(last + " …") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + " …"]
    return headline_font, line_height, lines


def draw_share_image(headline, site_name):
    """A 1200 x 630 PNG of the headline and the site's name."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, ACCENT_HEIGHT), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN
    headline = " ".join(headline.split())
    headline_font, line_height, lines = fit_headline(
        headline, text_width, HEADLINE_BOTTOM - HEADLINE_TOP
    )
    y = HEADLINE_TOP
    for line in lines:
        draw.text((MARGIN, y), line, font=headline_font, fill=HEADLINE_COLOUR)
        y += line_height
    site_font = font(SITE_NAME_SIZE)
    draw.rectangle((MARGIN, HEIGHT - 112, MARGIN + 60, HEIGHT - 106), fill=ACCENT)
    draw.text((MARGIN, HEIGHT - 90), site_name, font=site_font, fill=SITE_NAME_COLOUR)
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()
