import functools

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models
from django.db.models import Prefetch
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext, npgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from newsroom.key_lists import KeySet
from newsroom.models import Article, Source, containing_every_word
from newsroom.partial_dates import PartialDateField
from newsroom.prefetch import built_once
from newsroom.record_urls import slug_url
from newsroom.slugs import unique_slug
from people.models import Membership, Organization, Person, Recognition, public_organizations


def format_months(months, bound=False):
    """12 -> "1 year", 60 -> "5 years", 18 -> "1 year 6 months", 6 -> "6 months". `bound`: the
    term is a bound of a range ("1 to 2 years", "up to 5 years"), which some languages say in
    another grammatical case (Russian: "до 5 лет", not "5 лет"): its own translations."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        if bound:
            word = npgettext("a bound of a term", "%(count)d year", "%(count)d years", years)
        else:
            word = ngettext("%(count)d year", "%(count)d years", years)
        parts.append(word % {"count": years})
    if rest or not years:
        if bound:
            word = npgettext("a bound of a term", "%(count)d month", "%(count)d months", rest)
        else:
            word = ngettext("%(count)d month", "%(count)d months", rest)
        parts.append(word % {"count": rest})
    return " ".join(parts)


def format_term(minimum, maximum):
    """A term in months as readers say it: "5 years", "1 to 2 years", "6 to 18 months"."""
    if minimum is None and maximum is None:
        return ""
    if minimum is None:
        return gettext("up to %(term)s") % {"term": format_months(maximum, bound=True)}
    if maximum is None:
        return gettext("at least %(term)s") % {"term": format_months(minimum, bound=True)}
    if minimum == maximum:
        return format_months(minimum)
    if minimum % 12 == 0 and maximum % 12 == 0:
        # Translators: whole years, "1 to 2 years"; the plural is the longest's.
        return ngettext(
            "%(shortest)d to %(longest)d year", "%(shortest)d to %(longest)d years", maximum // 12
        ) % {"shortest": minimum // 12, "longest": maximum // 12}
    if minimum < 12 or maximum % 12:
        # Translators: "6 to 18 months"; the plural is the longest's.
        return ngettext(
            "%(shortest)d to %(longest)d month", "%(shortest)d to %(longest)d months", maximum
        ) % {"shortest": minimum, "longest": maximum}
    return gettext("%(shortest)s to %(longest)s") % {
        "shortest": format_months(minimum, bound=True),
        "longest": format_months(maximum, bound=True),
    }


def search_condition(text):
    """The condition of CaseQuerySet.search(), built once (the close names it looks up are
    queries) and reusable on any queryset of cases."""
    from newsroom.text_queries import distinct_words
    from people.close_names import close_person_ids
    from people.names import search_terms

    condition = models.Q()
    close_ids = {}  # words that fold to the same terms ("Алматы", "Almaty") are looked up once
    for word in distinct_words(text):
        word_condition = (
            models.Q(title__icontains=word)
            | models.Q(city__icontains=word)
            | models.Q(summary__icontains=word)
        )
        terms = search_terms(word)
        if terms:
            key = tuple(terms)
            if key not in close_ids:
                close_ids[key] = close_person_ids(terms)
            people = Person.objects.searchable().matching(terms, close_ids[key])
            defendants = Defendant.objects.public().filter(person__in=people.values("pk"))
            word_condition |= models.Q(pk__in=defendants.values("case"))
        condition &= word_condition
    return condition


class CaseQuerySet(models.QuerySet):
    def published(self):
        """Cases readers may see."""
        # DefendantQuerySet.public() asks for the complement (is_published=False): keep in step.
        return self.filter(is_published=True)

    def with_defendants(self, preview=False, charges=True, sentences=True):
        """Prefetch each case's public defendants (as `public_defendants`) with their people,
        charges and sentence parts: a fixed number of queries however many defendants.
        A preview takes those that will be public once the case is published. Without
        `charges`, one query less, for the lines about a case that only summarise sentences;
        without `sentences` either, two less, for the co-defendants a person page names."""
        return self.prefetch_related(
            Prefetch(
                "defendants",
                queryset=case_defendants(preview, charges, sentences),
                to_attr="public_defendants",
            )
        )

    def with_court(self):
        """Prefetch the court as `public_court`: None when it is not named or not public."""
        return self.prefetch_related(
            Prefetch("court", queryset=public_organizations(), to_attr="public_court")
        )

    def with_details(self, preview=False):
        """Everything a case page shows, each relation limited to what readers may see."""
        return (
            self.with_defendants(preview=preview)
            .with_court()
            .prefetch_related(
                Prefetch(
                    "organizations",
                    queryset=public_organizations(),
                    to_attr="public_organizations",
                ),
                Prefetch("events", queryset=public_events(), to_attr="public_events"),
                Prefetch(
                    "public_events__organization",
                    queryset=public_organizations(),
                    to_attr="public_organization",
                ),
                Prefetch(
                    "sources",
                    queryset=Source.objects.prefetch_related(
                        Prefetch(
                            "article",
                            queryset=Article.objects.published(),
                            to_attr="published_article",
                        )
                    ),
                    to_attr="source_list",
                ),
                Prefetch(
                    "stories", queryset=Article.objects.published(), to_attr="published_stories"
                ),
            )
        )

    def with_verdict(self):
        """Cases where at least one public defendant has a verdict (convicted, acquitted or
        dismissed)."""
        decided = Defendant.objects.public().filter(
            case=models.OuterRef("pk"), verdict__in=Defendant.DECIDED_VERDICTS
        )
        return self.filter(models.Exists(decided))

    def recently_changed_first(self):
        """Most recently changed first, as `last_changed`: the case's own record or one of its
        public defendants (a verdict, a sentence), whichever changed last."""
        latest_defendant_change = (
            Defendant.objects.public()
            .filter(case=models.OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        last_changed = Greatest(
            "updated_at", Coalesce(models.Subquery(latest_defendant_change), "updated_at")
        )
        return self.annotate(last_changed=last_changed).order_by("-last_changed", "-pk")

    def newest_verdict_first(self):
        """Newest verdict first; cases whose verdict date is not reported come after."""
        return self.order_by(models.F("verdict_date").desc(nulls_last=True), "title", "pk")

    def last_public_change(self):
        """When a published case last changed (None when there is none)."""
        return self.published().aggregate(latest=models.Max("updated_at"))["latest"]

    def matching(self, words):
        """Cases whose title, city or summary contains every word (case-insensitive)."""
        return containing_every_word(self, words, ["title", "city", "summary"])

    def in_city_matching(self, terms):
        """Cases in a city whose name in any spelling contains every normalised search term
        (people/names.py): "Алматы" finds the cases in Almaty. The few cities of published cases
        (published_cities) are compared in Python, through the same normalisation as the names
        of people: a city no published case is in is one readers cannot know of."""
        from people.names import normalise_name

        cities = Case.objects.published_cities()
        matching = [city for city in cities if all(term in normalise_name(city) for term in terms)]
        return self.filter(city__in=matching)

    def published_cities(self):
        """The cities of published cases, each once, in order, blank left out. Read off the index
        of published cases' cities (case_published_city_idx) a city at a time, each the first
        after the last: a lookup per city, where DISTINCT read every case (3 ms at 20,000 cases
        on PostgreSQL, for a search that asks it whenever a name is searched)."""
        connection = connections[self.db]
        table, city, published = (
            connection.ops.quote_name(name)
            for name in (Case._meta.db_table, "city", "is_published")
        )
        next_city = f"SELECT MIN({city}) FROM {table} WHERE {published} = %s AND {city} > "  # noqa: S608
        sql = (
            f"WITH RECURSIVE found(city) AS ({next_city} %s"
            f" UNION ALL SELECT ({next_city} found.city) FROM found WHERE found.city IS NOT NULL)"
            " SELECT city FROM found WHERE city IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [True, "", True])
            return [city for (city,) in cursor.fetchall()]

    @staticmethod
    def keys_concerning(organizations):
        """The two ways a case concerns any of the organizations, as querysets of case keys
        (of any case, published or not): it is about one of them, or a public defendant of it
        is a public member of one (the public rules as joins, MembershipQuerySet.public() and
        DefendantQuerySet.public() with joined=True: the same rows, a query Django builds in
        a fraction of the time of their EXISTS tests). The one rule of concerning_any() and
        published_keys_concerning()."""
        about = (
            Case.organizations.through.objects.filter(organization__in=organizations)
            .order_by()
            .values_list("case_id")
        )
        # The membership is the defendant's person's (public), in a public organization.
        via_members = (
            Defendant.objects.public(joined=True)
            .filter(
                person__memberships__organization__in=organizations,
                person__memberships__organization__is_public=True,
            )
            .order_by()
            .values_list("case_id")
        )
        return about, via_members

    def concerning_any(self, organizations):
        """Cases about any of the organizations, or with a public defendant who is a public
        member of one (keys_concerning()). Built from uncorrelated subqueries, which the
        database runs once, and listing a case once however many of the organizations it
        concerns."""
        about, via_members = self.keys_concerning(organizations)
        return self.filter(models.Q(pk__in=about) | models.Q(pk__in=via_members))

    def published_keys_concerning(self, organization):
        """The keys of the published cases that concern the organization (keys_concerning()),
        read at once (a KeySet, for InKeys) in one query of the two ways (a union): for an
        organization page, which starts from these keys."""
        about, via_members = self.keys_concerning([organization])
        # The defendants' cases are published (DefendantQuerySet.public()); these need not be.
        about = about.filter(case__is_published=True)
        return KeySet(key for (key,) in about.union(via_members))

    def count_per_organization(self):
        """{organization id: how many of these cases concern it}, by concerning_any()'s rule,
        in one grouped query whatever the number of organizations: the distinct
        (organization, case) pairs of both routes are counted together, so a case reached
        both ways counts once."""
        about = (
            Case.organizations.through.objects.filter(case__in=self.order_by().values("pk"))
            .order_by()
            .values_list("organization_id", "case_id")
        )
        # A public defendant is a public person in a published case, and a public membership
        # is one of a public person in a public organization: joined straight to the
        # defendants of the published cases among these, rather than to every public
        # defendant (twice as fast on both databases), and to the person and organization
        # (MembershipQuerySet.public(joined=True)) rather than testing each with EXISTS.
        via_members = (
            Membership.objects.public(joined=True)
            .filter(person__defendants__case__in=self.published().order_by().values("pk"))
            .order_by()
            .values_list("organization_id", "person__defendants__case_id")
        )
        try:
            pairs_sql, params = about.union(via_members).query.sql_with_params()
        except EmptyResultSet:  # these cases are known to be none (an empty list of ids)
            return {}
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT pairs.organization_id, COUNT(*) FROM ({pairs_sql}) pairs "
                "GROUP BY pairs.organization_id",
                params,
            )
            return dict(cursor.fetchall())

    def count_per_sentence_kind(self, min_months=None, max_months=None):
        """{kind: how many of these cases have a public defendant with a part of that kind
        (and term)}, in one grouped query."""
        return (
            SentencePart.objects.of_kinds_and_term((), min_months, max_months)
            .filter(**self.public_defendants_lookup("defendant__"))
            .count_per_kind("defendant__case")
        )

    def public_defendants_lookup(self, prefix=""):
        """The filter arguments for rows whose defendant (reached by `prefix`, e.g.
        "defendant__") is a public defendant of one of these cases: a public person in one of
        them that is published. Joined straight to these cases, rather than through the
        subquery of every public defendant: half the time on SQLite and PostgreSQL."""
        return {
            f"{prefix}case__in": self.published().order_by().values("pk"),
            f"{prefix}person__is_public": True,
        }

    def with_recognised_defendant(self):
        """Cases with a public defendant whom a named organization recognises as a political
        prisoner or as persecuted for their views (Person.objects.recognised(): a recognition
        of a public person by a public organization). The rules are joins in one uncorrelated
        subquery, not nested EXISTS subqueries: with those, PostgreSQL took seconds over a few
        dozen cases whenever its statistics were out of date."""
        recognised = Recognition.objects.public(joined=True).values("person")
        defendants = Defendant.objects.filter(case__is_published=True, person__in=recognised)
        return self.filter(pk__in=defendants.values("case"))

    def with_sentence(self, kinds=(), min_months=None, max_months=None):
        """Cases with a public defendant sentenced as Defendant.objects.sentenced_to() says."""
        defendants = Defendant.objects.public().sentenced_to(kinds, min_months, max_months)
        return self.filter(pk__in=defendants.values("case"))

    def with_verdict_in_years(self, years):
        """Cases whose verdict date falls in any of the years (at any precision)."""
        condition = models.Q()
        for year in years:
            condition |= models.Q(verdict_date__year=year)
        return self.filter(condition)

    def charged_under(self, charges):
        """Cases with a public defendant charged under any of the charges."""
        held = DefendantCharge.objects.filter(charge__in=charges).values("defendant")
        defendants = Defendant.objects.public().filter(pk__in=held)
        return self.filter(pk__in=defendants.values("case"))

    def count_per_charge(self):
        """{charge id: how many of these cases have a public defendant charged under it}, by
        charged_under()'s rule, in one grouped query whatever the number of charges."""
        rows = (
            DefendantCharge.objects.filter(**self.public_defendants_lookup("defendant__"))
            .order_by()
            .values_list("charge_id")
            .annotate(total=models.Count("defendant__case", distinct=True))
        )
        return dict(rows)

    def search(self, text):
        """Free text: every word is in the title, city or summary, or in the name of a public,
        named defendant (any spelling, or a letter off: see people.names and
        people.close_names). Withheld names never match."""
        return self.filter(search_condition(text))


class Case(models.Model):
    class Status(models.TextChoices):
        INVESTIGATION = "investigation", _("Under investigation")
        TRIAL = "trial", _("On trial")
        SENTENCED = "sentenced", _("Sentenced")
        APPEAL = "appeal", _("On appeal")
        CLOSED = "closed", _("Closed")

    class HearingFormat(models.TextChoices):
        UNKNOWN = "unknown", _("Not reported")
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online (defendants by video link)")
        MIXED = "mixed", _("Partly online")
        CLOSED = "closed", _("Closed to the public")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Web address. Filled in from the title."),
    )
    court = models.ForeignKey(
        "people.Organization",
        verbose_name=_("court"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="court_cases",
        limit_choices_to={"kind": "court"},
        help_text=_("Leave empty when the reports do not name the court."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), db_index=True)
    status = models.CharField(
        pgettext_lazy("stage of a court case", "status"),
        max_length=15,
        choices=Status.choices,
        db_index=True,
    )
    hearing_format = models.CharField(
        _("hearing format"),
        max_length=10,
        choices=HearingFormat.choices,
        default=HearingFormat.UNKNOWN,
    )
    verdict_date = PartialDateField(
        _("verdict date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD. Leave empty when the date is not reported."),
    )
    summary = models.TextField(_("summary"), blank=True)
    organizations = models.ManyToManyField(
        "people.Organization",
        verbose_name=_("organizations"),
        blank=True,
        related_name="cases",
        help_text=_("Organizations the case is about, e.g. the movement the defendants belong to."),
    )
    reported_defendant_count = models.PositiveIntegerField(
        _("reported number of defendants"),
        null=True,
        blank=True,
        help_text=_("How many defendants the reports give, named or not."),
    )
    sources = models.ManyToManyField(
        "newsroom.Source",
        verbose_name=pgettext_lazy("document that reports a fact", "sources"),
        blank=True,
        related_name="cases",
    )
    stories = models.ManyToManyField(
        "newsroom.Article",
        verbose_name=_("stories"),
        blank=True,
        related_name="cases",
        help_text=_("Our stories about this case."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        db_index=True,
        help_text=_("Shown on the public site. Leave unticked while the record is being checked."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-verdict_date", "title"]
        verbose_name = pgettext_lazy("court case", "case")
        verbose_name_plural = pgettext_lazy("court case", "cases")
        permissions = [("publish_case", "Can make cases public or not public")]
        indexes = [
            # CaseQuerySet.published_cities(): the next city of a published case after another.
            models.Index(fields=["is_published", "city"], name="case_published_city_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Case,
                self.title,
                exclude_pk=self.pk,
                hidden=Case.objects.filter(is_published=False) if self.is_published else None,
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("cases:detail", self.slug)

    # Fallbacks for the relations that CaseQuerySet.with_details() prefetches under the same
    # names: without the prefetch they cost a query each, but show the same public records.
    @cached_property
    def public_defendants(self):
        return list(
            Defendant.objects.public()
            .filter(case=self)
            .select_related("person")
            .prefetch_related("sentence_parts", "charges")
        )

    @cached_property
    def public_court(self):
        return Organization.objects.public().filter(pk=self.court_id).first()

    @cached_property
    def public_organizations(self):
        return list(Organization.objects.public().filter(cases=self))

    @cached_property
    def published_stories(self):
        return list(Article.objects.published().filter(cases=self))

    @cached_property
    def public_events(self):
        return list(CaseEvent.objects.public().filter(case=self))

    @cached_property
    def source_list(self):
        return list(self.sources.all())

    def named_defendant_count(self):
        return sum(1 for defendant in self.public_defendants if defendant.person.is_named)

    def defendant_count_line(self):
        """The count line, "13 defendants, 4 named", with the reported number if different."""
        count = len(self.public_defendants)
        line = ngettext(
            "%(count)d defendant, %(named)d named", "%(count)d defendants, %(named)d named", count
        ) % {"count": count, "named": self.named_defendant_count()}
        reported = self.reported_defendant_count
        if reported is not None and reported != count:
            line = ngettext(
                "%(line)s (reports give %(count)d defendant)",
                "%(line)s (reports give %(count)d defendants)",
                reported,
            ) % {"line": line, "count": reported}
        return line

    def charge_list(self):
        """The distinct charges against the public defendants, in the order first listed."""
        charges = {}
        for defendant in self.public_defendants:
            for charge in defendant.charges.all():
                charges.setdefault(charge.pk, charge)
        return list(charges.values())

    def sentence_summary(self):
        """The sentences in one line that counts each public defendant once: "4 sentenced to 5
        years in prison; 9 to 1 to 2 years of restricted freedom, 7 of them also to 100 hours of
        compulsory labour a year" (see cases/summaries.py); "" when there is no defendant."""
        from cases.summaries import sentence_summary

        return sentence_summary(self.public_defendants)

    def named_public_defendants(self):
        """The public defendants a case page lists one by one: those with a public name."""
        return [defendant for defendant in self.public_defendants if defendant.person.is_named]

    def unnamed_defendant_groups(self):
        """The public defendants without a public name, as one group per name status."""
        from cases.summaries import unnamed_defendant_groups

        return unnamed_defendant_groups(self, self.public_defendants)


def charge_slug(country, legal_code, article, description):
    """The charge's key in filter URLs: "by-cc-293" for article 293 of Belarus's Criminal Code
    (country, the initials of the code, the article); the description when no article is given."""
    if article:
        initials = "".join(word[0] for word in slugify(legal_code).split("-") if word)
        parts = [str(country).lower(), initials, slugify(article.replace(".", "-"))]
    else:
        parts = [str(country).lower(), slugify(description)]
    return "-".join(part for part in parts if part)[:90] or "charge"


class ChargeQuerySet(models.QuerySet):
    def shown_publicly(self):
        """Charges readers can see: held by a public defendant (a public person in a published
        case). Found as each charge's first public holder: a subquery that stops at the first
        one on SQLite and PostgreSQL alike (an EXISTS, or an IN over the public defendants,
        made one of them read every defendant)."""
        first_public_holder = DefendantCharge.objects.filter(
            models.Exists(Defendant.objects.public().filter(pk=models.OuterRef("defendant_id"))),
            charge=models.OuterRef("pk"),
        ).values("pk")[:1]
        return self.alias(first_public_holder=models.Subquery(first_public_holder)).filter(
            first_public_holder__isnull=False
        )


class Charge(models.Model):
    """An offence people are charged with: an article of a legal code, or a plain description."""

    country = CountryField(
        _("jurisdiction"),
        blank=True,
        help_text=_("The country whose legal code this is, e.g. Belarus for its Criminal Code."),
    )
    legal_code = models.CharField(
        _("legal code"),
        max_length=200,
        blank=True,
        help_text=_("E.g. Criminal Code. Empty if not reported."),
    )
    article = models.CharField(
        pgettext_lazy("part of a legal code", "article"),
        max_length=50,
        blank=True,
        help_text=_("Article number, e.g. 405-2. Empty if not reported."),
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        help_text=_("The offence in plain words, e.g. extremism-related charges."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_(
            "The charge's key in filter addresses, e.g. by-cc-293. Filled in from the "
            "jurisdiction, the code and the article."
        ),
    )

    objects = ChargeQuerySet.as_manager()

    class Meta:
        ordering = ["description"]
        verbose_name = pgettext_lazy("criminal charge", "charge")
        verbose_name_plural = pgettext_lazy("criminal charge", "charges")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "legal_code", "article", "description"], name="unique_charge"
            )
        ]

    def __str__(self):
        if self.article:
            return f"{self.description} ({self.article_reference()})"
        return gettext("%(description)s (article not reported)") % {"description": self.description}

    def save(self, *args, **kwargs):
        if not self.slug:
            base = charge_slug(self.country, self.legal_code, self.article, self.description)
            self.slug = unique_slug(Charge, base, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def article_reference(self):
        """ "article 293 of the Criminal Code of Belarus", with the jurisdiction when known."""
        if not self.article:
            return ""
        values = {"article": self.article, "code": self.legal_code}
        text = gettext("article %(article)s") % values
        if self.legal_code:
            text = gettext("article %(article)s of the %(code)s") % values
            if self.country:
                text = gettext("article %(article)s of the %(code)s of %(country)s") % {
                    **values,
                    "country": self.country.name,
                }
        return text


class SeverityRank(models.Func):
    """The place of a sentence part's kind in cases/summaries.py's SEVERITY (0, the most
    severe, for prison; after them all for a kind not listed; none for no kind, as for a
    defendant without parts through an outer join), as one CASE written with the kinds in its
    SQL: the same as a Case of one When per kind, which Django took longer to build on each
    request than SQLite took to run the query it was in (the figures of an organization page)."""

    output_field = models.IntegerField()

    def __init__(self, kind="kind"):
        super().__init__(models.F(kind))

    @staticmethod
    @functools.cache
    def _whens():
        from cases.summaries import SEVERITY

        assert all(kind.isidentifier() for kind in SEVERITY)  # safe to write into the SQL
        whens = " ".join(f"WHEN '{kind}' THEN {rank}" for rank, kind in enumerate(SEVERITY))
        return f"{whens} ELSE {len(SEVERITY)}"

    def as_sql(self, compiler, connection, **extra_context):
        (kind,) = self.get_source_expressions()
        column, params = compiler.compile(kind)
        ranked = f"CASE {column} {self._whens()} END"
        return f"CASE WHEN {column} IS NULL THEN NULL ELSE {ranked} END", [*params, *params]


class DefendantQuerySet(models.QuerySet):
    # Whether the person is public and the case published is asked the other way round: that
    # there is NO hidden person or unpublished case with the row's key (the complements of
    # PersonQuerySet.public() and CaseQuerySet.published(): keep them in step). The same rows,
    # since every defendant has its person and case, but the database looks up the few hidden
    # rows once instead of every public one: PostgreSQL hashed all 100,000 people in each
    # count of public defendants. EXISTS rather than IN: SQLite otherwise probes every pair.

    # The two conditions are built once per process (they depend on no data; a filter copies
    # what it is given): a dozen pages ask for public defendants several times each.

    @staticmethod
    @functools.cache
    def _not_in_unpublished_case():
        unpublished = Case.objects.filter(is_published=False)
        return ~models.Exists(unpublished.filter(pk=models.OuterRef("case_id")))

    @staticmethod
    @functools.cache
    def _not_of_hidden_person():
        hidden = Person.objects.filter(is_public=False)
        return ~models.Exists(hidden.filter(pk=models.OuterRef("person_id")))

    def public(self, joined=False):
        """Defendants readers may see: a public person in a published case.

        `joined`: the same rows, asked by joining the person and the case (every defendant has
        both) rather than by subqueries: for the few defendants of a page picked by key (its
        prefetches), a query Django builds in half the time."""
        if joined:
            return self.public_once_case_published(joined=True).filter(case__is_published=True)
        return self.public_once_case_published().filter(self._not_in_unpublished_case())

    def public_once_case_published(self, joined=False):
        """The defendants readers will see when their case is published: what a staff preview
        of an unpublished case shows. `joined`: as for public()."""
        if joined:
            return self.filter(person__is_public=True)
        return self.filter(self._not_of_hidden_person())

    def sentenced_in(self, year):
        """Defendants convicted in a case whose verdict date falls in the year."""
        return self.filter(verdict=Defendant.Verdict.CONVICTED, case__verdict_date__year=year)

    def sentenced_counts(self, year):
        """(convicted in the year, convicted with no verdict date): the figures of
        sentenced_in() and sentenced_undated() in one aggregate query."""
        # Only the defendants of the cases of the year or undated are read (found through the
        # verdict date's index), not every convicted defendant. The verdict is tested in the
        # counts, not the WHERE clause: there SQLite (no planner statistics) read every
        # convicted defendant through the verdict index instead (20 ms against 3 at 100,000).
        cases = Case.objects.filter(
            models.Q(verdict_date__year=year) | models.Q(verdict_date=None)
        ).values("pk")
        convicted = models.Q(verdict=Defendant.Verdict.CONVICTED)
        totals = (
            self.filter(case__in=cases)
            .order_by()
            .aggregate(
                in_year=models.Count(
                    "pk", filter=convicted & models.Q(case__verdict_date__year=year)
                ),
                undated=models.Count("pk", filter=convicted & models.Q(case__verdict_date=None)),
            )
        )
        return totals["in_year"], totals["undated"]

    def sentenced_undated(self):
        """Defendants convicted in a case whose verdict date was not reported: no yearly figure
        (sentenced_in) can count them, so a page giving one says how many it leaves out."""
        return self.filter(verdict=Defendant.Verdict.CONVICTED, case__verdict_date=None)

    def sentenced_to(self, kinds=(), min_months=None, max_months=None):
        """Defendants with one sentence part of any of the kinds (any kind when none is given)
        whose term overlaps min_months..max_months (either bound may be None).

        Unknown bounds: a part whose term is not reported at all (a fine, labour counted in
        hours) never matches a term range; "up to N" is open below and "at least N" open above,
        so each matches any range it could fall in.
        """
        parts = SentencePart.objects.of_kinds_and_term(kinds, min_months, max_months)
        return self.filter(pk__in=parts.values("defendant"))

    # In prison on a day, by the stored release windows (cases/release.py). Tried in absentia
    # or without a prison term: never in prison.

    @staticmethod
    def certainly_in_prison_condition(day):
        """The term certainly began on or before the day and the earliest release is after it."""
        return models.Q(
            prison_status__in=[Defendant.PrisonStatus.SERVING, Defendant.PrisonStatus.RELEASED],
            prison_started_by__lte=day,
            release_earliest__gt=day,
        )

    @staticmethod
    def possibly_in_prison_condition(day):
        """Certainly in prison, or not excluded by the window: the term may have begun (or its
        start is unknown) and the latest release is after the day (or unknown)."""
        return models.Q(
            models.Q(prison_started_from__lte=day) | models.Q(prison_started_from__isnull=True),
            models.Q(release_latest__gt=day) | models.Q(release_latest__isnull=True),
            prison_status__in=[Defendant.PrisonStatus.SERVING, Defendant.PrisonStatus.RELEASED],
        )

    def refresh_release_bounds(self, batch_size=2000):
        """Work out and store the release windows of these defendants (cases/release.py) in
        batches: for rows written without signals (bulk_create, raw SQL imports)."""
        from cases.release import release_window, stored_bounds

        fields = list(stored_bounds(release_window(Defendant(), [], None)))
        queryset = self.order_by("pk").select_related("case").prefetch_related("sentence_parts")
        batch = []
        for defendant in queryset.iterator(chunk_size=batch_size):
            window = release_window(
                defendant, defendant.sentence_parts.all(), defendant.case.verdict_date
            )
            for name, value in stored_bounds(window).items():
                setattr(defendant, name, value)
            batch.append(defendant)
            if len(batch) >= batch_size:
                Defendant.objects.bulk_update(batch, fields)
                batch = []
        if batch:
            Defendant.objects.bulk_update(batch, fields)

    # Beyond this many days, one pass over the prison terms in Python is faster than one
    # conditional COUNT(DISTINCT) per day (10 years month by month took 5 s at 100,000 people).
    MAX_DAYS_COUNTED_IN_SQL = 4

    def count_people_in_prison_on(self, days, few=False):
        """{day: (people certainly in prison, people who may be but not certainly)} among these
        defendants, in one query whatever the number of days or defendants. A person with
        several records counts once (the rule of Person.objects.imprisoned() and
        maybe_imprisoned()). For a few days, SQL counts; for many, the stored windows of the
        prison terms are read once and the same conditions applied to them in Python
        (cases.release.count_in_prison_by_day).

        `few`: these defendants are few, picked otherwise (those of an organization's cases):
        each is tested rather than the prison terms that can count picked first, which SQLite
        (no planner statistics) does through the prison-status index, reading every prison term
        of the database (7 ms against 2 at 100,000 defendants). The counts are the same: each
        count's condition holds the prison status and the window."""
        if not days:
            return {}
        # Only prison terms can count: the other rows need not be tested day by day.
        with_prison = self.filter(
            prison_status__in=[Defendant.PrisonStatus.SERVING, Defendant.PrisonStatus.RELEASED]
        ).order_by()
        if len(days) > self.MAX_DAYS_COUNTED_IN_SQL:
            from cases.release import count_in_prison_by_day

            windows = with_prison.values_list(
                "person_id",
                "prison_started_from",
                "prison_started_by",
                "release_earliest",
                "release_latest",
            )
            return count_in_prison_by_day(windows, days)
        aggregates = {}
        may_count = models.Q()
        for index, day in enumerate(days):
            certain = self.certainly_in_prison_condition(day)
            possible = self.possibly_in_prison_condition(day)
            aggregates[f"certain_{index}"] = models.Count("person", distinct=True, filter=certain)
            aggregates[f"possible_{index}"] = models.Count("person", distinct=True, filter=possible)
            may_count |= certain | possible
        if few:
            totals = self.order_by().aggregate(**aggregates)
        else:
            # Only the rows that can count on one of the days are read (the release windows'
            # indexes): the few not yet released, rather than every prison term ever served.
            totals = with_prison.filter(may_count).aggregate(**aggregates)
        return {
            day: (totals[f"certain_{i}"], totals[f"possible_{i}"] - totals[f"certain_{i}"])
            for i, day in enumerate(days)
        }

    def first_day_in_prison(self):
        """The earliest day any of these defendants may have begun a prison term (or None)."""
        return self.order_by().aggregate(first=models.Min("prison_started_from"))["first"]

    def count_sentenced_per_year_and_kind(self, few=False):
        """{(verdict year or None, most severe kind or None): convicted defendants}: each
        convicted defendant counted once, under the most severe kind of their sentence
        (cases/summaries.py's order), None when no sentence part is recorded; the year None
        when the verdict date was not reported. One query: each defendant's most severe
        rank is the least of its parts' (a join grouped by defendant, where a subquery per
        defendant took four times as long on PostgreSQL), then the defendants are counted by
        year, rank and verdict, and the convicted kept. They are picked once counted, not
        before: asked to pick them first, SQLite read every convicted defendant of the database
        through the verdict index rather than those of the cases asked about through the case
        index (an organization's: 16 ms against 5; the statistics of one organization or year,
        twice as fast).

        `few`: these defendants are few, picked otherwise (those of an organization's cases).
        Each one's rank is then asked of its own parts (a subquery per defendant), where
        PostgreSQL joined every sentence part of the database to the thousand defendants of
        an organization of 100,000 people (23 ms against 7). The counts are the same."""
        from cases.summaries import SEVERITY

        # The date is stored as YYYYMMDD; a date not reported (NULL) gives the year NULL.
        year = models.functions.Cast("case__verdict_date", models.IntegerField()) / 10000
        if few:
            best_rank = models.Subquery(
                SentencePart.objects.filter(defendant=models.OuterRef("pk"))
                .order_by()
                .values("defendant")
                .annotate(best_rank=models.Min(SeverityRank()))
                .values("best_rank")
            )
        else:
            best_rank = models.Min(SeverityRank("sentence_parts__kind"))
        per_defendant = (
            self.order_by().values("pk", "verdict").annotate(verdict_year=year, best_rank=best_rank)
        )
        try:
            sql, params = per_defendant.query.sql_with_params()
        except EmptyResultSet:
            return {}
        counted = (
            f"SELECT verdict_year, best_rank, COUNT(*), verdict FROM ({sql}) ranked "
            "GROUP BY verdict, verdict_year, best_rank"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(counted, params)
            rows = cursor.fetchall()
        # A rank past SEVERITY would be a kind outside SentencePart.Kind: no figure shows it.
        kind_of_rank = {None: None, **{rank: kind.value for rank, kind in enumerate(SEVERITY)}}
        return {
            (year, kind_of_rank.get(rank, "")): total
            for year, rank, total, verdict in rows
            if verdict == Defendant.Verdict.CONVICTED
        }

    def count_per_prison_term_bucket(self, buckets):
        """{bucket: (sentences whose whole term lies in it, sentences whose term range reaches
        into it without lying wholly in it)}, plus {None: sentences whose term was not
        reported}, over the defendants with a prison term (the stored total of consecutive
        parts, cases/release.py). A bucket is (from months, below months or None). A range is
        counted as a range, not a midpoint: "1 to 2 years" reaches "1 to under 2 years" and
        "2 to under 3 years". One grouped query: how many terms of each (shortest, longest)
        length, a few dozen lengths, put in the buckets here (asking SQL to test every bucket
        cost more time to build than to run)."""
        with_term = self.exclude(prison_status=Defendant.PrisonStatus.NONE)
        lengths = (
            with_term.order_by()
            .values_list("prison_months_min", "prison_months_max")
            .annotate(total=models.Count("pk"))
        )
        counts = {bucket: [0, 0] for bucket in buckets}
        counts[None] = 0
        for shortest, longest, total in lengths:
            if shortest is None:
                counts[None] += total
            for low, high in buckets:
                # As SQL would: a length not reported (None) is never within a bound. "Up to N"
                # starts at 0; "at least N" has no longest and reaches every band above N.
                inside = shortest is not None and longest is not None and shortest >= low
                reaches = (longest is not None and longest >= low) or (
                    longest is None and shortest is not None
                )
                if high is not None:
                    inside = inside and longest < high
                    reaches = reaches and shortest is not None and shortest < high
                if inside:
                    counts[(low, high)][0] += total
                elif reaches:
                    counts[(low, high)][1] += total
        return {
            bucket: value if bucket is None else tuple(value) for bucket, value in counts.items()
        }

    def in_prison_on(self, day):
        """Defendants certainly in prison on the day."""
        return self.filter(self.certainly_in_prison_condition(day))

    def maybe_in_prison_on(self, day):
        """Defendants who may be in prison on the day, but not certainly."""
        return self.filter(self.possibly_in_prison_condition(day)).exclude(
            self.certainly_in_prison_condition(day)
        )


class ReleaseReason(models.TextChoices):
    SERVED = "served", _("Served the sentence")
    EARLY = "early", _("Early or conditional release")
    PARDON = "pardon", _("Pardon")
    AMNESTY = "amnesty", _("Amnesty")
    ACQUITTED_ON_APPEAL = "acquitted_on_appeal", _("Acquitted on appeal")
    EXCHANGE = "exchange", _("Prisoner exchange")
    DEATH = "death", _("Died in custody")
    TRANSFERRED = "transferred", _("Penalty changed to one without prison")
    OTHER = "other", _("Other reason")


class Defendant(models.Model):
    class TermCountedFrom(models.TextChoices):
        VERDICT = "verdict", _("The verdict")
        TERM_START = "term_start", _("The start of the term (give the date)")
        ARREST = "arrest", _("The arrest (pre-trial detention counts)")

    class PrisonStatus(models.TextChoices):
        NONE = "", _("No prison term")
        IN_ABSENTIA = "in_absentia", _("Prison term, tried in absentia")
        SERVING = "serving", _("Prison term, no release recorded")
        RELEASED = "released", _("Prison term, release recorded")

    class Verdict(models.TextChoices):
        PENDING = "pending", _("No verdict yet")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        DISMISSED = "dismissed", _("Case dismissed")
        UNKNOWN = "unknown", _("Not reported")

    # Verdicts that decide the case for this defendant (for "recent verdicts").
    DECIDED_VERDICTS = [Verdict.CONVICTED, Verdict.ACQUITTED, Verdict.DISMISSED]

    class Plea(models.TextChoices):
        UNKNOWN = "unknown", _("Not reported")
        REJECTS = "rejects", _("Rejects the charges")
        ADMITS = "admits", _("Admits the charges")
        PARTLY = "partly", _("Admits some charges")

    case = models.ForeignKey(
        Case,
        verbose_name=pgettext_lazy("court case", "case"),
        on_delete=models.CASCADE,
        related_name="defendants",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="defendants",
        help_text=_("Unnamed defendants are people too: add a person marked “name not reported”."),
    )
    position = models.PositiveSmallIntegerField(
        pgettext_lazy("order in a list", "position"),
        default=0,
        help_text=_("Order in the list of defendants."),
    )
    verdict = models.CharField(
        _("verdict"),
        max_length=10,
        choices=Verdict.choices,
        default=Verdict.PENDING,
        db_index=True,
    )
    in_absentia = models.BooleanField(
        _("tried in absentia"),
        default=False,
        help_text=_("Tried without being present, e.g. in exile."),
    )
    plea = models.CharField(_("plea"), max_length=10, choices=Plea.choices, default=Plea.UNKNOWN)
    charges = models.ManyToManyField(
        Charge,
        verbose_name=pgettext_lazy("criminal charge", "charges"),
        through="DefendantCharge",
        related_name="defendants",
    )
    arrest_date = PartialDateField(
        _("arrest date"),
        null=True,
        blank=True,
        help_text=_("When the person was detained in this case. YYYY, YYYY-MM or YYYY-MM-DD."),
    )
    release_date = PartialDateField(
        _("release date"),
        null=True,
        blank=True,
        help_text=_("When the person was released, if they were."),
    )
    release_reason = models.CharField(
        _("reason for release"),
        max_length=20,
        choices=ReleaseReason.choices,
        blank=True,
        help_text=_("Why the person was released, if they were (the date may be unknown)."),
    )
    term_counted_from = models.CharField(
        _("prison term counted from"),
        max_length=10,
        choices=TermCountedFrom.choices,
        default=TermCountedFrom.VERDICT,
        help_text=_(
            "Where the expected release is worked out from: the arrest when the court counted "
            "pre-trial detention towards the term."
        ),
    )
    term_start_date = PartialDateField(
        _("start of the prison term"),
        null=True,
        blank=True,
        help_text=_(
            "Only when the term is counted from its own start. YYYY, YYYY-MM or YYYY-MM-DD."
        ),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Public notes on this defendant."))
    source = models.ForeignKey(
        "newsroom.Source",
        verbose_name=pgettext_lazy("document that reports a fact", "source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Worked out by refresh_release_bounds() (cases/release.py) on every save of the defendant,
    # its case or its sentence parts, so that "in prison on a day" is a plain SQL filter.
    prison_status = models.CharField(
        _("prison status"),
        max_length=12,
        choices=PrisonStatus.choices,
        default="",
        blank=True,
        editable=False,
        db_index=True,
    )
    prison_months_min = models.PositiveSmallIntegerField(
        _("shortest prison term in months"), null=True, editable=False
    )
    prison_months_max = models.PositiveSmallIntegerField(
        _("longest prison term in months"), null=True, editable=False
    )
    prison_started_from = models.DateField(
        _("earliest possible start of the prison term"), null=True, editable=False
    )
    prison_started_by = models.DateField(
        _("latest possible start of the prison term"), null=True, editable=False
    )
    release_earliest = models.DateField(_("earliest possible release"), null=True, editable=False)
    release_latest = models.DateField(_("latest possible release"), null=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DefendantQuerySet.as_manager()

    class Meta:
        ordering = ["case", "position", "pk"]
        verbose_name = _("defendant")
        verbose_name_plural = _("defendants")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person"],
                name="unique_defendant_per_case",
                violation_error_message=_("This person is already a defendant in this case."),
            )
        ]
        # "In prison on a day" (DefendantQuerySet.count_people_in_prison_on) reads the prison
        # terms whose release window is not over, not every term ever served.
        indexes = [
            models.Index(
                fields=["release_earliest"],
                condition=models.Q(prison_status__in=["serving", "released"]),
                name="defendant_release_earliest_idx",
            ),
            models.Index(
                fields=["release_latest"],
                condition=models.Q(prison_status__in=["serving", "released"]),
                name="defendant_release_latest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.person} in {self.case}"

    def get_absolute_url(self):
        return self.case.get_absolute_url()

    def release_window(self, today=None):
        """What the records say about this defendant's release (cases/release.py), from the
        (prefetched) sentence parts and case."""
        from cases.release import release_window

        return release_window(self, self.sentence_parts.all(), self.case.verdict_date, today)

    def release_line(self):
        """ "expected release in March 2024", "released in 2023 (pardon)", "" without a prison
        term or when tried in absentia: for person and case pages."""
        return self.release_window().describe()

    def case_release_line(self):
        """release_line() for a row of the case page's defendants table: "" when the window
        cannot be worked out (the page already says once that the verdict date was not
        reported; the person page gives the reason)."""
        from cases.release import Outcome

        window = self.release_window()
        return "" if window.outcome == Outcome.UNKNOWN else window.describe()

    def prison_status_now(self):
        """ "in_prison", "maybe" or "out" today, from the stored window: the rule of
        DefendantQuerySet.in_prison_on() and maybe_in_prison_on()."""
        return self.prison_status_on(timezone.localdate())

    def prison_status_on(self, day):
        from cases.release import status_from_bounds

        if self.prison_status not in (self.PrisonStatus.SERVING, self.PrisonStatus.RELEASED):
            return "out"
        return status_from_bounds(
            self.prison_started_from,
            self.prison_started_by,
            self.release_earliest,
            self.release_latest,
            day,
        )

    def refresh_release_bounds(self, today=None):
        """Store the release window's bounds (see cases/release.py), in one UPDATE."""
        from cases.release import release_window, stored_bounds

        # Read afresh: the case or the parts may have changed since they were fetched.
        verdict_date = (
            Case.objects.filter(pk=self.case_id).values_list("verdict_date", flat=True).first()
        )
        parts = list(SentencePart.objects.filter(defendant_id=self.pk))
        if today is None and self.prison_status == self.PrisonStatus.RELEASED:
            # A release recorded without a date happened at the latest when it was first
            # recorded: a later save keeps that day rather than moving it.
            today = self.release_latest
        bounds = stored_bounds(release_window(self, parts, verdict_date, today))
        for name, value in bounds.items():
            setattr(self, name, value)
        Defendant.objects.filter(pk=self.pk).update(**bounds)

    def sentence_summary(self):
        """Every sentence part in one line: "5 years in prison"; "" when none is recorded."""
        return "; ".join(part.describe() for part in self.sentence_parts.all())

    def penalty_line(self):
        """The sentence parts in one line, conditions last: "restricted freedom, 1 to 2 years;
        100 hours of compulsory labour a year; may not leave Almaty"; "" when none is recorded."""
        parts = list(self.sentence_parts.all())
        penalties = [part.describe_penalty() for part in parts]
        conditions = [part.conditions for part in parts if part.conditions]
        return "; ".join(penalties + list(dict.fromkeys(conditions)))

    def sentence_line(self):
        """The sentence as readers say it, or the verdict when no sentence is recorded:
        "5 years in prison", "convicted, sentence not reported (in absentia)", "acquitted"."""
        line = self.penalty_line()
        if not line:
            if self.verdict == self.Verdict.CONVICTED:
                line = gettext("convicted, sentence not reported")
            elif self.verdict == self.Verdict.UNKNOWN:
                line = gettext("verdict not reported")
            else:
                line = self.get_verdict_display().lower()
        if self.in_absentia:
            line = gettext("%(sentence)s (in absentia)") % {"sentence": line}
        return line

    # A person page names this many of the other defendants of each case; the case page lists
    # them all.
    CO_DEFENDANTS_NAMED = 20

    def co_defendants(self):
        """The other public defendants of the case: how many there are, the first
        CO_DEFENDANTS_NAMED named ones in the case's order, and how many are unnamed."""
        others = [other for other in self.case.public_defendants if other.pk != self.pk]
        named = [other for other in others if other.person.is_named]
        status = Person.NameStatus
        return {
            "count": len(others),
            "named": named[: self.CO_DEFENDANTS_NAMED],
            "named_not_shown": max(0, len(named) - self.CO_DEFENDANTS_NAMED),
            "not_reported": sum(1 for o in others if o.person.name_status == status.NOT_REPORTED),
            "withheld": sum(1 for o in others if o.person.name_status == status.WITHHELD),
        }


class DefendantCharge(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending or not reported")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        DROPPED = "dropped", _("Dropped")

    defendant = models.ForeignKey(Defendant, verbose_name=_("defendant"), on_delete=models.CASCADE)
    charge = models.ForeignKey(
        Charge,
        verbose_name=pgettext_lazy("criminal charge", "charge"),
        on_delete=models.PROTECT,
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )

    class Meta:
        # Distinct from Charge's, so the admin index names each model once.
        verbose_name = _("charge of a defendant")
        verbose_name_plural = _("charges of defendants")
        constraints = [
            models.UniqueConstraint(
                fields=["defendant", "charge"],
                name="unique_charge_per_defendant",
                violation_error_message=_("This charge is already listed for the defendant."),
            )
        ]

    def __str__(self):
        return str(self.charge)


class SentencePartQuerySet(models.QuerySet):
    def of_kinds_and_term(self, kinds=(), min_months=None, max_months=None):
        """Parts of any of the kinds (any kind when none is given) whose term overlaps
        min_months..max_months; see DefendantQuerySet.sentenced_to() for unknown bounds."""
        parts = self
        if kinds:
            parts = parts.filter(kind__in=kinds)
        if min_months is not None or max_months is not None:
            parts = parts.exclude(term_min_months__isnull=True, term_max_months__isnull=True)
        if min_months is not None:
            parts = parts.filter(
                models.Q(term_max_months__isnull=True) | models.Q(term_max_months__gte=min_months)
            )
        if max_months is not None:
            parts = parts.filter(
                models.Q(term_min_months__isnull=True) | models.Q(term_min_months__lte=max_months)
            )
        return parts

    def count_per_kind(self, counted):
        """{kind: number of distinct `counted` values (e.g. "defendant__case")}, grouped."""
        rows = (
            self.order_by().values_list("kind").annotate(total=models.Count(counted, distinct=True))
        )
        return dict(rows)


class PrisonRegime(models.TextChoices):
    """The kinds of colony and prison in the criminal codes of the region (Kazakhstan, Russia,
    Belarus and their neighbours), named as English-language reports name them."""

    SETTLEMENT = "settlement", _("Colony-settlement")
    MINIMUM = "minimum", _("Minimum-security penal colony")
    GENERAL = "general", _("General-regime penal colony")
    MEDIUM = "medium", _("Medium-security penal colony")
    REINFORCED = "reinforced", _("Reinforced-regime penal colony")
    STRICT = "strict", _("Strict-regime penal colony")
    MAXIMUM = "maximum", _("Maximum-security penal colony")
    SPECIAL = "special", _("Special-regime penal colony")
    PRISON = "prison", _("Prison (cell-type)")
    JUVENILE = "juvenile", _("Juvenile correctional colony")
    OTHER = "other", _("Other")


class FineUnit(models.TextChoices):
    """What a fine is counted in: money (with fine_currency), or an indexed unit that courts
    of the region use instead of money."""

    CURRENCY = "", _("Currency (ISO code)")
    MRP = "mrp", _("MRP (Kazakhstan's monthly calculation index)")
    BASE_UNIT = "base_unit", _("Base units (Belarus)")


class SentencePart(models.Model):
    """One penalty of a sentence; a sentence of several penalties has several parts."""

    class Kind(models.TextChoices):
        PRISON = "prison", _("Prison")
        RESTRICTED_FREEDOM = "restricted_freedom", _("Restricted freedom")
        COMPULSORY_LABOUR = "compulsory_labour", _("Compulsory labour")
        FINE = "fine", _("Fine")
        SUSPENDED = "suspended", _("Suspended sentence")
        HOUSE_ARREST = "house_arrest", _("House arrest")
        PROBATION = "probation", _("Probation")
        OTHER = "other", _("Other")

    defendant = models.ForeignKey(
        Defendant,
        verbose_name=_("defendant"),
        on_delete=models.CASCADE,
        related_name="sentence_parts",
    )
    kind = models.CharField(
        pgettext_lazy("kind of penalty", "kind"), max_length=20, choices=Kind.choices
    )
    term_min_months = models.PositiveSmallIntegerField(
        _("term, shortest (months)"),
        null=True,
        blank=True,
        help_text=_("For an exact term, enter the same number in both boxes (5 years = 60)."),
    )
    term_max_months = models.PositiveSmallIntegerField(
        _("term, longest (months)"),
        null=True,
        blank=True,
        help_text=_("When the report gives a range (1 to 2 years), the longest term: 24."),
    )
    hours_per_year = models.PositiveSmallIntegerField(
        _("hours a year"), null=True, blank=True, help_text=_("For compulsory labour.")
    )
    fine_amount = models.DecimalField(
        # Translators: a fine as a penalty, a sum a court orders paid.
        _("fine amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    fine_currency = models.CharField(
        # Translators: the currency of a fine, a sum a court orders paid.
        _("fine currency"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code, e.g. KZT."),
    )
    fine_unit = models.CharField(
        _("fine counted in"),
        max_length=10,
        choices=FineUnit.choices,
        blank=True,
        help_text=_("A currency (then give its code), or MRP or base units (then no currency)."),
    )
    regime = models.CharField(
        _("prison regime"),
        max_length=12,
        choices=PrisonRegime.choices,
        blank=True,
        help_text=_("For prison terms: the kind of colony or prison, when reported."),
    )
    conditions = models.TextField(
        # Translators: the restrictions a sentence imposes, such as not leaving a city.
        _("conditions"),
        blank=True,
        help_text=_("Restrictions in plain words, e.g. may not leave the city."),
    )

    objects = SentencePartQuerySet.as_manager()

    class Meta:
        ordering = ["defendant", "pk"]
        verbose_name = pgettext_lazy("one penalty of a court's sentence", "sentence part")
        verbose_name_plural = pgettext_lazy("one penalty of a court's sentence", "sentence parts")
        indexes = [
            models.Index(
                fields=["kind", "term_min_months", "term_max_months"], name="sentence_kind_term_idx"
            ),
            models.Index(fields=["kind", "defendant"], name="sentence_kind_defendant_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_min_months__isnull=True)
                | models.Q(term_max_months__isnull=True)
                | models.Q(term_min_months__lte=models.F("term_max_months")),
                name="sentence_term_min_not_above_max",
                violation_error_message=_(
                    "The shortest term cannot be longer than the longest term."
                ),
            ),
        ]

    def __str__(self):
        return self.describe()

    def clean(self):
        if self.fine_unit and self.fine_currency:
            raise ValidationError(
                {"fine_currency": _("A fine in MRP or base units has no currency: clear it.")}
            )
        if self.fine_amount is not None and not self.fine_currency and not self.fine_unit:
            raise ValidationError({"fine_currency": _("Give the currency of the fine.")})

    def fine_unit_label(self):
        """What the amount is counted in, as a reader says it: "KZT", "MRP", "base units"."""
        return {
            FineUnit.MRP: "MRP",
            FineUnit.BASE_UNIT: _("base units"),
        }.get(self.fine_unit, self.fine_currency)

    def describe_penalty(self):
        """The penalty without its conditions: "restricted freedom, 1 to 2 years"."""
        text = self.describe()
        if self.conditions:
            text = text.removesuffix(f"; {self.conditions}")
        return text

    def summary_key(self):
        """Parts with the same key read the same in a sentence summary (cases/summaries.py)."""
        amount = (self.fine_amount, self.fine_currency, self.fine_unit)
        return (self.kind, self.term_min_months, self.term_max_months, self.hours_per_year, amount)

    def describe(self):
        """The part as a reader says it: "5 years in prison", "100 hours of compulsory labour
        a year"."""
        term = format_term(self.term_min_months, self.term_max_months)
        Kind = self.Kind
        if self.kind == Kind.PRISON:
            text = (
                gettext("%(term)s in prison") % {"term": term}
                if term
                else gettext("prison, term not reported")
            )
            if self.regime:
                text += f" ({self.get_regime_display().lower()})"
        elif self.kind == Kind.COMPULSORY_LABOUR and self.hours_per_year:
            text = ngettext(
                "%(count)d hour of compulsory labour a year",
                "%(count)d hours of compulsory labour a year",
                self.hours_per_year,
            ) % {"count": self.hours_per_year}
            if term:
                text = gettext("%(penalty)s for %(term)s") % {"penalty": text, "term": term}
        elif self.kind == Kind.FINE:
            if self.fine_amount is not None:
                text = gettext("fine of %(amount)s %(currency)s") % {
                    "amount": f"{self.fine_amount:,.0f}",
                    "currency": self.fine_unit_label(),
                }
            else:
                text = gettext("fine, amount not reported")
        else:
            label = self.get_kind_display().lower()
            text = (
                gettext("%(penalty)s, %(term)s") % {"penalty": label, "term": term}
                if term
                else label
            )
        if self.conditions:
            text += f"; {self.conditions}"
        return text


# Stored release windows (cases/release.py) follow every save of a defendant, its case and its
# sentence parts. Signals rather than save() overrides: a history restore saves rows raw.


@receiver(post_save, sender="cases.Defendant")
def refresh_defendant_release_bounds(instance, **kwargs):
    instance.refresh_release_bounds()


@receiver(post_save, sender="cases.Case")
def refresh_case_release_bounds(instance, **kwargs):
    for defendant in Defendant.objects.filter(case=instance):
        defendant.refresh_release_bounds()


@receiver([post_save, post_delete], sender="cases.SentencePart")
def refresh_part_release_bounds(instance, **kwargs):
    # Deleting a defendant deletes its parts: then there is nothing to refresh.
    defendant = Defendant.objects.filter(pk=instance.defendant_id).first()
    if defendant is not None:
        defendant.refresh_release_bounds()


class CaseEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(case__in=Case.objects.published())


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        ARREST = "arrest", _("Arrest")
        CHARGE = "charge", _("Charged")
        HEARING = "hearing", _("Hearing")
        VERDICT = "verdict", _("Verdict")
        APPEAL = "appeal", _("Appeal")
        RELEASE = "release", _("Release")
        STATEMENT = "statement", _("Statement")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        Case,
        verbose_name=pgettext_lazy("court case", "case"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(
        pgettext_lazy("kind of event in a court case", "kind"),
        max_length=10,
        choices=Kind.choices,
    )
    date = PartialDateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD. Empty if not reported."),
    )
    description = models.TextField(_("description"), blank=True)
    defendant = models.ForeignKey(
        Defendant,
        verbose_name=_("defendant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Only if the event concerns one defendant."),
    )
    organization = models.ForeignKey(
        "people.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_events",
        help_text=_("Who acted, if not the court: e.g. the group that issued a statement."),
    )
    source = models.ForeignKey(
        "newsroom.Source",
        verbose_name=pgettext_lazy("document that reports a fact", "source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").asc(nulls_last=True), "pk"]
        verbose_name = pgettext_lazy("event in a court case", "case event")
        verbose_name_plural = pgettext_lazy("event in a court case", "case events")

    def __str__(self):
        when = self.date.display() if self.date else gettext("date not reported")
        return f"{self.get_kind_display()}, {when}"

    @cached_property
    def public_organization(self):
        """Who acted, when public (CaseQuerySet.with_details() prefetches it)."""
        return Organization.objects.public().filter(pk=self.organization_id).first()


# The data-independent prefetch querysets of the case lines and pages (newsroom/prefetch.py).


@built_once
def case_defendants(preview, charges, sentences=True):
    """A case's public defendants with their people, and their sentence parts and charges if
    asked; for a preview, those that will be public once the case is published."""
    defendants = (
        Defendant.objects.public_once_case_published(joined=True)
        if preview
        else Defendant.objects.public(joined=True)
    )
    related = [defendant_sentence_parts()] if sentences else []
    if charges:
        related.append("charges")
    defendants = defendants.select_related("person").prefetch_related(*related)
    if not (sentences or charges):
        # Who they are is all that is read of them (a person page's co-defendants): the fields
        # of a name and its link, a third of the time a row took in a trial of hundreds.
        defendants = defendants.only(
            "case_id", "person__name_status", "person__name", "person__slug", "person__is_public"
        )
    return defendants


def defendant_sentence_parts():
    """Prefetch a defendant's sentence parts in their order (SentencePart.Meta.ordering within
    one defendant), without the joins that ordering takes to sort parts of several."""
    return Prefetch("sentence_parts", queryset=sentence_parts_by_key())


@built_once
def sentence_parts_by_key():
    return SentencePart.objects.order_by("pk")


@built_once
def public_events():
    return CaseEvent.objects.public()
