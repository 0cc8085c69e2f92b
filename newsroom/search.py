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

from django.db import models
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
# Each group counts its results up to this many, then says "more than": counting every match
# of a name thousands share would cost more than the rest of the page.
COUNTED_RESULTS = 1000

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
            more_than_counted=any(group["more_than_counted"] for group in groups),
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


def counted(queryset):
    """How many rows queryset has, counted up to COUNTED_RESULTS + 1 at most."""
    return queryset.order_by().values("pk")[: COUNTED_RESULTS + 1].count()


def found_in_any(queryset, conditions, offset):
    """(how many rows of queryset meet any of the conditions, up to COUNTED_RESULTS + 1; the
    page of them from offset, in queryset's order). Each condition is asked alone for its first
    keys in that order, as many as are counted (or as the page needs): the databases then look
    each up by its own index, where an OR of them made PostgreSQL work out every match of
    each. The page is among the first keys of each condition, and is read in the same order."""
    wanted = offset + RESULTS_PER_GROUP
    found, candidates = set(), set()
    for condition in conditions:
        # Once more than COUNTED_RESULTS are found, the count is known ("more than"): the
        # other conditions are asked only for the keys the page may show.
        counting = len(found) <= COUNTED_RESULTS
        limit = max(COUNTED_RESULTS + 1, wanted) if counting else wanted
        keys = list(queryset.filter(condition).values_list("pk", flat=True)[:limit])
        if counting:
            found.update(keys[: COUNTED_RESULTS + 1])
        candidates.update(keys[:wanted])
    if offset >= min(len(found), COUNTED_RESULTS):
        return len(found), []
    page = queryset.filter(InKeys("pk", candidates))[offset:wanted]
    return len(found), list(page)


class SearchResults:
    """What a search finds, group by group. The people and organizations it names are each one
    condition, used by every group: the stories and cases about them, whose text may spell a
    name differently from the query. People and cases (by the hundred thousand) are counted up
    to COUNTED_RESULTS, and only their page is read: a name thousands share, or a one-letter
    word, then costs little more than a rare name, where counting every match cost several
    times the rest of the page."""

    def __init__(self, words, name_terms):
        self.words = words
        self.name_terms = name_terms
        searchable = Person.objects.searchable()
        self.matched_people = self.exact_people = Person.objects.none()
        self.close_only_people = KeySet()
        self.organization_keys = KeySet()
        if name_terms:
            # A query of only punctuation folds to no terms, which would match every name.
            exact, close = searchable.name_conditions(name_terms)
            self.exact_people = searchable.filter(exact)
            self.matched_people = searchable.filter(exact | Q(InKeys("pk", close)))
            # The close names that are not also exact ones: a few, listed after those.
            is_exact = models.Case(
                models.When(exact, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
            self.close_only_people = KeySet(
                key
                for key, exact_too in searchable.filter(InKeys("pk", close))
                .annotate(is_exact=is_exact)
                .values_list("pk", "is_exact")
                if not exact_too
            )
            self.organization_keys = KeySet(
                Organization.objects.public().matching(name_terms).values_list("pk", flat=True)
            )

    def group(self, key, page=1):
        """The group's count and its results on the page, with what its template shows."""
        offset = (page - 1) * RESULTS_PER_GROUP
        count, results = getattr(self, key)(offset)
        shown_count = min(count, COUNTED_RESULTS)
        return {
            "key": key,
            "title": dict(GROUPS)[key],
            "count": shown_count,
            "more_than_counted": count > COUNTED_RESULTS,
            "results": results,
            "is_capped": count > len(results),
            "page": page,
            "page_count": max(1, math.ceil(shown_count / RESULTS_PER_GROUP)),
        }

    def stories(self, offset):
        people_stories = Person.stories.through.objects.filter(
            person__in=self.matched_people.order_by().values("pk")
        )
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
        if offset >= COUNTED_RESULTS:
            return counted(stories), []
        # How many there are and the page in one query: each row carries the total (a window
        # over the whole result), so the matches are worked out once, not twice. Stories are
        # counted whole: they number thousands, not hundreds of thousands.
        rows = list(
            stories.annotate(found_count=Window(Count("pk")))[offset : offset + RESULTS_PER_GROUP]
        )
        return (rows[0].found_count if rows else 0), rows

    def people(self, offset):
        """One line per person, as stories show them. The names that contain the query come
        first, then those within a letter of it (people/close_names.py, a few); each part in the
        people list's order, by surname. The page's keys are read first, in that order: on
        PostgreSQL off the list's index, so a name shared by thousands is not sorted whole."""
        exact_count = counted(self.exact_people)
        count = exact_count + len(self.close_only_people)
        if offset >= COUNTED_RESULTS:
            return count, []
        page_keys = []
        if offset < exact_count:
            page_keys += self.exact_people.in_public_order().values_list("pk", flat=True)[
                offset : offset + RESULTS_PER_GROUP
            ]
        offset = max(0, offset - exact_count)
        wanted = RESULTS_PER_GROUP - len(page_keys)
        if wanted and exact_count <= COUNTED_RESULTS and self.close_only_people:
            page_keys += (
                Person.objects.searchable()
                .filter(InKeys("pk", self.close_only_people))
                .in_public_order()
                .values_list("pk", flat=True)[offset : offset + wanted]
            )
        if not page_keys:
            return count, []
        rows = Person.objects.searchable().filter(pk__in=page_keys).with_story_lines()
        position = {key: index for index, key in enumerate(page_keys)}
        return count, sorted(rows, key=lambda person: position[person.pk])

    def organizations(self, offset):
        organizations = Organization.objects.public().filter(InKeys("pk", self.organization_keys))
        return (
            len(self.organization_keys),
            list(organizations[offset : offset + RESULTS_PER_GROUP]),
        )

    def cases(self, offset):
        conditions = [Q(pk__in=Case.objects.matching(self.words).values("pk"))]
        if self.name_terms:
            # A city in any script or spelling ("Алматы", "Almaty"), as names are matched.
            in_city = Case.objects.published().in_city_matching(self.name_terms)
            conditions.append(Q(pk__in=in_city.values("pk")))
            # Defendant.objects.public() without its tests: the people matched are searchable
            # (public) and the cases are published() already. PostgreSQL otherwise tested both
            # again for each of the thousand cases a common name is counted in.
            defendants = Defendant.objects.filter(
                person__in=self.matched_people.order_by().values("pk")
            )
            conditions.append(Q(pk__in=defendants.values("case")))
        if self.organization_keys:
            organization_cases = Case.organizations.through.objects.filter(
                InKeys("organization", self.organization_keys)
            )
            conditions.append(Q(pk__in=organization_cases.values("case")))
        return found_in_any(Case.objects.published(), conditions, offset)
