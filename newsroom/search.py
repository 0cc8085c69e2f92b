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

from django.db.models import Q
from django.views.generic import TemplateView

from cases.models import Case, Defendant
from newsroom.models import Article
from newsroom.text_queries import MAX_QUERY_LENGTH, bound_text
from people.models import Organization, Person

RESULTS_PER_GROUP = 20


class SearchView(TemplateView):
    template_name = "newsroom/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The same bound as every free-text filter: characters, words and name parts.
        bounded = bound_text(self.request.GET.get("q", ""))
        query, words = bounded.text, bounded.words
        groups = self.result_groups(words, bounded.name_terms) if words else []
        context.update(
            query=query,
            max_query_length=MAX_QUERY_LENGTH,
            search_messages=bounded.notices,
            groups=groups,
            total_count=sum(group["count"] for group in groups),
        )
        return context

    def result_groups(self, words, name_terms):
        found_people, found_organizations = Person.objects.none(), Organization.objects.none()
        if name_terms:
            # A query of only punctuation folds to no terms, which would match every name.
            found_people = Person.objects.searchable().matching(name_terms)
            found_organizations = Organization.objects.public().matching(name_terms)
        # A name typed in any spelling also finds the stories and cases about that person or
        # organization, whose text may spell the name differently.
        stories = (
            Article.objects.published()
            .filter(
                Q(pk__in=Article.objects.matching(words).values("pk"))
                | Q(pk__in=found_people.values("stories"))
                | Q(pk__in=found_organizations.values("stories"))
            )
            .best_match_first(words)
        )
        cases_in_city = Case.objects.none()
        if name_terms:
            # A city in any script or spelling ("Алматы", "Almaty"), as names are matched.
            cases_in_city = Case.objects.published().in_city_matching(name_terms)
        cases = Case.objects.published().filter(
            Q(pk__in=Case.objects.matching(words).values("pk"))
            | Q(pk__in=Defendant.objects.public().filter(person__in=found_people).values("case"))
            | Q(pk__in=found_organizations.values("cases"))
            | Q(pk__in=cases_in_city.values("pk"))
        )
        # One line per person, as stories show them: organizations, case, sentence.
        # Exact names first, then names within a letter of the query (people/close_names.py).
        if name_terms:
            found_people = found_people.closest_first(name_terms)
        people = found_people.with_story_lines()
        querysets = [
            ("stories", "Stories", stories),
            ("people", "People", people),
            ("organizations", "Organizations", found_organizations),
            ("cases", "Cases", cases),
        ]
        groups = []
        for key, title, queryset in querysets:
            count = queryset.count()
            groups.append(
                {
                    "key": key,
                    "title": title,
                    "count": count,
                    "results": list(queryset[:RESULTS_PER_GROUP]) if count else [],
                    "is_capped": count > RESULTS_PER_GROUP,
                }
            )
        return groups
