from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from newsroom.fields import HttpsURLField
from newsroom.images import create_renditions, prepare_new_upload, validate_image_upload
from newsroom.partial_dates import PartialDateField
from newsroom.prefetch import built_once
from newsroom.record_urls import slug_url
from newsroom.rendering import render_body
from newsroom.slugs import unique_slug


def every_word_condition(words, fields):
    """The condition that each word appears (case-insensitive) in at least one of the
    fields."""
    condition = models.Q()
    for word in words:
        any_field = models.Q()
        for field in fields:
            any_field |= models.Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def containing_every_word(queryset, words, fields):
    """Rows in which each word appears (case-insensitive) in at least one of the fields."""
    return queryset.filter(every_word_condition(words, fields))


# PostgreSQL's full-text search of stories (English stemming), the headline weighing most.
STORY_SEARCH_CONFIG = "english"


def story_search_document():
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("headline", weight="A", config=STORY_SEARCH_CONFIG)
        + SearchVector("standfirst", weight="B", config=STORY_SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=STORY_SEARCH_CONFIG)
    )


# The column PostgreSQL keeps each story's story_search_document() in (newsroom migration 0009).
STORED_STORY_DOCUMENT_COLUMN = "search_document"


class StoredStoryDocument(models.Expression):
    """On PostgreSQL, each story's search document as stored when the story is written (a
    generated column, newsroom migration 0009), read instead of built from the text by every
    search that ranks stories: ranking 2,000 stories took 13 ms, reading theirs 1 ms. The
    column is not a model field: Django never writes it (PostgreSQL does), and forms, history
    and downloads never see it."""

    def resolve_expression(self, query=None, *args, **kwargs):
        from django.contrib.postgres.search import SearchVectorField
        from django.db.models.expressions import Col

        column = SearchVectorField()
        column.set_attributes_from_name(STORED_STORY_DOCUMENT_COLUMN)
        # A column of the query's story table, relabelled with it inside subqueries.
        return Col(query.get_initial_alias(), column, output_field=column)


def story_search_query(words):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(" ".join(words), config=STORY_SEARCH_CONFIG)


# How the admin log records that a story was submitted for review (newsroom/workflow.py writes
# it; the review queue reads from it who submitted each story, and when).
REVIEW_SUBMISSION_LOG = "Submitted for review."


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Stories readers may see: published, with a publish time that has passed."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def last_public_change(self):
        """When a story readers see last changed or went public (None when there is none)."""
        latest = self.published().aggregate(
            updated=models.Max("updated_at"), published=models.Max("publish_at")
        )
        return max((value for value in latest.values() if value is not None), default=None)

    def in_review(self):
        """Stories waiting for an editor, longest waiting first, each with `submitted_by` (a
        username) and `submitted_at`, from the admin log of its latest submission; a story put
        in review outside the admin has no submitter, and its last change as the time."""
        from django.contrib.admin.models import LogEntry

        submissions = LogEntry.objects.filter(
            content_type__app_label=Article._meta.app_label,
            content_type__model=Article._meta.model_name,
            object_id=Cast(models.OuterRef("pk"), models.CharField()),
            change_message__startswith=REVIEW_SUBMISSION_LOG,
        ).order_by("-action_time", "-pk")
        return (
            self.filter(status=Article.Status.REVIEW)
            .annotate(
                submitted_by=models.Subquery(submissions.values("user__username")[:1]),
                submitted_at=Coalesce(
                    models.Subquery(submissions.values("action_time")[:1]),
                    models.F("updated_at"),
                ),
            )
            .order_by("submitted_at", "pk")
        )

    def scheduled(self):
        """Stories an editor scheduled: they go public when their publish time passes."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()).order_by(
            "publish_at", "pk"
        )

    def with_references(self):
        """Prefetch what a story page shows about its people (`public_people`, each with
        organizations, cases and sentences), organizations and cases, each limited to what
        readers may see: a fixed number of queries however many there are."""
        return self.with_linked_records(story_people(), story_cases())

    def with_mention_links(self):
        """Prefetch what the body's links need (Article.mention_links()) and no more: the
        public people and published cases themselves, without what a story page shows about
        each (the feed's 50 stories: 500 records at full size instead of 10,000)."""
        from cases.models import Case
        from people.models import Person

        return self.with_linked_records(
            Person.objects.public().in_public_order(), Case.objects.published()
        )

    def with_linked_records(self, people, cases):
        """Prefetch each story's corrections and the records it links, each limited to what
        readers may see: its people (from `people`) as `public_people`, its public
        organizations as `public_organizations`, its cases (from `cases`) as
        `published_cases`, the names mention_links() reads."""
        from people.models import public_organizations  # people.models imports this app

        return self.prefetch_related(
            "corrections",
            models.Prefetch("people", queryset=people, to_attr="public_people"),
            models.Prefetch(
                "organizations", queryset=public_organizations(), to_attr="public_organizations"
            ),
            models.Prefetch("cases", queryset=cases, to_attr="published_cases"),
        )

    def matching(self, words):
        """Stories whose headline, standfirst or body contains every word (case-insensitive) in
        any form: each word is cut to its stem first, so "sentences" finds "sentenced"
        (newsroom/stemming.py)."""
        from newsroom.stemming import stem

        condition = every_word_condition(
            [stem(word) for word in words], ["headline", "standfirst", "body"]
        )
        if words and connections[self.db].vendor == "postgresql":
            # PostgreSQL's English stemmer as well ("activities" finds "activity").
            return self.alias(search_document=StoredStoryDocument()).filter(
                condition | models.Q(search_document=story_search_query(words))
            )
        return self.filter(condition)

    def best_match_first(self, words):
        """On PostgreSQL, the stories that match the words best first (SearchRank: a word in
        the headline counts most), then newest first; elsewhere newest first."""
        if not words or connections[self.db].vendor != "postgresql":
            return self
        from django.contrib.postgres.search import SearchRank

        # Every story's stored document is ranked as read (0.7 ms for 2,000 stories): a story
        # in which no word of the query is ranks 0, as one found only through a person named.
        rank = SearchRank(StoredStoryDocument(), story_search_query(words))
        return self.alias(search_rank=rank).order_by("-search_rank", *Article._meta.ordering, "pk")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        # Translators: the last part of a web address, made of a record's name.
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The last part of the story's web address. Filled in from the headline."),
    )
    standfirst = models.TextField(
        # Translators: the sentences under a story's headline that sum it up.
        _("standfirst"),
        blank=True,
        help_text=_("One or two sentences under the headline that sum up the story."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("The story, in Markdown: blank lines between paragraphs, ## for subheadings."),
    )
    dateline = models.CharField(
        # Translators: where a story is reported from, printed before it.
        _("dateline"),
        max_length=100,
        blank=True,
        help_text=_("Where the story is reported from, e.g. ALMATY."),
    )
    byline = models.CharField(
        # Translators: the line that names a story's author.
        _("byline"),
        max_length=200,
        blank=True,
        help_text=_("Who wrote the story, as readers should see it."),
    )
    lead_image = models.ImageField(
        _("lead image"),
        upload_to="stories/%Y/%m/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG or WebP, at most 10 MB. Location and camera data are removed."),
    )
    lead_image_alt = models.CharField(
        _("lead image description"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=300, blank=True)
    lead_image_credit = models.CharField(_("lead image credit"), max_length=200, blank=True)
    status = models.CharField(
        pgettext_lazy("editing stage of a story", "status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    publish_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the story goes public. A time in the future schedules it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        permissions = [("publish_article", "Can publish, schedule and unpublish stories")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            hidden = Article.objects.exclude(status=Article.Status.PUBLISHED)
            self.slug = unique_slug(
                Article,
                self.headline,
                exclude_pk=self.pk,
                hidden=hidden if self.status == self.Status.PUBLISHED else None,
            )
        new_image = prepare_new_upload(self.lead_image)
        super().save(*args, **kwargs)
        if new_image:
            create_renditions(self.lead_image)

    def get_absolute_url(self):
        return slug_url("newsroom:article_detail", self.slug)

    def clean(self):
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {
                    "lead_image_alt": _(
                        "Describe what the image shows, for readers who cannot see it."
                    )
                }
            )

    # Fallbacks for what ArticleQuerySet.with_references() prefetches under the same names.
    @cached_property
    def public_people(self):
        from people.models import Person

        return list(
            Person.objects.public().filter(stories=self).in_public_order().with_story_lines()
        )

    @cached_property
    def public_organizations(self):
        from people.models import Organization

        return list(Organization.objects.public().filter(stories=self))

    @cached_property
    def published_cases(self):
        from cases.models import Case

        return list(Case.objects.published().filter(stories=self).with_defendants(charges=False))

    @cached_property
    def body_html(self):
        """The body as sanitised HTML, each linked record's first mention a link to its page."""
        return render_body(self.body, links=self.mention_links())

    def mention_links(self):
        """(name, url) of every name by which the body may mention a record readers can see
        that the editors linked to this story: a named public person by name and native-script
        name (never a withheld or unreported one, who has no name to show), a public
        organization by name, short name and native-script name, a published case by title.
        Uses what with_references() or with_mention_links() prefetched."""
        links = []
        for person in self.public_people:
            if person.is_named:
                url = person.get_absolute_url()
                links += [(person.name, url), (person.native_name, url)]
        for organization in self.public_organizations:
            url = organization.get_absolute_url()
            names = [organization.name, organization.short_name, organization.native_name]
            links += [(name, url) for name in names]
        for case in self.published_cases:
            links.append((case.title, case.get_absolute_url()))
        return links

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def modified_at(self):
        """When the story last changed for readers: its last save or its newest correction,
        whichever is later. Uses prefetched corrections when there are any (no query)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if "corrections" in prefetched:
            correction_times = [c.published_at for c in prefetched["corrections"]]
        elif self.pk is None:
            correction_times = []
        else:
            correction_times = list(self.corrections.values_list("published_at", flat=True))
        times = [t for t in [self.updated_at, *correction_times] if t is not None]
        return max(times, default=None)


class Correction(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=pgettext_lazy("news story", "article"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    text = models.TextField(_("text"), help_text=_("What was wrong and what the story now says."))

    class Meta:
        ordering = ["published_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return gettext("Correction to %(story)s on %(date)s") % {
            "story": self.article,
            "date": f"{self.published_at:%Y-%m-%d}",
        }


class SourceQuerySet(models.QuerySet):
    def shown_publicly(self):
        """Sources readers can see: in the list of a published case, or the source of a public
        membership, designation, defendant or case event."""
        # Imported here because people.models and cases.models import this module's app.
        from cases.models import Case, CaseEvent, Defendant
        from people.models import Designation, Membership

        cited_by = [
            Case.objects.published().filter(sources=models.OuterRef("pk")),
            Membership.objects.public().filter(source=models.OuterRef("pk")),
            Designation.objects.public().filter(source=models.OuterRef("pk")),
            Defendant.objects.public().filter(source=models.OuterRef("pk")),
            CaseEvent.objects.public().filter(source=models.OuterRef("pk")),
        ]
        shown = models.Q()
        for rows in cited_by:
            shown |= models.Exists(rows)
        return self.filter(shown)


class Source(models.Model):
    """A story or document that reports a fact: a sentence, a membership, a designation."""

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = HttpsURLField(_("web address"), max_length=500, blank=True)
    published_on = PartialDateField(
        _("publication date"), null=True, blank=True, help_text=_("YYYY, YYYY-MM or YYYY-MM-DD.")
    )
    article = models.ForeignKey(
        Article,
        verbose_name=pgettext_lazy("news story", "article"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cited_as",
        help_text=_("One of our own stories, when the fact was reported here."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = pgettext_lazy("document that reports a fact", "source")
        verbose_name_plural = pgettext_lazy("document that reports a fact", "sources")

    def __str__(self):
        return f"{self.title} ({self.publisher})" if self.publisher else self.title

    @cached_property
    def published_article(self):
        """Our story behind this source, only when it is published (prefetched by pages)."""
        return Article.objects.published().filter(pk=self.article_id).first()


# The page served at /about/: the site's inclusion criteria and sources.
ABOUT_PAGE_SLUG = "about"


class PageQuerySet(models.QuerySet):
    def published(self):
        """Pages readers may see: those an editor published."""
        return self.filter(is_published=True)


class Page(models.Model):
    """A page of the site's own text that editors keep up to date in the admin, such as
    /about/ (who the site lists, and on whose word)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The page's web address: “about” is the page at /about/."),
    )
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("In Markdown: blank lines between paragraphs, ## for subheadings."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Shown on the public site. Only editors publish."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        permissions = [("publish_page", "Can publish and unpublish pages")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug == ABOUT_PAGE_SLUG:
            return reverse("newsroom:about")
        return slug_url("newsroom:page", self.slug)

    @cached_property
    def body_html(self):
        return render_body(self.body)


class ContentVersion(models.Model):
    """The page cache's content version (newsroom/page_cache.py) where the cache is each
    process's own memory: one row that every app process reads, so a change saved through one
    process makes the pages of all of them fresh. With a shared cache (Redis) it lives there."""

    # Translators: a token that changes whenever the site's pages do (never shown to readers).
    version = models.JSONField(_("version"))

    class Meta:
        # Written by the page cache only, never edited.
        default_permissions = ()
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return self.version.get("token", "")


# The data-independent prefetch querysets of the story page (newsroom/prefetch.py). Imports
# inside: people.models and cases.models import this module's app.


@built_once
def story_people():
    from people.models import Person

    return Person.objects.public().in_public_order().with_story_lines()


@built_once
def story_cases():
    from cases.models import Case

    return Case.objects.published().with_defendants(charges=False)
