"""Re-store every image uploaded before images were cleaned on upload (or after a restore from
an old backup): metadata stripped, a neutral file name, and the resized renditions.

Safe to run again: an image is re-encoded each time (same pixels, a new name), never lost; a
stored file that cannot be read or is not an allowed image is reported and left alone.
"""

import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from PIL import Image

from newsroom.images import rendition_name, rendition_widths, validate_image_upload
from newsroom.models import Article
from people.models import Person

IMAGE_FIELDS = [(Article, "lead_image"), (Person, "photo")]


class Command(BaseCommand):
    help = "Strip metadata from stored story images and people's photos and make renditions."

    def handle(self, *args, **options):
        cleaned = skipped = 0
        for model, field_name in IMAGE_FIELDS:
            for instance in model.objects.exclude(**{field_name: ""}).iterator():
                if self.clean_one(instance, field_name):
                    cleaned += 1
                else:
                    skipped += 1
        self.stdout.write(f"{cleaned} images cleaned, {skipped} left alone (see above).")

    def clean_one(self, instance, field_name):
        stored = getattr(instance, field_name)
        old_name, storage = stored.name, stored.storage
        try:
            with storage.open(old_name, "rb") as file:
                data = file.read()
        except OSError as error:
            self.stderr.write(
                f"{instance._meta.label} {instance.pk}: cannot read {old_name}: {error}"
            )
            return False
        setattr(instance, field_name, ContentFile(data, name=os.path.basename(old_name)))
        try:
            validate_image_upload(getattr(instance, field_name))
        except ValidationError as error:
            self.stderr.write(
                f"{instance._meta.label} {instance.pk}: {old_name}: {error.messages[0]}"
            )
            return False
        # Only the image column: cleaning is not an edit and must not move "modified" times.
        instance.save(update_fields=[field_name])
        self.delete_old_files(storage, old_name, data)
        return True

    def delete_old_files(self, storage, old_name, data):
        with Image.open(ContentFile(data)) as image:
            widths = rendition_widths(image.width)
        for name in [old_name, *(rendition_name(old_name, width) for width in widths)]:
            storage.delete(name)
