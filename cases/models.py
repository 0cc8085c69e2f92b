from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

from newsroom.partial_dates import PartialDateField
from newsroom.slugs import unique_slug
from people.models import Person


def format_months(months):
    """12 -> "1 year", 60 -> "5 years", 18 -> "1 year 6 months", 6 -> "6 months"."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not years:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


def format_term(minimum, maximum):
    """A term in months as readers say it: "5 years", "1 to 2 years", "6 to 18 months"."""
    if minimum is None and maximum is None:
        return ""
    if minimum is None:
        return f"up to {format_months(maximum)}"
    if maximum is None or minimum == maximum:
        return (
            format_months(minimum) if maximum is not None else f"at least {format_months(minimum)}"
        )
    if minimum % 12 == 0 and maximum % 12 == 0:
        return f"{minimum // 12} to {format_months(maximum)}"
    if minimum < 12 or maximum % 12:
        return f"{minimum} to {maximum} months"
    return f"{format_months(minimum)} to {format_months(maximum)}"


class CaseQuerySet(models.QuerySet):
    def published(self):
        """Cases readers may see."""
        return self.filter(is_published=True)


class Case(models.Model):
    class Status(models.TextChoices):
        INVESTIGATION = "investigation", "Under investigation"
        TRIAL = "trial", "On trial"
        SENTENCED = "sentenced", "Sentenced"
        APPEAL = "appeal", "On appeal"
        CLOSED = "closed", "Closed"

    class HearingFormat(models.TextChoices):
        UNKNOWN = "unknown", "Not reported"
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online (defendants by video link)"
        MIXED = "mixed", "Partly online"
        CLOSED = "closed", "Closed to the public"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Web address. Filled in from the title."
    )
    court = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="court_cases",
        limit_choices_to={"kind": "court"},
        help_text="Leave empty when the reports do not name the court.",
    )
    city = models.CharField(max_length=100, blank=True)
    country = CountryField(db_index=True)
    status = models.CharField(max_length=15, choices=Status.choices, db_index=True)
    hearing_format = models.CharField(
        max_length=10, choices=HearingFormat.choices, default=HearingFormat.UNKNOWN
    )
    verdict_date = PartialDateField(
        null=True,
        blank=True,
        db_index=True,
        help_text="YYYY, YYYY-MM or YYYY-MM-DD. Leave empty when the date is not reported.",
    )
    summary = models.TextField(blank=True)
    organizations = models.ManyToManyField(
        "people.Organization",
        blank=True,
        related_name="cases",
        help_text="Organizations the case is about, e.g. the movement the defendants belong to.",
    )
    reported_defendant_count = models.PositiveIntegerField(
        "reported number of defendants",
        null=True,
        blank=True,
        help_text="How many defendants the reports give, named or not.",
    )
    sources = models.ManyToManyField("newsroom.Source", blank=True, related_name="cases")
    stories = models.ManyToManyField(
        "newsroom.Article",
        blank=True,
        related_name="cases",
        help_text="Our stories about this case.",
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        db_index=True,
        help_text="Shown on the public site. Leave unticked while the record is being checked.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-verdict_date", "title"]
        permissions = [("publish_case", "Can make cases public or not public")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Case, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:detail", kwargs={"slug": self.slug})


class Charge(models.Model):
    """An offence people are charged with: an article of a legal code, or a plain description."""

    country = CountryField(blank=True)
    legal_code = models.CharField(
        max_length=200, blank=True, help_text="E.g. Criminal Code. Empty if not reported."
    )
    article = models.CharField(
        max_length=50, blank=True, help_text="Article number, e.g. 405-2. Empty if not reported."
    )
    description = models.CharField(
        max_length=300, help_text="The offence in plain words, e.g. extremism-related charges."
    )

    class Meta:
        ordering = ["description"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "legal_code", "article", "description"], name="unique_charge"
            )
        ]

    def __str__(self):
        if self.article:
            code = f" of the {self.legal_code}" if self.legal_code else ""
            return f"{self.description} (article {self.article}{code})"
        return f"{self.description} (article not reported)"


class DefendantQuerySet(models.QuerySet):
    def public(self):
        """Defendants readers may see: a public person in a published case."""
        return self.filter(case__in=Case.objects.published(), person__in=Person.objects.public())


class Defendant(models.Model):
    class Verdict(models.TextChoices):
        PENDING = "pending", "No verdict yet"
        CONVICTED = "convicted", "Convicted"
        ACQUITTED = "acquitted", "Acquitted"
        DISMISSED = "dismissed", "Case dismissed"
        UNKNOWN = "unknown", "Not reported"

    class Plea(models.TextChoices):
        UNKNOWN = "unknown", "Not reported"
        REJECTS = "rejects", "Rejects the charges"
        ADMITS = "admits", "Admits the charges"
        PARTLY = "partly", "Admits some charges"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="defendants")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="defendants",
        help_text="Unnamed defendants are people too: add a person marked “name not reported”.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the list of defendants."
    )
    verdict = models.CharField(
        max_length=10, choices=Verdict.choices, default=Verdict.PENDING, db_index=True
    )
    in_absentia = models.BooleanField(
        "tried in absentia", default=False, help_text="Tried without being present, e.g. in exile."
    )
    plea = models.CharField(max_length=10, choices=Plea.choices, default=Plea.UNKNOWN)
    charges = models.ManyToManyField(Charge, through="DefendantCharge", related_name="defendants")
    release_date = PartialDateField(
        null=True, blank=True, help_text="When the person was released, if they were."
    )
    notes = models.TextField(blank=True, help_text="Public notes on this defendant.")
    source = models.ForeignKey(
        "newsroom.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = DefendantQuerySet.as_manager()

    class Meta:
        ordering = ["case", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person"],
                name="unique_defendant_per_case",
                violation_error_message="This person is already a defendant in this case.",
            )
        ]

    def __str__(self):
        return f"{self.person} in {self.case}"

    def get_absolute_url(self):
        return self.case.get_absolute_url()

    def sentence_summary(self):
        """Every sentence part in one line: "5 years in prison"; "" when none is recorded."""
        return "; ".join(part.describe() for part in self.sentence_parts.all())


class DefendantCharge(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending or not reported"
        CONVICTED = "convicted", "Convicted"
        ACQUITTED = "acquitted", "Acquitted"
        DROPPED = "dropped", "Dropped"

    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE)
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        verbose_name = "charge"
        constraints = [
            models.UniqueConstraint(
                fields=["defendant", "charge"],
                name="unique_charge_per_defendant",
                violation_error_message="This charge is already listed for the defendant.",
            )
        ]

    def __str__(self):
        return str(self.charge)


class SentencePart(models.Model):
    """One penalty of a sentence; a sentence of several penalties has several parts."""

    class Kind(models.TextChoices):
        PRISON = "prison", "Prison"
        RESTRICTED_FREEDOM = "restricted_freedom", "Restricted freedom"
        COMPULSORY_LABOUR = "compulsory_labour", "Compulsory labour"
        FINE = "fine", "Fine"
        SUSPENDED = "suspended", "Suspended sentence"
        HOUSE_ARREST = "house_arrest", "House arrest"
        PROBATION = "probation", "Probation"
        OTHER = "other", "Other"

    defendant = models.ForeignKey(
        Defendant, on_delete=models.CASCADE, related_name="sentence_parts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    term_min_months = models.PositiveSmallIntegerField(
        "term, shortest (months)",
        null=True,
        blank=True,
        help_text="For an exact term, enter the same number in both boxes (5 years = 60).",
    )
    term_max_months = models.PositiveSmallIntegerField(
        "term, longest (months)",
        null=True,
        blank=True,
        help_text="When the report gives a range (1 to 2 years), the longest term: 24.",
    )
    hours_per_year = models.PositiveSmallIntegerField(
        "hours a year", null=True, blank=True, help_text="For compulsory labour."
    )
    fine_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    fine_currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. KZT.")
    conditions = models.TextField(
        blank=True, help_text="Restrictions in plain words, e.g. may not leave the city."
    )

    class Meta:
        ordering = ["defendant", "pk"]
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
                violation_error_message=(
                    "The shortest term cannot be longer than the longest term."
                ),
            ),
        ]

    def __str__(self):
        return self.describe()

    def clean(self):
        if self.fine_amount is not None and not self.fine_currency:
            raise ValidationError({"fine_currency": "Give the currency of the fine."})

    def describe(self):
        """The part as a reader says it: "5 years in prison", "100 hours of compulsory labour
        a year"."""
        term = format_term(self.term_min_months, self.term_max_months)
        Kind = self.Kind
        if self.kind == Kind.PRISON:
            text = f"{term} in prison" if term else "prison, term not reported"
        elif self.kind == Kind.COMPULSORY_LABOUR and self.hours_per_year:
            text = f"{self.hours_per_year} hours of compulsory labour a year"
            if term:
                text += f" for {term}"
        elif self.kind == Kind.FINE:
            if self.fine_amount is not None:
                text = f"fine of {self.fine_amount:,.0f} {self.fine_currency}"
            else:
                text = "fine, amount not reported"
        else:
            label = self.get_kind_display().lower()
            text = f"{label}, {term}" if term else label
        if self.conditions:
            text += f"; {self.conditions}"
        return text


class CaseEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(case__in=Case.objects.published())


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        ARREST = "arrest", "Arrest"
        CHARGE = "charge", "Charged"
        HEARING = "hearing", "Hearing"
        VERDICT = "verdict", "Verdict"
        APPEAL = "appeal", "Appeal"
        RELEASE = "release", "Release"
        STATEMENT = "statement", "Statement"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = PartialDateField(
        null=True, blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD. Empty if not reported."
    )
    description = models.TextField(blank=True)
    defendant = models.ForeignKey(
        Defendant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        help_text="Only if the event concerns one defendant.",
    )
    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_events",
        help_text="Who acted, if not the court: e.g. the group that issued a statement.",
    )
    source = models.ForeignKey(
        "newsroom.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").asc(nulls_last=True), "pk"]

    def __str__(self):
        when = self.date.display() if self.date else "date not reported"
        return f"{self.get_kind_display()}, {when}"
