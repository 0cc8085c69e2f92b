from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from newsroom.fields import HttpsURLField
from newsroom.partial_dates import PartialDateField
from newsroom.rendering import render_body
from newsroom.slugs import unique_slug


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Stories readers may see: published, with a publish time that has passed."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="The last part of the story's web address. Filled in from the headline.",
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline that sum up the story."
    )
    body = models.TextField(
        blank=True,
        help_text="The story, in Markdown: blank lines between paragraphs, ## for subheadings.",
    )
    dateline = models.CharField(
        max_length=100, blank=True, help_text="Where the story is reported from, e.g. ALMATY."
    )
    byline = models.CharField(
        max_length=200, blank=True, help_text="Who wrote the story, as readers should see it."
    )
    lead_image = models.ImageField(upload_to="stories/%Y/%m/", blank=True)
    lead_image_alt = models.CharField(
        "lead image description",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it.",
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        db_index=True,
        help_text="When the story goes public. A time in the future schedules it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        verbose_name = "story"
        verbose_name_plural = "stories"
        permissions = [("publish_article", "Can publish, schedule and unpublish stories")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsroom:article_detail", kwargs={"slug": self.slug})

    @cached_property
    def body_html(self):
        return render_body(self.body)

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )


class Correction(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    published_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(help_text="What was wrong and what the story now says.")

    class Meta:
        ordering = ["published_at"]

    def __str__(self):
        return f"Correction to {self.article} on {self.published_at:%Y-%m-%d}"


class Source(models.Model):
    """A story or document that reports a fact: a sentence, a membership, a designation."""

    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = HttpsURLField("web address", max_length=500, blank=True)
    published_on = PartialDateField(
        "publication date", null=True, blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD."
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cited_as",
        help_text="One of our own stories, when the fact was reported here.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.publisher})" if self.publisher else self.title
