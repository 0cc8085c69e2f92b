"""The checkboxes of a list's facet (templates/includes/filter_choices.html):

    {% load filter_options %}
    {% filter_options field options %}              (the options shown)
    {% filter_options field more_options folded=True %}   (those folded under "more")

Written here rather than in a template included once per option: a list may show hundreds of
organizations, and the include and its lookups made a third of the page's rendering time.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

OPTION = (
    '<div class="filter__option">\n'
    '  <input type="checkbox" name="{}" value="{}" id="{}"{}>\n'
    '  <label for="{}">{} ({})</label>\n'
    "</div>"
)


@register.simple_tag
def filter_options(field, options, folded=False):
    """Each option (newsroom.filters.Option) as a checkbox whose label, with the count, fills
    a row that is easy to tap; ids "<field id>_<index>" ("_more_<index>" when folded)."""
    name = field.html_name
    prefix = f"{field.auto_id}_{'more_' if folded else ''}"
    return format_html_join(
        "\n",
        OPTION,
        (
            (
                name,
                option.value,
                f"{prefix}{index}",
                mark_safe(" checked") if option.selected else "",
                f"{prefix}{index}",
                option.label,
                localize(option.count),
            )
            for index, option in enumerate(options)
        ),
    )
