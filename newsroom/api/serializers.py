"""How each public record reads in the API.

Only what the public pages show: the querysets come from the models' public()/published()
methods and their prefetches (public_defendants, public_court, ...), and a person whose name is
withheld or was not reported carries no name, alternate name, photo, birth date or (when
withheld) biography, as on their page. Record IDs are primary keys; every record has the
absolute address of its page (`url`) and of its API record (`api_url`).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, Defendant, SentencePart
from people.models import Organization, Person

PARTIAL_DATE_SCHEMA = {
    "type": "string",
    "nullable": True,
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "description": _("At the precision reported: a year (2018), a month (2018-03) or a day."),
    "example": "2018-03",
}


@extend_schema_field(PARTIAL_DATE_SCHEMA)
class PartialDateField(serializers.Field):
    """A newsroom.partial_dates.PartialDate as ISO 8601 at its precision: "2018-03", never
    "2018-03-01"."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.isoformat()


@extend_schema_field({"type": "string", "nullable": True, "example": "kz"})
class CountryCodeField(serializers.Field):
    """An ISO 3166-1 alpha-2 code in lower case, as the `country` filter takes it; null when
    not recorded."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return super().get_attribute(instance) or None

    def to_representation(self, value):
        return str(getattr(value, "code", value)).lower() or None


def absolute(request, path):
    return request.build_absolute_uri(path)


class LinksMixin(serializers.Serializer):
    """`url`, the record's public page, and `api_url`, its API record, both absolute."""

    api_view_name = None

    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return absolute(self.context["request"], obj.get_absolute_url())

    def get_api_url(self, obj) -> str:
        path = reverse(self.api_view_name, kwargs={"slug": obj.slug})
        return absolute(self.context["request"], path)


# References from one record to another


class OrganizationReferenceSerializer(LinksMixin, serializers.Serializer):
    api_view_name = "api:organization-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()


class CaseReferenceSerializer(LinksMixin, serializers.Serializer):
    api_view_name = "api:case-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class StoryReferenceSerializer(LinksMixin, serializers.Serializer):
    api_view_name = "api:story-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    headline = serializers.CharField()


class PersonReferenceSerializer(LinksMixin, serializers.Serializer):
    """A named person; people without a public name are never referred to from other
    records (they are counted there instead, as the pages do)."""

    api_view_name = "api:person-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()


# Cases


class ChargeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField(help_text=_("The value of the `charge` filter."))
    description = serializers.CharField()
    legal_code = serializers.CharField()
    article = serializers.CharField()
    country = CountryCodeField(help_text=_("The jurisdiction whose code this is."))


class SentencePartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SentencePart.Kind.choices)
    description = serializers.CharField(source="describe")
    term_min_months = serializers.IntegerField(allow_null=True)
    term_max_months = serializers.IntegerField(allow_null=True)
    hours_per_year = serializers.IntegerField(allow_null=True)
    fine_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=True
    )
    fine_currency = serializers.CharField()
    regime = serializers.CharField(
        help_text=_("For prison terms: the kind of colony, if reported.")
    )
    conditions = serializers.CharField()


class DefendantSerializer(serializers.Serializer):
    """A defendant of a case. For a person without a public name (`name_status` not "named")
    `person` is null and the dates, release and notes are left out: only the verdict, charges
    and sentence, as the case page shows them in its group of unnamed defendants."""

    id = serializers.IntegerField()
    name_status = serializers.ChoiceField(
        choices=Person.NameStatus.choices, source="person.name_status"
    )
    person = serializers.SerializerMethodField()
    verdict = serializers.ChoiceField(choices=Defendant.Verdict.choices)
    in_absentia = serializers.BooleanField()
    charges = ChargeSerializer(many=True, source="charges.all")
    sentence_parts = SentencePartSerializer(many=True, source="sentence_parts.all")
    sentence = serializers.CharField(source="penalty_line")
    arrest_date = PartialDateField(allow_null=True)
    release_date = PartialDateField(allow_null=True)
    release_reason = serializers.CharField(allow_null=True)
    notes = serializers.CharField(allow_null=True)

    NAMED_ONLY = ("arrest_date", "release_date", "release_reason", "notes")

    @extend_schema_field(PersonReferenceSerializer(allow_null=True))
    def get_person(self, defendant):
        person = defendant.person
        if not person.is_named:
            return None
        # Built directly: a serializer per defendant would copy its fields every time.
        request = self.context["request"]
        return {
            "url": absolute(request, person.get_absolute_url()),
            "api_url": absolute(
                request, reverse("api:person-detail", kwargs={"slug": person.slug})
            ),
            "id": person.pk,
            "slug": person.slug,
            "name": person.name,
        }

    def to_representation(self, defendant):
        data = super().to_representation(defendant)
        if not defendant.person.is_named:
            for name in self.NAMED_ONLY:
                data[name] = None
        return data


class CaseEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    date = PartialDateField(allow_null=True)
    description = serializers.CharField()
    organization = OrganizationReferenceSerializer(source="public_organization", allow_null=True)


class CaseSerializer(LinksMixin, serializers.Serializer):
    api_view_name = "api:case-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    hearing_format = serializers.ChoiceField(choices=Case.HearingFormat.choices)
    country = CountryCodeField()
    city = serializers.CharField()
    court = OrganizationReferenceSerializer(source="public_court", allow_null=True)
    verdict_date = PartialDateField(allow_null=True)
    summary = serializers.CharField()
    reported_defendant_count = serializers.IntegerField(allow_null=True)
    defendant_count = serializers.SerializerMethodField()
    sentence_summary = serializers.CharField()
    organizations = OrganizationReferenceSerializer(many=True, source="public_organizations")
    defendants = DefendantSerializer(many=True, source="public_defendants")
    events = CaseEventSerializer(many=True, source="public_events")
    stories = StoryReferenceSerializer(many=True, source="published_stories")
    updated_at = serializers.DateTimeField()

    def get_defendant_count(self, case) -> int:
        return len(case.public_defendants)


# People and organizations


class AlternateNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    script = serializers.CharField()
    language = serializers.CharField()


class PersonSerializer(LinksMixin, serializers.Serializer):
    """A person as the people list shows them. `name`, `native_name`, `sort_name` and
    `occupation` are null unless the name is public (`name_status` "named"; "withheld": known
    but not published; "not_reported": not in the sources); the `slug` of such a person is a
    neutral one that says nothing about them."""

    api_view_name = "api:person-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name_status = serializers.ChoiceField(choices=Person.NameStatus.choices)
    name = serializers.CharField(allow_null=True)
    native_name = serializers.CharField(allow_null=True)
    sort_name = serializers.CharField(allow_null=True)
    country = CountryCodeField()
    occupation = serializers.CharField(allow_null=True)

    NAMED_ONLY = ("name", "native_name", "sort_name")
    # Left out for a withheld name, as on the person's page (they could identify the person).
    NOT_WITHHELD = ("occupation",)

    def to_representation(self, person):
        data = super().to_representation(person)
        hidden = list(self.NOT_WITHHELD) if person.name_status == Person.NameStatus.WITHHELD else []
        if not person.is_named:
            hidden += self.NAMED_ONLY
        for name in hidden:
            data[name] = None
        return data


class MembershipSerializer(serializers.Serializer):
    organization = OrganizationReferenceSerializer()
    role = serializers.CharField()
    start_date = PartialDateField(allow_null=True)
    end_date = PartialDateField(allow_null=True)
    has_ended = serializers.BooleanField()


class RecognitionSerializer(serializers.Serializer):
    organization = OrganizationReferenceSerializer()
    kind = serializers.CharField()
    recognised_on = PartialDateField(allow_null=True)
    source_url = serializers.URLField(allow_null=True)
    statement = serializers.CharField(allow_null=True)


class PersonCaseSerializer(DefendantSerializer):
    """One case of a person, with the person's own verdict, charges and sentence."""

    person = None  # the person whose record this is
    case = CaseReferenceSerializer()


class PersonDetailSerializer(PersonSerializer):
    summary = serializers.CharField(allow_null=True)
    birth_date = PartialDateField(allow_null=True)
    photo = serializers.SerializerMethodField()
    photo_credit = serializers.CharField(allow_null=True)
    alternate_names = AlternateNameSerializer(many=True, source="public_alternate_names")
    memberships = MembershipSerializer(many=True, source="public_memberships")
    recognitions = serializers.SerializerMethodField()
    cases = PersonCaseSerializer(many=True, source="public_defendants")
    stories = StoryReferenceSerializer(many=True, source="published_stories")

    NAMED_ONLY = (*PersonSerializer.NAMED_ONLY, "birth_date", "photo", "photo_credit")
    NOT_WITHHELD = (*PersonSerializer.NOT_WITHHELD, "summary")

    def get_photo(self, person) -> str | None:
        if not (person.is_named and person.photo):
            return None
        return absolute(self.context["request"], person.photo.url)

    @extend_schema_field(RecognitionSerializer(many=True))
    def get_recognitions(self, person):
        data = RecognitionSerializer(
            person.public_recognitions, many=True, context=self.context
        ).data
        if person.name_status == Person.NameStatus.WITHHELD:
            # The statement and its address may name the person (their page leaves them out).
            for recognition in data:
                recognition["source_url"] = recognition["statement"] = None
        return data


class DesignationSerializer(serializers.Serializer):
    label = serializers.CharField()
    authority = serializers.CharField()
    country = CountryCodeField()
    designated_on = PartialDateField(allow_null=True)
    revoked_on = PartialDateField(allow_null=True)
    description = serializers.CharField(source="describe")


class OrganizationSerializer(LinksMixin, serializers.Serializer):
    api_view_name = "api:organization-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    native_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    country = CountryCodeField()
    website = serializers.CharField()
    designations = DesignationSerializer(many=True, source="public_designations")


class MemberSerializer(serializers.Serializer):
    person = PersonReferenceSerializer()
    role = serializers.CharField()
    start_date = PartialDateField(allow_null=True)
    end_date = PartialDateField(allow_null=True)
    has_ended = serializers.BooleanField()


class UnnamedMemberCountSerializer(serializers.Serializer):
    not_reported = serializers.IntegerField()
    withheld = serializers.IntegerField()


class OrganizationDetailSerializer(OrganizationSerializer):
    """An organization with its public members: named ones listed, the others only counted."""

    summary = serializers.CharField()
    alternate_names = AlternateNameSerializer(many=True, source="alternate_names.all")
    members = serializers.SerializerMethodField()
    unnamed_members = serializers.SerializerMethodField()
    stories = StoryReferenceSerializer(many=True, source="published_stories")

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, organization):
        named = organization.member_groups()["named"]
        return MemberSerializer(named, many=True, context=self.context).data

    @extend_schema_field(UnnamedMemberCountSerializer)
    def get_unnamed_members(self, organization):
        groups = organization.member_groups()
        return {"not_reported": groups["not_reported"], "withheld": groups["withheld"]}


# Stories


class CorrectionSerializer(serializers.Serializer):
    text = serializers.CharField()
    published_at = serializers.DateTimeField()


class StorySerializer(LinksMixin, serializers.Serializer):
    api_view_name = "api:story-detail"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    headline = serializers.CharField()
    standfirst = serializers.CharField()
    dateline = serializers.CharField()
    byline = serializers.CharField()
    published_at = serializers.DateTimeField(source="publish_at")
    lead_image = serializers.SerializerMethodField()
    lead_image_alt = serializers.CharField()
    lead_image_caption = serializers.CharField()
    lead_image_credit = serializers.CharField()

    def get_lead_image(self, story) -> str | None:
        if not story.lead_image:
            return None
        return absolute(self.context["request"], story.lead_image.url)


class StoryDetailSerializer(StorySerializer):
    modified_at = serializers.DateTimeField()
    body_html = serializers.CharField(
        help_text=_("The story as the site shows it: sanitised HTML with links to its records.")
    )
    corrections = CorrectionSerializer(many=True, source="corrections.all")
    people = serializers.SerializerMethodField()
    organizations = OrganizationReferenceSerializer(many=True, source="public_organizations")
    cases = CaseReferenceSerializer(many=True, source="published_cases")

    @extend_schema_field(PersonReferenceSerializer(many=True))
    def get_people(self, story):
        """The named people of the story (the others are counted on its page, not named)."""
        named = [person for person in story.public_people if person.is_named]
        return PersonReferenceSerializer(named, many=True, context=self.context).data
