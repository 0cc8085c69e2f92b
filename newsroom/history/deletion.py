"""Safe deletion: the stories and cases that still refer to a record are named before it goes."""

from django.contrib.admin.actions import delete_selected
from django.template.response import TemplateResponse

from cases.models import Case
from newsroom.models import Article

# A record's links from these are named on its delete confirmation: stories and cases.
REFERRING_MODELS = (Article, Case)


def references_to(objs):
    """Stories and cases that link to any of `objs`: [(record, [(kind, title), ...]), ...]."""
    objs = list(objs)
    if not objs:
        return []
    model = type(objs[0])
    found = {obj.pk: [] for obj in objs}
    for relation in model._meta.get_fields():
        if not relation.many_to_many or relation.related_model not in REFERRING_MODELS:
            continue
        m2m = relation if relation.concrete else relation.field
        through = m2m.remote_field.through
        if relation.concrete:  # obj.stories: the through row points to obj and to the story.
            own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        else:  # case.organizations seen from the organization.
            own, other = m2m.m2m_reverse_field_name(), m2m.m2m_field_name()
        links = through._default_manager.filter(**{f"{own}__in": found}).select_related(other)
        kind = relation.related_model._meta.verbose_name
        for link in links:
            found[getattr(link, f"{own}_id")].append((kind, str(getattr(link, other))))
    return [(obj, sorted(found[obj.pk])) for obj in objs if found[obj.pk]]


def delete_selected_naming_references(modeladmin, request, queryset):
    """Django's bulk delete, whose confirmation also names the stories and cases linked."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        response.context_data["references"] = references_to(queryset)
    return response


delete_selected_naming_references.allowed_permissions = ("delete",)
