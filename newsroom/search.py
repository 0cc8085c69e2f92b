"""One public search over stories, people, organizations and cases.

Names are matched through the one normalisation in people/names.py, applied to the stored names
(the `search_name` columns) and to the query, so every spelling of a name finds the person; a
name with one letter wrong, added or dropped finds them too, after the names that contain the
query (people/close_names.py). Stories are matched by words in any form ("sentences" finds
"sentenced": newsroom/stemming.py, and PostgreSQL's full-text search, which also ranks them).
Stories and cases are matched word by word, case-insensitively, on their text; cities, like names,
through the normalisation, so "Алматы" finds the cases in Almaty. Organizations are found by name,
short name ("HRW", "ДВК") or any alternate name, all part of their `search_name`.
"""

import math

from django.db.models import Count, Q, Window
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from cases.models import Case, Defendant
from newsroom.key_lists import InKeys, KeySet
from newsroom.models import Article
from newsroom.text_queries import MAX_QUERY_LENGTH, bound_text
from people.models import Organization, Person

RESULTS_PER_GROUP = 20

# The groups, in page order: (key, title).
GROUPS = [
    ("stories", gettext_lazy("Stories")),
    ("people", gettext_lazy("People")),
    ("organizations", gettext_lazy("Organizations")),
    ("cases", gettext_lazy("Cases")),
]


class SearchView(TemplateView):
    """Every group's first results and how many there are (?q=), or the results of one group
    page by page (?q=&group=people&page=2)."""

    template_name = "newsroom/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The same bound as every free-text filter: characters, words and name parts.
        bounded = bound_text(self.request.GET.get("q", ""))
        query, words = bounded.text, bounded.words
        shown = self.request.GET.get("group")
        keys = [key for key, _ in GROUPS if key == shown] or [key for key, _ in GROUPS]
        page = page_number(self.request.GET.get("page")) if shown in keys else 1
        groups = []
        if words:
            results = SearchResults(words, bounded.name_terms)
            groups = [results.group(key, page) for key in keys]
        if page > 1 and not any(group["results"] for group in groups):
            raise Http404(gettext("There is no such page of results."))
        context.update(
            query=query,
            max_query_length=MAX_QUERY_LENGTH,
            search_messages=bounded.notices,
            groups=groups,
            one_group=shown in keys,
            total_count=sum(group["count"] for group in groups),
        )
        return context


# Past this page no search has results (and SQLite refuses an offset past 64 bits).
LAST_PAGE = 100_000


def page_number(raw):
    """A page of results: a whole number from 1 (else a 404, as the site's lists answer)."""
    if raw is None:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= LAST_PAGE:
        raise Http404(gettext("There is no such page of results."))
    return int(raw)


class SearchResults:
    """What a search finds, group by group. The people and organizations it names are read once
    (their keys), and each group uses them: the stories and cases about them, whose text may
    spell a name differently from the query."""

    def __init__(self, words, name_terms):
        self.words = words
        self.name_terms = name_terms
        exact_people, close_people, self.organization_keys = set(), set(), set()
        if name_terms:
            # A query of only punctuation folds to no terms, which would match every name.
            exact_people, close_people = Person.objects.searchable().matching_keys(name_terms)
            self.organization_keys = set(
                Organization.objects.public().matching(name_terms).values_list("pk", flat=True)
            )
        self.people_keys = KeySet(exact_people | close_people)
        self.exact_people = KeySet(exact_people)
        self.close_people = KeySet(close_people)
        self.organization_keys = KeySet(self.organization_keys)

    def group(self, key, page=1):
        """The group's count and its results on the page, with what its template shows."""
        offset = (page - 1) * RESULTS_PER_GROUP
        count, results = getattr(self, key)(offset)
        return {
            "key": key,
            "title": dict(GROUPS)[key],
            "count": count,
            "results": results,
            "is_capped": count > len(results),
            "page": page,
            "page_count": max(1, math.ceil(count / RESULTS_PER_GROUP)),
        }

    def stories(self, offset):
        people_stories = Person.stories.through.objects.filter(InKeys("person", self.people_keys))
        organization_stories = Organization.stories.through.objects.filter(
            InKeys("organization", self.organization_keys)
        )
        stories = (
            Article.objects.published()
            .filter(
                Q(pk__in=Article.objects.matching(self.words).values("pk"))
                | Q(pk__in=people_stories.values("article"))
                | Q(pk__in=organization_stories.values("article"))
            )
            .best_match_first(self.words)
        )
        # How many there are and the page in one query: each row carries the total (a window
        # over the whole result), so the matches are worked out once, not twice.
        rows = list(
            stories.annotate(found_count=Window(Count("pk")))[offset : offset + RESULTS_PER_GROUP]
        )
        return (rows[0].found_count if rows else 0), rows

    def people(self, offset):
        """One line per person, as stories show them. The names that contain the query come
        first, then those within a letter of it (people/close_names.py, a few); each part in the
        people list's order, by surname. The page's keys are read first, in that order: on
        PostgreSQL off the list's index, so a name shared by thousands is not sorted whole."""
        page_keys = []
        for keys in (self.exact_people, self.close_people):
            if len(page_keys) == RESULTS_PER_GROUP:
                break
            if offset >= len(keys):
                offset -= len(keys)
                continue
            wanted = RESULTS_PER_GROUP - len(page_keys)
            page_keys += (
                Person.objects.searchable()
                .filter(InKeys("pk", keys))
                .in_public_order()
                .values_list("pk", flat=True)[offset : offset + wanted]
            )
            offset = 0
        if not page_keys:
            return len(self.people_keys), []
        rows = Person.objects.searchable().filter(pk__in=page_keys).with_story_lines()
        position = {key: index for index, key in enumerate(page_keys)}
        return len(self.people_keys), sorted(rows, key=lambda person: position[person.pk])

    def organizations(self, offset):
        organizations = Organization.objects.public().filter(InKeys("pk", self.organization_keys))
        return (
            len(self.organization_keys),
            list(organizations[offset : offset + RESULTS_PER_GROUP]),
        )

    def cases(self, offset):
        cases_in_city = Case.objects.none()
        if self.name_terms:
            # A city in any script or spelling ("Алматы", "Almaty"), as names are matched.
            cases_in_city = Case.objects.published().in_city_matching(self.name_terms)
        defendants = Defendant.objects.public().filter(InKeys("person", self.people_keys))
        organization_cases = Case.organizations.through.objects.filter(
            InKeys("organization", self.organization_keys)
        )
        # The cases' keys first (thousands for a common name), then the page of them: the
        # database then orders a list of keys, not the whole search again.
        case_keys = KeySet(
            Case.objects.published()
            .filter(
                Q(pk__in=Case.objects.matching(self.words).values("pk"))
                | Q(pk__in=defendants.values("case"))
                | Q(pk__in=organization_cases.values("case"))
                | Q(pk__in=cases_in_city.values("pk"))
            )
            .order_by()
            .values_list("pk", flat=True)
        )
        cases = Case.objects.published().filter(InKeys("pk", case_keys))
        return len(case_keys), list(cases[offset : offset + RESULTS_PER_GROUP])
