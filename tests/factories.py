import factory
from django.utils import timezone

from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.models import Article, Correction, Page, Source
from people.models import (
    Designation,
    Membership,
    Organization,
    OrganizationName,
    Person,
    PersonName,
    Recognition,
)


class ArticleFactory(factory.django.DjangoModelFactory):
    headline = factory.Sequence(lambda n: f"Story number {n}")
    standfirst = "What happened, in one sentence."
    body = "The first paragraph.\n\nThe second paragraph."
    byline = "Staff reporter"
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    class Meta:
        model = Article


class CorrectionFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version misspelt a name."

    class Meta:
        model = Correction


class SourceFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "A news agency"

    class Meta:
        model = Source


class OrganizationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.MOVEMENT
    country = "KZ"
    is_public = True

    class Meta:
        model = Organization


class OrganizationNameFactory(factory.django.DjangoModelFactory):
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Other name {n}")

    class Meta:
        model = OrganizationName


class PersonFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Person Number{n}")
    country = "KZ"
    is_public = True

    class Meta:
        model = Person


class PersonNameFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Alternate Name{n}")

    class Meta:
        model = PersonName


class MembershipFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"

    class Meta:
        model = Membership


class RecognitionFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.NGO)
    source_url = "https://example.org/statements/political-prisoners"

    class Meta:
        model = Recognition


class PageFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "What the site is about."
    is_published = True

    class Meta:
        model = Page


class DesignationFactory(factory.django.DjangoModelFactory):
    organization = factory.SubFactory(OrganizationFactory)
    label = Designation.Label.EXTREMIST
    authority = "A court"

    class Meta:
        model = Designation


class CaseFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Trial number {n}")
    city = "Almaty"
    country = "KZ"
    status = Case.Status.SENTENCED
    is_published = True

    class Meta:
        model = Case


class ChargeFactory(factory.django.DjangoModelFactory):
    country = "KZ"
    description = factory.Sequence(lambda n: f"Offence {n}")

    class Meta:
        model = Charge


class DefendantFactory(factory.django.DjangoModelFactory):
    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory)
    verdict = Defendant.Verdict.CONVICTED

    class Meta:
        model = Defendant


class DefendantChargeFactory(factory.django.DjangoModelFactory):
    defendant = factory.SubFactory(DefendantFactory)
    charge = factory.SubFactory(ChargeFactory)

    class Meta:
        model = DefendantCharge


class SentencePartFactory(factory.django.DjangoModelFactory):
    defendant = factory.SubFactory(DefendantFactory)
    kind = SentencePart.Kind.PRISON
    term_min_months = 60
    term_max_months = 60

    class Meta:
        model = SentencePart


class CaseEventFactory(factory.django.DjangoModelFactory):
    case = factory.SubFactory(CaseFactory)
    kind = CaseEvent.Kind.HEARING
    description = "A hearing."

    class Meta:
        model = CaseEvent
