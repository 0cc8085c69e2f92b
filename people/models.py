import functools

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Coalesce, Greatest, Lower
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from newsroom.fields import HttpsURLField
from newsroom.images import (
    create_renditions,
    delete_image,
    prepare_new_upload,
    validate_image_upload,
)
from newsroom.partial_dates import PartialDateField
from newsroom.prefetch import built_once
from newsroom.record_urls import slug_url
from newsroom.slugs import slug_while_hidden_or_shown, unique_slug
from people.names import normalise_name


class Script(models.TextChoices):
    LATIN = "latin", _("Latin")
    CYRILLIC = "cyrillic", _("Cyrillic")
    OTHER = "other", _("Other")


def containing_every_term(model, terms):
    """The condition that a row's search name or any alternate name contains every term
    (normalised, see people/names.py). Each term is one uncorrelated subquery over the
    alternate names, which the database runs once, and never one more join: the cost grows with
    the number of terms, not with the number of names to the power of the terms."""
    relation = model.alternate_names.rel
    names = relation.related_model.objects
    condition = models.Q()
    for term in terms:
        by_alternate_name = names.filter(search_name__contains=term).values(relation.field.name)
        condition &= models.Q(search_name__contains=term) | models.Q(pk__in=by_alternate_name)
    return condition


def matching_every_term(queryset, terms):
    """Rows whose search name or any alternate name contains every term."""
    return queryset.filter(containing_every_term(queryset.model, terms))


def surname_first(name):
    """The sort name made from a name: its last word first ("Abai Begimbetov" -> "Begimbetov
    Abai"), which is the surname for the names of the region as our stories spell them."""
    words = name.split()
    return " ".join(words[-1:] + words[:-1])


class PublicSortName(models.Func):
    """The name public lists sort a person by: their sort name or else their name, in lower
    case, when the name is public; "" when it is not reported or withheld. Written with its
    values in the SQL rather than as parameters, so that the index person_public_order_idx
    (migration 0009) matches it however the parameters are sent."""

    output_field = models.TextField()

    def __init__(self):
        super().__init__(models.F("name_status"), models.F("sort_name"), models.F("name"))

    def as_sql(self, compiler, connection, **extra_context):
        (status, status_params), (sort_name, sort_params), (name, name_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        named = Person.NameStatus.NAMED.value
        assert named.isidentifier()  # safe to write into the SQL as it is
        sql = (
            f"CASE WHEN {status} = '{named}' "
            f"THEN LOWER(COALESCE(NULLIF({sort_name}, ''), {name})) ELSE '' END"
        )
        return sql, (*status_params, *sort_params, *name_params)


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People readers may see. Withheld names still show, but only as "name withheld"."""
        # DefendantQuerySet.public() asks for the complement (is_public=False): keep in step.
        return self.filter(is_public=True)

    def searchable(self):
        """People a public search may find: public and named (a withheld name is never
        matched, so searching for it finds nothing)."""
        return self.public().filter(name_status=Person.NameStatus.NAMED)

    def imprisoned(self, day=None):
        """Public people certainly in prison on the day (today by default), by the release
        windows of their public defendant records (cases/release.py): convicted in person (not
        in absentia), a prison term that certainly began and cannot have ended yet."""
        from cases.models import Defendant

        day = day or timezone.localdate()
        serving = Defendant.objects.public().in_prison_on(day)
        return self.public().filter(pk__in=serving.values("person"))

    def maybe_imprisoned(self, day=None):
        """Public people who may be in prison on the day but are not certainly: a window that
        straddles the day, or one that cannot be worked out (date or term not reported)."""
        from cases.models import Defendant

        day = day or timezone.localdate()
        maybe = Defendant.objects.public().maybe_in_prison_on(day)
        return (
            self.public()
            .filter(pk__in=maybe.values("person"))
            .exclude(pk__in=self.model.objects.imprisoned(day).values("pk"))
        )

    def count_per_prison_status(self, day=None):
        """{"imprisoned": how many of these people are imprisoned() on the day (today by
        default), "maybe_imprisoned": how many maybe_imprisoned()}, in one aggregate query over
        their public defendant records (DefendantQuerySet.count_people_in_prison_on, the same
        rule) rather than one subquery of each status over every person: five times faster."""
        from cases.models import Defendant

        day = day or timezone.localdate()
        records = Defendant.objects.filter(
            person__in=self.public().order_by().values("pk"), case__is_published=True
        )
        certain, maybe = records.count_people_in_prison_on([day])[day]
        return {"imprisoned": certain, "maybe_imprisoned": maybe}

    def recognised(self):
        """People a named organization recognises as a political prisoner or as persecuted for
        their views, by a recognition readers may see (see RecognitionQuerySet.public): its
        person and organization are public, tested by joins rather than EXISTS subqueries, the
        same rows for a query far cheaper to build (it is counted on every people list)."""
        return self.filter(pk__in=Recognition.objects.public(joined=True).values("person"))

    def members_of_any(self, organizations):
        """People with a public membership of any of the organizations."""
        members = Membership.objects.public().filter(organization__in=organizations)
        return self.filter(pk__in=members.values("person"))

    def count_per_organization(self):
        """{organization id: how many of these people are its public members}, in one
        grouped query whatever the number of organizations. A public membership is one of a
        public person (taken among these) in a public organization (joined): a third faster
        than the EXISTS tests of MembershipQuerySet.public() on both databases."""
        rows = (
            Membership.objects.filter(
                person__in=self.public().order_by().values("pk"), organization__is_public=True
            )
            .order_by()
            .values_list("organization_id")
            .annotate(total=models.Count("person", distinct=True))
        )
        return dict(rows)

    def count_per_sentence_kind(self):
        """{kind: how many of these people got a part of that kind as public defendants}."""
        from cases.models import SentencePart

        # A public defendant: a public person (among these) in a published case; joined
        # rather than through the subquery of every public defendant (half the time).
        return SentencePart.objects.filter(
            defendant__person__in=self.public().order_by().values("pk"),
            defendant__case__is_published=True,
        ).count_per_kind("defendant__person")

    def sentenced_to(self, kinds):
        """People who, as public defendants, got a sentence part of any of the kinds."""
        from cases.models import Defendant

        return self.filter(pk__in=Defendant.objects.public().sentenced_to(kinds).values("person"))

    def recently_changed_first(self):
        """Most recently changed first, as `last_changed`: the person's record, or one of their
        public defendant records or its case (a verdict or sentence recorded), whichever
        changed last."""
        from cases.models import Defendant

        latest_case_change = (
            Defendant.objects.public()
            .filter(person=models.OuterRef("pk"))
            .annotate(changed=Greatest("updated_at", "case__updated_at"))
            .order_by("-changed")
            .values("changed")[:1]
        )
        last_changed = Greatest(
            "updated_at", Coalesce(models.Subquery(latest_case_change), "updated_at")
        )
        return self.annotate(last_changed=last_changed).order_by("-last_changed", "-pk")

    def in_public_order(self):
        """Named people by surname (their sort name, "Begimbetov Abai"), then people whose name
        was not reported, then withheld ones (by record, so that the order says nothing about a
        withheld name). On PostgreSQL, the index person_public_order_idx holds the public
        people in this order: a page of the whole list is read off it instead of sorting all."""
        return self.alias(public_sort_name=PublicSortName()).order_by(
            "name_status", "public_sort_name", "pk"
        )

    def last_public_change(self):
        """When a public person last changed (None when there is none)."""
        return self.public().aggregate(latest=models.Max("updated_at"))["latest"]

    def with_story_lines(self):
        """Prefetch what one line about a person in a story shows: public memberships with
        their organizations, and public defendant records with their cases and sentences."""
        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=public_memberships_with_organizations(),
                to_attr="public_memberships",
            ),
            models.Prefetch(
                "defendants", queryset=story_line_defendants(), to_attr="public_defendants"
            ),
        )

    def with_details(self):
        """Prefetch everything a person page shows, each relation limited to public records:
        memberships, cases with court, charges, sentences and co-defendants, and stories."""
        from newsroom.models import Article

        return self.prefetch_related(
            "alternate_names",
            models.Prefetch(
                "memberships",
                queryset=public_memberships_with_organizations(),
                to_attr="public_memberships",
            ),
            models.Prefetch(
                "recognitions",
                queryset=public_recognitions_with_organizations(),
                to_attr="public_recognitions",
            ),
            models.Prefetch(
                "defendants", queryset=person_page_defendants(), to_attr="public_defendants"
            ),
            models.Prefetch(
                "stories", queryset=Article.objects.published(), to_attr="published_stories"
            ),
        )

    def matching(self, terms, close_ids=None):
        """People whose name, native name or any alternate name contains every search term, or
        (for a searchable person) is within one letter of it: "Losick" finds Losik (see
        people/close_names.py). The close names are looked up here, once, unless the caller
        already has them (`close_ids`, from close_person_ids(terms)). Asked as name_conditions()
        asks it, of the name indexes: with the alternate names as a subquery in an OR, both
        databases read every name (a rare name among 100,000 people: 16 ms on PostgreSQL and 19 on
        SQLite, against 0.3 and 0.2)."""
        from newsroom.key_lists import InKeys

        exact, close = self.name_conditions(terms, close_ids)
        if close:
            exact |= models.Q(InKeys("pk", close))
        return self.filter(exact)

    def name_conditions(self, terms, close_ids=None):
        """What matching(terms) finds, for the terms of search_terms() (each once), as (exact,
        close): the condition that a person's name or an alternate name contains every term,
        and the keys of the people within a letter of it (close_person_ids(terms), a few; some
        may match exactly too).

        Asked so that the name indexes answer it: the alternate names that contain a term are
        read first (they are few), so that each term is "the name contains it, or the key is
        one of these", which PostgreSQL's trigram index and SQLite's trigram table look up,
        where an OR with a subquery made either database read every name."""
        from newsroom.key_lists import InKeys
        from people.close_names import close_person_ids, names_containing

        close = close_person_ids(terms) if close_ids is None else close_ids
        by_alternate = {term: set() for term in terms}
        alternates = models.Q()
        for term in terms:
            alternates |= models.Q(search_name__contains=term)
        for person_id, search_name in PersonName.objects.filter(alternates).values_list(
            "person_id", "search_name"
        ):
            for term in terms:
                if term in search_name:
                    by_alternate[term].add(person_id)
        exact = models.Q()
        for term in terms:
            term_condition = names_containing(Person, term)
            if by_alternate[term]:
                term_condition |= models.Q(InKeys("pk", by_alternate[term]))
            exact &= term_condition
        return exact, close

    def photos_on_public_pages(self):
        """{pk: stored photo name} of these people whose photo public pages show (public and
        named): what Person.save() and withdraw_photos_no_longer_public() check."""
        return dict(self.searchable().exclude(photo="").values_list("pk", "photo"))

    def unlinked(self):
        """People nothing links to: no defendant record, membership or story (the admin's
        "Linked from: nothing"), such as people added in a "+" pop-up of a form never saved."""
        from cases.models import Defendant

        person = models.OuterRef("pk")
        return self.filter(
            ~models.Exists(Defendant.objects.filter(person=person)),
            ~models.Exists(Membership.objects.filter(person=person)),
            ~models.Exists(Person.stories.through.objects.filter(person=person)),
        )

    def with_link_labels(self):
        """Annotate what first links to each person, for the editors' label of people whose
        name was not reported: `first_case_title`, `first_organization_name`,
        `first_story_headline` (None when nothing of that kind links to them)."""
        from cases.models import Defendant

        person = models.OuterRef("pk")
        return self.annotate(
            first_case_title=models.Subquery(
                Defendant.objects.filter(person=person)
                .order_by("case__title", "pk")
                .values("case__title")[:1]
            ),
            first_organization_name=models.Subquery(
                Membership.objects.filter(person=person)
                .order_by("organization__name", "pk")
                .values("organization__name")[:1]
            ),
            first_story_headline=models.Subquery(
                Person.stories.through.objects.filter(person=person)
                .order_by("pk")
                .values("article__headline")[:1]
            ),
        )

    def unnamed_matching(self, words, label_words=(), unlinked_words=()):
        """People whose name was not reported and whose editors' label matches every word:
        a word of the label's fixed text ("name not reported", in `label_words`), of "not linked
        yet" (`unlinked_words`: then only people nothing links to), or a word of the title of a
        case, organization or story that links to them, or of their neutral address."""
        from cases.models import Defendant

        queryset = self.filter(name_status=Person.NameStatus.NOT_REPORTED)
        for word in words:
            if any(word in label for label in label_words):
                continue
            if any(word in label for label in unlinked_words):
                queryset = queryset.unlinked()
                continue
            cases = Defendant.objects.filter(case__title__icontains=word)
            organizations = Membership.objects.filter(organization__name__icontains=word)
            stories = Person.stories.through.objects.filter(article__headline__icontains=word)
            queryset = queryset.filter(
                models.Q(slug__icontains=word)
                | models.Q(pk__in=cases.values("person"))
                | models.Q(pk__in=organizations.values("person"))
                | models.Q(pk__in=stories.values("person"))
            )
        return queryset


class Person(models.Model):
    class NameStatus(models.TextChoices):
        NAMED = "named", _("Named")
        NOT_REPORTED = "not_reported", _("Name not reported")
        WITHHELD = "withheld", _("Name withheld")

    name_status = models.CharField(
        # Translators: whether the site may publish a person's name (named, withheld, not
        # reported).
        _("name status"),
        max_length=12,
        choices=NameStatus.choices,
        default=NameStatus.NAMED,
        help_text=_(
            "Withheld: we know the name but must not publish it. The name, photo, birth date, "
            "summary and alternate names then never appear on public pages. Not reported: the "
            "sources do not name this person; they still count in every number."
        ),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("The name in Latin letters as our stories spell it. Empty if not reported."),
    )
    native_name = models.CharField(
        _("name in native script"),
        max_length=200,
        blank=True,
        help_text=_("The name in the person's own script, e.g. Cyrillic."),
    )
    sort_name = models.CharField(
        _("sort name"),
        max_length=200,
        blank=True,
        help_text=_(
            "How lists sort this person: surname first, e.g. “Begimbetov Abai”. Filled in "
            "from the name when left empty (its last word first); correct it when the surname "
            "is not the last word, or clear it to fill it in again."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_(
            "Web address. Filled in from the name; people whose name is withheld or not "
            "reported get a neutral address that says nothing about them."
        ),
    )
    birth_date = PartialDateField(
        _("birth date"),
        null=True,
        blank=True,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD, as precise as known."),
    )
    country = CountryField(
        _("country"), blank=True, db_index=True, help_text=_("Country of citizenship.")
    )
    occupation = models.CharField(
        _("occupation"),
        max_length=200,
        blank=True,
        help_text=_("What the person does, as reports describe it: blogger, journalist, lawyer."),
    )
    photo = models.ImageField(
        _("photo"),
        upload_to="people/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG or WebP, at most 10 MB. Location and camera data are removed."),
    )
    photo_credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("A short public biography."))
    is_public = models.BooleanField(
        _("public"),
        default=False,
        db_index=True,
        help_text=_("Shown on the public site. Leave unticked while the record is being checked."),
    )
    stories = models.ManyToManyField(
        "newsroom.Article",
        verbose_name=_("stories"),
        blank=True,
        related_name="people",
        help_text=_("Our stories about this person."),
    )
    # Translators: the names as searches compare them: lower case, in Latin letters.
    search_name = models.TextField(_("search name"), editable=False, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("publish_person", "Can make people public or not public")]
        # On PostgreSQL also person_public_order_idx (migration 0009), the public order.
        indexes = [models.Index(Lower("name"), name="person_name_lower_idx")]

    def __str__(self):
        # The editors' label; public templates use public_name.
        if self.name_status == self.NameStatus.NAMED:
            return self.name
        if self.name_status == self.NameStatus.WITHHELD:
            return gettext("%(name)s [name withheld, %(slug)s]") % {
                "name": self.name or gettext("Unnamed"),
                "slug": self.slug,
            }
        return gettext("Name not reported (%(slug)s)") % {"slug": self.slug}

    def save(self, *args, **kwargs):
        # Only a public, named person has an address made from the name.
        self.slug = slug_while_hidden_or_shown(
            self,
            self.name,
            prefix="person",
            shown=self.name_status == self.NameStatus.NAMED and self.is_public,
        )
        self.search_name = normalise_name(f"{self.name} {self.native_name}")
        if not self.sort_name.strip():
            self.sort_name = surname_first(self.name)
        withdrawn_photo = self._photo_withdrawn_from_public()
        if withdrawn_photo and self.photo.name == withdrawn_photo:
            self.photo = ""
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "photo"}
        new_photo = prepare_new_upload(self.photo)
        super().save(*args, **kwargs)
        if withdrawn_photo:
            # After the row is saved: were the save to fail, a missing file only drops the photo.
            delete_image(self.photo.storage, withdrawn_photo)
        if new_photo:
            create_renditions(self.photo)

    def get_absolute_url(self):
        return slug_url("people:detail", self.slug)

    def _photo_withdrawn_from_public(self):
        """The stored photo that public pages showed until this save, when this save withholds
        the name or hides the person. Its URL may already be in og:image, JSON-LD and caches
        elsewhere, so its files are deleted rather than just no longer linked."""
        if self.pk is None or (self.is_public and self.name_status == self.NameStatus.NAMED):
            return None
        return Person.objects.filter(pk=self.pk).photos_on_public_pages().get(self.pk)

    @staticmethod
    def withdraw_photos_no_longer_public(shown_before):
        """Delete the photos (and renditions) in `shown_before` ({pk: photo name}, from
        photos_on_public_pages()) whose person public pages no longer show by name: for changes that
        bypass save(), such as a history restore, which writes rows directly."""
        still_shown = set(
            Person.objects.searchable().filter(pk__in=shown_before).values_list("pk", flat=True)
        )
        for pk, name in shown_before.items():
            if pk in still_shown:
                continue
            Person.objects.filter(pk=pk, photo=name).update(photo="")
            delete_image(Person._meta.get_field("photo").storage, name)

    def clean(self):
        if self.name_status != self.NameStatus.NOT_REPORTED and not self.name.strip():
            raise ValidationError({"name": _("Enter the name, or mark it as not reported.")})

    @property
    def is_named(self):
        return self.name_status == self.NameStatus.NAMED

    @property
    def public_name(self):
        """The only name a public page may show."""
        if self.is_named:
            return self.name
        return self.get_name_status_display().lower()

    @property
    def public_alternate_names(self):
        """Alternate names readers may see: none unless the person is named."""
        return list(self.alternate_names.all()) if self.is_named else []

    # Fallbacks for what PersonQuerySet.with_details() prefetches under the same names.
    @cached_property
    def public_memberships(self):
        return list(Membership.objects.public().filter(person=self).select_related("organization"))

    @cached_property
    def public_recognitions(self):
        return list(Recognition.objects.public().filter(person=self).select_related("organization"))

    @cached_property
    def public_defendants(self):
        from cases.models import Defendant

        return list(
            Defendant.objects.public()
            .filter(person=self)
            .select_related("case")
            .prefetch_related("sentence_parts", "charges")
        )

    @cached_property
    def published_stories(self):
        from newsroom.models import Article

        return list(Article.objects.published().filter(people=self))


class AlternateName(models.Model):
    """Fields shared by the alternate names of people and organizations."""

    name = models.CharField(_("name"), max_length=200)
    script = models.CharField(
        pgettext_lazy("writing system", "script"),
        max_length=10,
        choices=Script.choices,
        default=Script.LATIN,
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("Language code if it matters, e.g. kk, ru, en."),
    )
    search_name = models.TextField(_("search name"), editable=False, blank=True)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = normalise_name(self.name)
        super().save(*args, **kwargs)


class PersonName(AlternateName):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="alternate_names"
    )

    class Meta(AlternateName.Meta):
        # Distinct from OrganizationName's, so the admin index names each model once.
        verbose_name = _("alternate name of a person")
        verbose_name_plural = _("alternate names of people")
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_person_alternate_name")
        ]


class OrganizationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def in_public_order(self):
        """The order of the public organization list, shared by the page, its downloads and
        the API: by name, then by record so that equal names keep one order."""
        return self.order_by("name", "pk")

    def last_public_change(self):
        """When a public organization last changed (None when there is none)."""
        return self.public().aggregate(latest=models.Max("updated_at"))["latest"]

    def with_designations(self):
        return self.prefetch_related(
            models.Prefetch(
                "designations", queryset=public_designations(), to_attr="public_designations"
            )
        )

    def with_details(self):
        """Prefetch what an organization page shows: alternate names, designations and
        published stories. Its members are not: the page reads only the first few
        (Organization.first_member_groups())."""
        from newsroom.models import Article

        return self.with_designations().prefetch_related(
            "alternate_names",
            models.Prefetch(
                "stories", queryset=Article.objects.published(), to_attr="published_stories"
            ),
        )

    def with_public_memberships(self):
        """Prefetch every public membership with its person, named first, by name (the API
        lists them all)."""
        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=public_memberships_with_people_by_name(),
                to_attr="public_memberships",
            )
        )

    def matching(self, terms):
        """Organizations whose names or any alternate name contains every search term."""
        return matching_every_term(self, terms)

    def unlinked(self):
        """Organizations nothing links to: no membership, designation, story, case (as an
        organization of the case, its court or in an event), the admin's "Linked from:
        nothing", such as those added in a "+" pop-up of a form never saved."""
        from cases.models import Case, CaseEvent

        organization = models.OuterRef("pk")
        return self.filter(
            ~models.Exists(Membership.objects.filter(organization=organization)),
            ~models.Exists(Designation.objects.filter(organization=organization)),
            ~models.Exists(Organization.stories.through.objects.filter(organization=organization)),
            ~models.Exists(Case.organizations.through.objects.filter(organization=organization)),
            ~models.Exists(Case.objects.filter(court=organization)),
            ~models.Exists(CaseEvent.objects.filter(organization=organization)),
        )


class Organization(models.Model):
    class Kind(models.TextChoices):
        PARTY = "party", _("Political party")
        MOVEMENT = "movement", _("Movement")
        NGO = "ngo", _("Non-governmental organization")
        MEDIA = "media", _("Media")
        COURT = "court", _("Court")
        GOVERNMENT = "government", _("Government body")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        blank=True,
        help_text=_("Abbreviation readers know, e.g. DVK."),
    )
    native_name = models.CharField(_("name in native script"), max_length=200, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Web address. Filled in from the name."),
    )
    kind = models.CharField(
        pgettext_lazy("kind of organization", "kind"),
        max_length=12,
        choices=Kind.choices,
        db_index=True,
    )
    country = CountryField(_("country"), blank=True, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    website = HttpsURLField(_("website"), max_length=300, blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        db_index=True,
        help_text=_("Shown on the public site. Leave unticked while the record is being checked."),
    )
    stories = models.ManyToManyField(
        "newsroom.Article",
        verbose_name=_("stories"),
        blank=True,
        related_name="organizations",
        help_text=_("Our stories about this organization."),
    )
    search_name = models.TextField(_("search name"), editable=False, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        permissions = [("publish_organization", "Can make organizations public or not public")]

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Organization,
                self.name,
                exclude_pk=self.pk,
                hidden=Organization.objects.filter(is_public=False) if self.is_public else None,
            )
        self.search_name = normalise_name(f"{self.name} {self.short_name} {self.native_name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("organizations:detail", self.slug)

    # Fallbacks for what OrganizationQuerySet.with_details() prefetches under the same names.
    @cached_property
    def public_designations(self):
        return list(Designation.objects.public().filter(organization=self))

    @cached_property
    def public_memberships(self):
        return list(Membership.objects.public().filter(organization=self).select_related("person"))

    @cached_property
    def published_stories(self):
        from newsroom.models import Article

        return list(Article.objects.published().filter(organizations=self))

    def member_groups(self):
        """Public members: named memberships to list, and how many people are unnamed or
        withheld (counted, never named). The page lists only the first few:
        first_member_groups()."""
        status = Person.NameStatus
        unnamed = {status.NOT_REPORTED: set(), status.WITHHELD: set()}
        named = []
        for membership in self.public_memberships:
            if membership.person.is_named:
                named.append(membership)
            else:
                unnamed[membership.person.name_status].add(membership.person_id)
        return {
            "named": named,
            "not_reported": len(unnamed[status.NOT_REPORTED]),
            "withheld": len(unnamed[status.WITHHELD]),
        }

    def first_member_groups(self, shown):
        """member_groups() for a page that lists only the first `shown` named memberships, in
        the same order: those are read with a LIMIT and the rest only counted, in one grouped
        query, so that the page costs the same however many members there are. Besides the
        counts of unnamed and withheld people, it says how many named people there are
        (`named_people`), how many of them are listed (`named_people_shown`), whether some are
        left out (`more_named`), and how many public members there are in all, named or not
        (`people`: as many as the people list filtered by the organization lists)."""
        status = Person.NameStatus
        counts = (
            Membership.objects.public(joined=True)
            .filter(organization=self)
            .count_people_per_name_status()
        )
        named_people, named_memberships = counts.get(status.NAMED, (0, 0))
        named = list(
            public_memberships_with_people_by_name().filter(
                organization=self, person__name_status=status.NAMED
            )[:shown]
        )
        return {
            "named": named,
            "not_reported": counts.get(status.NOT_REPORTED, (0, 0))[0],
            "withheld": counts.get(status.WITHHELD, (0, 0))[0],
            "named_people": named_people,
            "named_people_shown": len({membership.person_id for membership in named}),
            "more_named": named_memberships > len(named),
            "people": sum(people for people, _ in counts.values()),
        }


class OrganizationName(AlternateName):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="alternate_names",
    )

    class Meta(AlternateName.Meta):
        verbose_name = _("alternate name of an organization")
        verbose_name_plural = _("alternate names of organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="unique_organization_alternate_name"
            )
        ]


class MembershipQuerySet(models.QuerySet):
    @staticmethod
    @functools.cache
    def _of_public_person_and_organization():
        # Built once per process: it depends on no data, and a filter copies what it is given.
        return (
            models.Exists(Person.objects.public().filter(pk=models.OuterRef("person_id"))),
            models.Exists(
                Organization.objects.public().filter(pk=models.OuterRef("organization_id"))
            ),
        )

    def public(self, joined=False):
        """Memberships between a public person and a public organization.

        `joined`: the same rows, asked by joining the person and the organization (every
        membership has both) rather than by subqueries: for the few memberships of a page picked
        by key (its prefetches), a query Django builds in half the time."""
        if joined:
            return self.filter(person__is_public=True, organization__is_public=True)
        return self.filter(*self._of_public_person_and_organization())

    def count_people_per_name_status(self):
        """{name status: (how many people, how many memberships)} among these memberships, in
        one grouped query (a person may hold more than one membership)."""
        rows = (
            self.order_by()
            .values_list("person__name_status")
            .annotate(people=models.Count("person", distinct=True), memberships=models.Count("pk"))
        )
        return {name_status: (people, memberships) for name_status, people, memberships in rows}


class Membership(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"),
        max_length=100,
        blank=True,
        help_text=_("E.g. leader, activist, member, chair."),
    )
    start_date = PartialDateField(
        _("start date"), null=True, blank=True, help_text=_("YYYY, YYYY-MM or YYYY-MM-DD.")
    )
    end_date = PartialDateField(
        _("end date"), null=True, blank=True, help_text=_("YYYY, YYYY-MM or YYYY-MM-DD.")
    )
    has_ended = models.BooleanField(
        _("ended"),
        default=False,
        help_text=_("Tick when the membership is over, even if the end date is not known."),
    )
    source = models.ForeignKey(
        "newsroom.Source",
        verbose_name=pgettext_lazy("document that reports a fact", "source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
                violation_error_message=_("The membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(has_ended=True),
                name="membership_with_end_date_has_ended",
                violation_error_message=_("A membership with an end date has ended: tick “ended”."),
            ),
        ]

    def __str__(self):
        role = f", {self.role}" if self.role else ""
        return gettext("%(person)s in %(organization)s%(role)s") % {
            "person": self.person,
            "organization": self.organization,
            "role": role,
        }

    def period(self):
        """The dates as known: "since March 2018", "2015 to 2019", "ended", ""."""
        start, end = self.start_date, self.end_date
        if start and end:
            return gettext("%(start)s to %(end)s") % {
                "start": start.display(),
                "end": end.display(),
            }
        if start:
            if self.has_ended:
                return gettext("from %(start)s, ended") % {"start": start.display()}
            return gettext("since %(start)s") % {"start": start.display()}
        if end:
            return gettext("until %(end)s") % {"end": end.display()}
        return gettext("ended") if self.has_ended else ""


class RecognitionQuerySet(models.QuerySet):
    def public(self, joined=False):
        """Recognitions of a public person by a public organization. `joined`: the same rows,
        asked through joins, as MembershipQuerySet.public() does for a page's prefetches."""
        if joined:
            return self.filter(person__is_public=True, organization__is_public=True)
        return self.filter(
            models.Exists(Person.objects.public().filter(pk=models.OuterRef("person_id"))),
            models.Exists(
                Organization.objects.public().filter(pk=models.OuterRef("organization_id"))
            ),
        )

    def count_people_in_prison(self, day=None):
        """How many people these recognitions name are imprisoned() on the day (today by
        default): Person.objects.imprisoned().recognised().count(), counted from the
        recognitions, which are few, rather than from everyone in prison."""
        from cases.models import Defendant

        day = day or timezone.localdate()
        in_prison = Defendant.objects.public().in_prison_on(day)
        return (
            self.filter(models.Exists(in_prison.filter(person=models.OuterRef("person_id"))))
            .values("person")
            .distinct()
            .count()
        )


class Recognition(models.Model):
    """A named organization's public statement that a person is a political prisoner, or is
    persecuted for their views: what the site's lists and figures call "recognised"."""

    class Kind(models.TextChoices):
        POLITICAL_PRISONER = "political_prisoner", _("a political prisoner")
        PERSECUTED = "persecuted", _("persecuted for their views")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="recognitions"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="recognitions",
        help_text=_("Who recognised the person, e.g. Viasna or Memorial."),
    )
    kind = models.CharField(
        _("recognised as"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.POLITICAL_PRISONER,
    )
    recognised_on = PartialDateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("When the organization said so: YYYY, YYYY-MM or YYYY-MM-DD."),
    )
    source_url = HttpsURLField(
        _("source"),
        max_length=500,
        help_text=_("The web address of the organization's statement or list."),
    )
    statement = models.TextField(
        _("statement"),
        blank=True,
        help_text=_("Optional: the organization's words, quoted briefly."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        ordering = ["recognised_on", "pk"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")

    def __str__(self):
        return gettext("%(person)s recognised by %(organization)s") % {
            "person": self.person,
            "organization": self.organization,
        }


class DesignationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(organization__in=Organization.objects.public())


class Designation(models.Model):
    """An authority's label on an organization, such as "extremist", on a possibly partial date."""

    class Label(models.TextChoices):
        EXTREMIST = "extremist", _("Extremist")
        TERRORIST = "terrorist", _("Terrorist")
        FOREIGN_AGENT = "foreign_agent", _("Foreign agent")
        UNDESIRABLE = "undesirable", _("Undesirable")
        BANNED = "banned", _("Banned")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="designations",
    )
    label = models.CharField(
        pgettext_lazy("what an authority calls an organization", "label"),
        max_length=15,
        choices=Label.choices,
        db_index=True,
    )
    authority = models.CharField(
        # Translators: the body that designated an organization, such as a court or a ministry.
        _("authority"),
        max_length=200,
        help_text=_("Who made the designation, e.g. a court or a ministry."),
    )
    country = CountryField(_("country"), blank=True)
    designated_on = PartialDateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD, as precise as known."),
    )
    revoked_on = PartialDateField(
        _("revoked"), null=True, blank=True, help_text=_("When the label was lifted, if it was.")
    )
    source = models.ForeignKey(
        "newsroom.Source",
        verbose_name=pgettext_lazy("document that reports a fact", "source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["designated_on", "pk"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")

    def __str__(self):
        when = f", {self.designated_on.display()}" if self.designated_on else ""
        return gettext("%(organization)s designated %(label)s%(when)s") % {
            "organization": self.organization,
            "label": self.get_label_display().lower(),
            "when": when,
        }

    def describe(self):
        """ "designated extremist by Government of Kazakhstan, March 2018", at the date's real
        precision."""
        when = self.designated_on.display() if self.designated_on else gettext("date not reported")
        text = gettext("designated %(label)s by %(authority)s, %(date)s") % {
            "label": self.get_label_display().lower(),
            "authority": self.authority,
            "date": when,
        }
        if self.revoked_on:
            text = gettext("%(designation)s; lifted %(date)s") % {
                "designation": text,
                "date": self.revoked_on.display(),
            }
        return text


@receiver(post_migrate)
def keep_sqlite_name_trigrams(sender, using, **kwargs):
    """Remake the SQLite trigram index of names after every migrate (a migration that alters
    a table on SQLite copies it and drops its triggers)."""
    from people.close_names import ensure_sqlite_trigram_index

    if sender.label == "people":
        ensure_sqlite_trigram_index(connections[using])


class MergedPerson(models.Model):
    """A person record merged into another (people/merging.py). The merged record is deleted,
    but its own past versions stay in the history under its id: this row lets the survivor's
    admin page list them, so the survivor keeps the whole history of both records."""

    survivor = models.ForeignKey(
        Person,
        verbose_name=pgettext_lazy("record others were merged into", "survivor"),
        on_delete=models.CASCADE,
        related_name="merged_people",
    )
    merged_id = models.PositiveBigIntegerField(_("number of the merged record"))
    merged_at = models.DateTimeField(_("merged on"), auto_now_add=True)

    class Meta:
        verbose_name = _("record merged into this person")
        verbose_name_plural = _("records merged into this person")

    def __str__(self):
        return f"#{self.merged_id} → #{self.survivor_id}"


class PersonRedirect(models.Model):
    """The address of a person merged into another (people/merging.py): the person page at
    `old_slug` answers 301 to the survivor's, when that reveals nothing (see `target`)."""

    old_slug = models.SlugField(_("old slug"), max_length=100, unique=True)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("address of a merged person")
        verbose_name_plural = _("addresses of merged people")

    def __str__(self):
        return f"{self.old_slug} → {self.person.slug}"

    @classmethod
    def target(cls, slug):
        """The person whose page a merged-away address leads to, or None. Only an address that
        was made from a name leads anywhere, and only to a public, named survivor: a neutral
        address (of a withheld or unnamed person, or one never public) would tie that record to
        the survivor's name, and a named address to a withheld survivor would name them."""
        from newsroom.slugs import is_neutral_slug

        if is_neutral_slug(slug, "person"):
            return None
        redirect = cls.objects.filter(old_slug=slug).select_related("person").first()
        if redirect is None:
            return None
        return Person.objects.searchable().filter(pk=redirect.person_id).first()


# The data-independent prefetch querysets of the detail pages (newsroom/prefetch.py).


@built_once
def public_memberships_with_organizations():
    return Membership.objects.public(joined=True).select_related("organization")


@built_once
def public_memberships_with_people_by_name():
    return (
        Membership.objects.public(joined=True)
        .select_related("person")
        .order_by("person__name_status", "person__sort_name", "person__name", "pk")
    )


@built_once
def public_recognitions_with_organizations():
    return Recognition.objects.public(joined=True).select_related("organization")


@built_once
def public_organizations():
    return Organization.objects.public()


@built_once
def public_designations():
    return Designation.objects.public()


@built_once
def story_line_defendants():
    """A person's public defendant records with their cases and sentences."""
    from cases.models import Defendant, defendant_sentence_parts

    return (
        Defendant.objects.public(joined=True)
        .select_related("case")
        .prefetch_related(defendant_sentence_parts())
    )


@built_once
def person_page_defendants():
    """A person's public defendant records with charges and sentences, and their published
    cases with court and public co-defendants: who they are, which is all the page says of
    them (Defendant.co_defendants), not their charges and sentences."""
    from cases.models import Case, Defendant, defendant_sentence_parts

    cases = Case.objects.published().with_court().with_defendants(charges=False, sentences=False)
    return Defendant.objects.public(joined=True).prefetch_related(
        defendant_sentence_parts(), "charges", models.Prefetch("case", queryset=cases)
    )
