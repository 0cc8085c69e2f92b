"""Admin pieces shared by the three apps."""

import errno
import logging

from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms import ModelForm
from django.utils.translation import gettext_lazy

from newsroom.images import delete_image

logger = logging.getLogger(__name__)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected option from the row already loaded.

    Django's widget runs one query per rendered field to label the selected value, so an inline
    of 50 defendants ran 50 queries. The form hands the widget the related object it already
    has (loaded with select_related), and the widget falls back to a query only without it.
    """

    preloaded = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if v]
        preloaded = self.preloaded
        if preloaded is None or [str(preloaded.pk)] != selected:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(preloaded)
        options.append(self.create_option(name, preloaded.pk, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteForm(ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound or self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PreloadedAutocompleteSelect):
                widget.preloaded = getattr(self.instance, name, None)


class PreloadedAutocompleteMixin:
    """Admin classes whose autocomplete foreign keys cost no query per row.

    List the same foreign keys in `list_select_related`-style `select_related` on the
    queryset (done here from autocomplete_fields) so that rows arrive with them.
    """

    form = PreloadedAutocompleteForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        foreign_keys = [
            name
            for name in self.get_autocomplete_fields(request)
            if isinstance(self.model._meta.get_field(name), models.ForeignKey)
        ]
        return queryset.select_related(*foreign_keys) if foreign_keys else queryset


class InlineBase(PreloadedAutocompleteMixin, admin.TabularInline):
    extra = 0


class StackedInlineBase(PreloadedAutocompleteMixin, admin.StackedInline):
    """For rows with too many fields for a table on a 1,366 px laptop screen: each row is a
    small form, its fields grouped on lines (tuples in `fields`), with short text boxes."""

    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})},
    }


# A full disk (or quota) while an uploaded image or its renditions are written.
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def is_disk_full(error):
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


class DiskFullFormErrorMixin:
    """For admins of records with uploaded images: a full disk while storing an image or its
    renditions is a form error, not a server error. The admin saves in one transaction, so the
    record stays as it was; whatever the failed save wrote of the image is deleted; and the
    form comes back with everything the editor typed, to save again."""

    disk_full_message = gettext_lazy(
        "The server's disk is full; the image was not saved. Your other changes were not saved "
        "either, but they are still in this form: save again without the new image, or once an "
        "administrator has made space."
    )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OSError as error:
            if not is_disk_full(error) or getattr(request, "_newsroom_disk_full", False):
                raise
            logger.error("Disk full saving a %s; the save was undone: %s", self.opts.label, error)
        # Rolled back whole by now. The same POST again, with a form that refuses it (get_form).
        request._newsroom_disk_full = True
        for _field_name, uploads in request.FILES.lists():
            for upload in uploads:
                upload.seek(0)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, "_newsroom_disk_full", False):
            return form_class
        message = self.disk_full_message

        class DiskFullForm(form_class):
            def clean(self):
                super().clean()
                raise ValidationError(message, code="disk_full")

        return DiskFullForm

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except OSError as error:
            if is_disk_full(error):
                self.delete_unsaved_images(obj, form)
            raise

    def delete_unsaved_images(self, obj, form):
        """Delete what a failed save wrote of new uploads (part of the image, renditions):
        the record will not point to them once the transaction is rolled back."""
        for name in form.changed_data:
            try:
                field = obj._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            fieldfile = getattr(obj, field.attname, None)
            if not isinstance(field, models.FileField) or not fieldfile:
                continue
            # Not committed: the write of the image itself failed, under the name it was given.
            stored_name = (
                fieldfile.name
                if fieldfile._committed
                else field.generate_filename(obj, fieldfile.name)
            )
            try:
                delete_image(fieldfile.storage, stored_name)
            except OSError:
                logger.exception("Could not delete %s after a failed save", stored_name)
