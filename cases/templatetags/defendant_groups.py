"""Template filter that lists people without a public name as groups (cases/summaries.py)."""

from django import template

from cases import summaries
from cases.summaries import with_unnamed_grouped

register = template.Library()


@register.filter
def unnamed_grouped(people):
    """People (prefetched by PersonQuerySet.with_story_lines()) with the unnamed and withheld
    defendants of each case as one group: {% for entry in people|unnamed_grouped %}."""
    return with_unnamed_grouped(people)


@register.filter
def story_links(article):
    """What a story page lists after the story: {% with links=article|story_links %}, with
    `case_people`, `other_people` and `other_cases` (see cases.summaries.story_links)."""
    return summaries.story_links(article.public_people, article.published_cases)
