"""Nothing unpublished leaks: every public URL, from the URL resolver, with hidden things present.

The URL patterns are read from the resolver, so a new public page is covered without touching
this file. Each pattern is requested with its parameters filled by the slugs of every story,
person, organization and case (visible and hidden), and the list and search pages also with
each hidden word as `q` and the hidden organization as a filter. No response may contain a
hidden story's or record's title, name, alternate name or URL, nor a withheld person's name,
alternate names, photo, birth date or name-derived slug.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter
from django.utils import timezone
from django.utils.text import slugify

from cases.models import Case
from newsroom.models import Article, Page
from newsroom.partial_dates import PartialDate
from newsroom.sitemaps import sitemaps
from people.models import Organization, Person
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    PageFactory,
    PersonFactory,
    PersonNameFactory,
    RecognitionFactory,
    SentencePartFactory,
)

pytestmark = pytest.mark.django_db

SKIPPED_NAMESPACES = {"admin"}


def public_url_patterns(patterns=None, namespace=""):
    """(name, converters) of every named public URL pattern, admin excluded."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name in SKIPPED_NAMESPACES or pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            converters = getattr(pattern.pattern, "converters", {})
            for name, inner_converters in public_url_patterns(pattern.url_patterns, inner):
                found.append((name, {**converters, **inner_converters}))
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                # Only the development server's media and static files are unnamed.
                route = str(pattern.pattern)
                media = (settings.MEDIA_URL or "").lstrip("/")
                static = (settings.STATIC_URL or "").lstrip("/")
                assert (media and media in route) or (static and static in route), (
                    f"Public URL pattern {route!r} needs a name"
                )
                continue
            found.append((f"{namespace}{pattern.name}", dict(pattern.pattern.converters)))
    return found


PUBLIC_PATTERNS = dict(public_url_patterns())


class Hidden:
    """The hidden things and the public things that refer to them."""

    def __init__(self):
        now = timezone.now()
        self.draft_story = ArticleFactory(
            headline="Zorblat Draftstory", status=Article.Status.DRAFT, publish_at=None
        )
        self.review_story = ArticleFactory(
            headline="Quembly Reviewstory", status=Article.Status.REVIEW, publish_at=None
        )
        self.scheduled_story = ArticleFactory(
            headline="Frimble Futurestory", publish_at=now + datetime.timedelta(days=3)
        )
        self.hidden_person = PersonFactory(
            name="Grindel Hiddenperson", native_name="Гриндел Хидденперсон", is_public=False
        )
        PersonNameFactory(person=self.hidden_person, name="Grindell Hidnperson")
        self.hidden_organization = OrganizationFactory(
            name="Plonkish Hiddenorganization", short_name="PLONKX", is_public=False
        )
        self.hidden_case = CaseFactory(title="Wubbly Hiddencase", is_published=False)
        self.withheld = PersonFactory(
            name="Vexmira Secretname",
            native_name="Вексмира Секретнейм",
            name_status=Person.NameStatus.WITHHELD,
            birth_date=PartialDate(1911, 11),
            summary="An activist.",
            is_public=True,
        )
        PersonNameFactory(person=self.withheld, name="Veksmira Sekretnaim")
        # A photo on record (the file itself does not matter: its name must not show).
        Person.objects.filter(pk=self.withheld.pk).update(photo="people/2020/secretface.jpg")
        self.withheld.refresh_from_db()

        # Public things that point at all of them.
        self.organization = OrganizationFactory(name="Open Movement")
        self.person = PersonFactory(name="Open Activist")
        self.case = CaseFactory(title="Open Trial", verdict_date=PartialDate(2024, 5))
        self.story = ArticleFactory(headline="Open Story")
        for story in (self.draft_story, self.review_story, self.scheduled_story, self.story):
            story.people.add(self.person, self.withheld, self.hidden_person)
            story.organizations.add(self.organization, self.hidden_organization)
            story.cases.add(self.case, self.hidden_case)
        self.case.organizations.add(self.organization, self.hidden_organization)
        self.hidden_case.organizations.add(self.organization)
        for person in (self.person, self.withheld, self.hidden_person):
            MembershipFactory(person=person, organization=self.organization)
            MembershipFactory(person=person, organization=self.hidden_organization)
            defendant = DefendantFactory(case=self.case, person=person)
            SentencePartFactory(defendant=defendant)
            CaseEventFactory(case=self.case, defendant=defendant)
            hidden_defendant = DefendantFactory(case=self.hidden_case, person=person)
            SentencePartFactory(defendant=hidden_defendant)
        CaseEventFactory(case=self.case, organization=self.hidden_organization)
        CaseEventFactory(case=self.hidden_case, description="Wubbly Hiddencase hearing")
        DesignationFactory(organization=self.organization)
        DesignationFactory(organization=self.hidden_organization)
        # Recognitions by a hidden organization, of a hidden person, and of a withheld person
        # whose source and statement name them.
        RecognitionFactory(person=self.person, organization=self.hidden_organization)
        RecognitionFactory(person=self.hidden_person, organization=self.organization)
        RecognitionFactory(
            person=self.withheld,
            organization=self.organization,
            source_url="https://example.org/vexmira-secretname",
            statement="Vexmira Secretname is a political prisoner.",
        )
        # The site's own pages: a published /about/ and an unpublished page.
        PageFactory(slug="about", title="About us", body="Whom we list.")
        self.hidden_page = PageFactory(
            slug="snorble-hiddenpage", title="Snorble Hiddenpage", is_published=False
        )

    @property
    def hidden_objects(self):
        return [
            self.draft_story,
            self.review_story,
            self.scheduled_story,
            self.hidden_person,
            self.hidden_organization,
            self.hidden_case,
            self.hidden_page,
        ]

    NAMES = [
        "Snorble Hiddenpage",
        "Zorblat Draftstory",
        "Quembly Reviewstory",
        "Frimble Futurestory",
        "Grindel Hiddenperson",
        "Гриндел Хидденперсон",
        "Grindell Hidnperson",
        "Plonkish Hiddenorganization",
        "PLONKX",
        "Wubbly Hiddencase",
        "Vexmira Secretname",
        "Вексмира Секретнейм",
        "Veksmira Sekretnaim",
    ]

    @property
    def forbidden(self):
        """Every string that must not appear in a public response."""
        # Every word of a name on its own as well, so a half-shown name counts as a leak.
        strings = {word for name in self.NAMES for word in [name, *name.split()]}
        strings |= {slugify("Vexmira Secretname"), "November 1911", "1911-11", "secretface"}
        strings |= {obj.get_absolute_url() for obj in self.hidden_objects}
        strings |= {obj.slug for obj in self.hidden_objects}
        return strings

    @property
    def search_words(self):
        return [
            "Zorblat",
            "Quembly",
            "Frimble",
            "Grindel",
            "Хидденперсон",
            "Hidnperson",
            "Plonkish",
            "PLONKX",
            "Wubbly",
            "Vexmira",
            "Secretname",
            "Секретнейм",
            "Sekretnaim",
            "Veksmira",
        ]


@pytest.fixture
def hidden(db):
    return Hidden()


def slug_candidates():
    """The slug of every story, person, organization, case and page, hidden or not, and the name of
    every sitemap section (/sitemap-<section>.xml)."""
    slugs = []
    for model in (Article, Person, Organization, Case, Page):
        slugs += model._default_manager.values_list("slug", flat=True)
    return slugs + sorted(sitemaps)


def urls_for(name, converters, hidden):
    if not converters:
        yield reverse(name)
        return
    if any(isinstance(c, PathConverter) for c in converters.values()):
        pytest.fail(f"{name}: teach this test how to fill a path parameter")
    values = {
        key: [1, 2, 2024] if isinstance(converter, IntConverter) else slug_candidates()
        for key, converter in converters.items()
    }
    # One parameter at a time varies; the others keep their first value.
    keys = list(values)
    for key in keys:
        for value in values[key]:
            kwargs = {other: values[other][0] for other in keys}
            kwargs[key] = value
            yield reverse(name, kwargs=kwargs)


def query_variants(hidden):
    """Query strings for pages without parameters: plain, each hidden word, the hidden
    organization and case as filters, and a second page."""
    yield {}
    for word in hidden.search_words:
        yield {"q": word}
    yield {"organization": hidden.hidden_organization.slug}
    yield {"organization": hidden.organization.slug}
    yield {"page": "2"}


def response_text(response):
    """The response as text: a streamed file (CSV, JSON) joined, an XLSX file's XML unzipped."""
    if not response.streaming:
        return response.content.decode(response.charset or "utf-8", errors="replace")
    body = b"".join(response.streaming_content)
    if zipfile.is_zipfile(io.BytesIO(body)):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", errors="replace")


def assert_no_leak(response, forbidden, asked):
    body = response_text(response)
    # What the reader typed may be echoed back (a search box keeps its text).
    echoed = " ".join(str(value) for value in asked.values()).casefold()
    leaked = sorted(
        s for s in forbidden if s.casefold() in body.casefold() and s.casefold() not in echoed
    )
    assert not leaked, f"{response.request['PATH_INFO']} {asked} shows {leaked}"


@pytest.mark.parametrize("name", sorted(PUBLIC_PATTERNS))
def test_no_public_url_shows_anything_hidden(client, hidden, name):
    converters = PUBLIC_PATTERNS[name]
    forbidden = hidden.forbidden
    if name.startswith("downloads:"):
        # A file has no page of its own for a withheld person: not even the neutral address.
        forbidden |= {hidden.withheld.slug}
    requested = served = 0
    for url in urls_for(name, converters, hidden):
        variants = [{}] if converters else list(query_variants(hidden))
        for params in variants:
            response = client.get(url, params)
            assert response.status_code in {200, 301, 302, 400, 404}, (url, params)
            if response.status_code == 200:
                assert_no_leak(response, forbidden, params)
                served += 1
            requested += 1
    assert requested
    assert served, f"{name}: no page was served, so nothing was checked for leaks"


def test_the_leak_test_sees_every_public_page_of_the_contract():
    for name in (
        "newsroom:home",
        "newsroom:article_list",
        "newsroom:article_detail",
        "newsroom:search",
        "newsroom:feed",
        "newsroom:robots",
        "people:list",
        "people:detail",
        "organizations:list",
        "organizations:detail",
        "cases:list",
        "cases:detail",
        "cases:feed",
        "people:feed",
        "ftm_export",
        "sitemap",
        "downloads:data",
        "downloads:datapackage",
        *(
            f"downloads:{table}-{fmt}"
            for table in ("defendants", "cases", "people", "organizations")
            for fmt in ("csv", "xlsx", "json")
        ),
    ):
        assert name in PUBLIC_PATTERNS


def test_hidden_pages_are_404(client, hidden):
    for obj in hidden.hidden_objects:
        assert client.get(obj.get_absolute_url()).status_code == 404, obj


def test_the_public_pages_in_the_data_are_served(client, hidden):
    """The checks above mean something only if the public pages that refer to the hidden
    things exist."""
    for obj in (hidden.story, hidden.person, hidden.organization, hidden.case, hidden.withheld):
        assert client.get(obj.get_absolute_url()).status_code == 200, obj


def test_a_withheld_persons_page_says_name_withheld(client, hidden):
    response = client.get(hidden.withheld.get_absolute_url())
    assert "name withheld" in response.text.casefold()


def test_a_withheld_persons_address_says_nothing_about_them(client, hidden):
    url = hidden.withheld.get_absolute_url()
    assert re.fullmatch(r"/people/person-[0-9a-f]{10}/", url)
    assert client.get(url).status_code == 200
    assert "vexmira" not in url
    assert "secretname" not in url


@pytest.mark.parametrize(
    "name", ["newsroom:article_detail", "cases:detail", "organizations:detail"]
)
def test_pages_that_list_people_show_the_withheld_person_as_name_withheld(client, hidden, name):
    target = {
        "newsroom:article_detail": hidden.story,
        "cases:detail": hidden.case,
        "organizations:detail": hidden.organization,
    }[name]
    response = client.get(reverse(name, kwargs={"slug": target.slug}))
    assert "whose name is withheld" in response.text.casefold()


def test_the_public_pages_show_their_public_cross_references(client, hidden):
    """So that the absence of hidden names above is not the absence of everything."""
    for obj in (hidden.story, hidden.case, hidden.organization):
        assert "Open Activist" in client.get(obj.get_absolute_url()).text, obj


def test_a_withheld_person_still_counts_in_the_numbers(client, hidden):
    """Withheld is not hidden: the person is one of the two public people in prison."""
    response = client.get(reverse("people:list"), {"status": "imprisoned"})
    assert response.context["paginator"].count == 2


@pytest.mark.parametrize("name", ["people:list", "cases:list"])
def test_searching_a_list_for_a_hidden_or_withheld_name_finds_nothing(client, hidden, name):
    """Not even the case a withheld person is in: finding it would tie the name to the case."""
    public_word = {"people:list": "Activist", "cases:list": "Open Trial"}[name]
    found = client.get(reverse(name), {"q": public_word})
    assert found.status_code == 200
    assert found.context["paginator"].count == 1
    for word in hidden.search_words:
        response = client.get(reverse(name), {"q": word})
        assert response.status_code == 200, word
        assert response.context["paginator"].count == 0, word


def test_searching_for_a_hidden_or_withheld_name_finds_nothing(client, hidden):
    found = client.get(reverse("newsroom:search"), {"q": "Open"})
    assert found.status_code == 200
    assert found.context["total_count"] == 4  # the open story, person, organization and case
    for word in hidden.search_words:
        response = client.get(reverse("newsroom:search"), {"q": word})
        assert response.status_code == 200, word
        assert f"0 results for “{word}”." in response.text
        assert response.context["total_count"] == 0, word


# The API (issue 10): every endpoint is covered above through the resolver; its list endpoints
# are also asked with every filter parameter, each given values that touch the hidden records.

API_LISTS = {
    "api:case-list": "cases.filters.CaseFilter",
    "api:person-list": "people.filters.PersonFilter",
}


def test_the_leak_test_sees_every_api_endpoint():
    for name in (
        "api:root",
        "api:schema",
        "api:docs",
        "api:story-list",
        "api:story-detail",
        "api:person-list",
        "api:person-detail",
        "api:organization-list",
        "api:organization-detail",
        "api:case-list",
        "api:case-detail",
    ):
        assert name in PUBLIC_PATTERNS


def api_filter_values(hidden, name):
    """Values of one filter parameter that touch hidden records (or the records around them)."""
    from cases.models import Case as CaseModel
    from cases.models import SentencePart

    return {
        "organization": [hidden.hidden_organization.slug, hidden.organization.slug],
        "charge": [hidden.hidden_charge.slug, hidden.public_charge.slug],
        "sentence": list(SentencePart.Kind.values),
        "min_years": ["0", "4,5"],
        "max_years": ["5", "99"],
        "status": [*CaseModel.Status.values, "imprisoned"],
        "year": ["2024", "1911"],
        "recognised": ["1"],
        "country": ["kz"],
        "q": hidden.search_words,
    }[name]


@pytest.mark.parametrize("name", sorted(API_LISTS))
def test_no_api_filter_shows_anything_hidden(client, hidden, name):
    from django.utils.module_loading import import_string

    from tests.factories import ChargeFactory, DefendantChargeFactory

    hidden.hidden_charge = ChargeFactory(description="Zorblat offence")
    hidden.public_charge = ChargeFactory(description="Public offence")
    for defendant in hidden.hidden_case.defendants.all():
        DefendantChargeFactory(defendant=defendant, charge=hidden.hidden_charge)
    for defendant in hidden.case.defendants.all():
        DefendantChargeFactory(defendant=defendant, charge=hidden.public_charge)
    forbidden = hidden.forbidden
    filterset_class = import_string(API_LISTS[name])
    found = 0
    for parameter in filterset_class.base_filters:
        for value in api_filter_values(hidden, parameter):
            response = client.get(reverse(name), {parameter: value})
            assert response.status_code in {200, 400}, (parameter, value)
            assert_no_leak(response, forbidden, {parameter: value})
            if response.status_code == 200:
                found += response.json()["count"]
    # Every parameter together, with public values.
    together = {p: api_filter_values(hidden, p)[-1] for p in filterset_class.base_filters}
    assert client.get(reverse(name), together).status_code in {200, 400}
    assert found, "no filter found anything, so nothing was checked"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_downloads_show_the_public_records_so_the_leak_check_reads_them(client, hidden, fmt):
    """The files the leak test reads hold the public records and the withheld person's row
    (as "withheld"), so the absence of hidden names in them means something."""
    expected = {
        "defendants": ["Open Trial", "Open Activist", "withheld"],
        "cases": ["Open Trial", "Open Movement"],
        "people": ["Open Activist", "withheld", "Open Movement"],
        "organizations": ["Open Movement"],
    }
    for table, texts in expected.items():
        response = client.get(reverse(f"downloads:{table}-{fmt}"))
        assert response.status_code == 200
        body = response_text(response)
        for text in texts:
            assert text in body, (table, fmt, text)
