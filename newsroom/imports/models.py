"""Where each imported record came from: the file, the row, the row's source URL."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ImportedRecordQuerySet(models.QuerySet):
    def from_source(self, file_name, row_number, source_url):
        """The record an earlier import made from this row: found by its source URL when the
        row has one (rows may move in a file), else by file name and row number."""
        if source_url:
            return self.filter(source_url=source_url)
        return self.filter(file_name=file_name, row_number=row_number, source_url="")


class ImportedRecord(models.Model):
    """One row of an imported file and the records it made or updated."""

    file_name = models.CharField(_("file"), max_length=255)
    row_number = models.PositiveIntegerField(_("row"))
    source_url = models.URLField(_("source URL"), max_length=500, blank=True, db_index=True)
    # A digest of the row's values as mapped: the same row imported again changes nothing.
    row_digest = models.CharField(_("row digest"), max_length=64)
    # The whole row as read, including columns no field holds (gender, photo URL).
    # Translators: the values of a row of an imported file, by column.
    values = models.JSONField(_("values"), default=dict)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="imported_records",
    )
    defendant = models.ForeignKey(
        "cases.Defendant",
        verbose_name=_("defendant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_records",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    objects = ImportedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["file_name", "row_number"]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")

    def __str__(self):
        return gettext("%(file)s, row %(row)d") % {"file": self.file_name, "row": self.row_number}
