from django import template

from newsroom import partial_dates

register = template.Library()


@register.filter
def date_as_said(value):
    """{{ story.publish_at|date_as_said }}: "12 January 2024", in the reader's language."""
    if value in (None, ""):
        return ""
    return partial_dates.date_as_said(value)
