"""Admin pieces shared by the three apps."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.forms import ModelForm


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
