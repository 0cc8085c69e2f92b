"""Canonical links, Open Graph tags and schema.org JSON-LD for the public pages.

In a page template:

    {% load structured_data %}
    {% block meta %}{% sharing_meta article %}{% endblock %}         (a story, person, organization
                                                                      or case page)
    {% block meta %}{% page_meta "Cases" "Trials we follow." %}{% endblock %}   (a list page)

Everything here reads only what readers may see: the public QuerySet methods decide which
related records appear, a person appears by `public_name` only, and a person whose name is withheld
or not reported gets no Person JSON-LD at all (their page still gets a canonical link).
"""

import json

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from cases.models import Case
from newsroom.images import responsive_image
from newsroom.models import Article
from newsroom.share_images import HEIGHT as SHARE_IMAGE_HEIGHT
from newsroom.share_images import WIDTH as SHARE_IMAGE_WIDTH
from newsroom.share_images import share_image_url
from people.models import Organization, Person

register = template.Library()

# The escapes of django.utils.html.json_script: "</script>" or "<!--" in a name or a summary
# cannot end the script element early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

DESCRIPTION_WORDS = 50

ORGANIZATION_TYPES = {
    Organization.Kind.PARTY: "PoliticalParty",
    Organization.Kind.NGO: "NGO",
    Organization.Kind.MEDIA: "NewsMediaOrganization",
    Organization.Kind.COURT: "GovernmentOrganization",
    Organization.Kind.GOVERNMENT: "GovernmentOrganization",
    Organization.Kind.COMPANY: "Corporation",
}


def absolute_url(request, location):
    return request.build_absolute_uri(location)


def short_description(text):
    return Truncator(" ".join((text or "").split())).words(DESCRIPTION_WORDS)


def without_empty(data):
    """Drop keys whose value is empty, so the JSON-LD states only what is known."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def json_ld_script(data):
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def unique_names(names, exclude):
    seen = {exclude}
    result = []
    for name in names:
        if name and name not in seen:
            seen.add(name)
            result.append(name)
    return result


# What each kind of page says about itself: Open Graph fields and its JSON-LD (or None).


def organization_reference(request, organization):
    return {
        "@type": ORGANIZATION_TYPES.get(organization.kind, "Organization"),
        "name": organization.name,
        "url": absolute_url(request, organization.get_absolute_url()),
    }


def publisher(request):
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute_url(request, reverse("newsroom:home")),
    }


def article_picture(request, article):
    """What a shared link to the story shows: the largest rendition of its lead image, or, when
    it has none (or its file cannot be read), its share image of the headline and site name."""
    picture = responsive_image(article.lead_image)
    if picture:
        return {
            "image": absolute_url(request, picture["src"]),
            "image_width": picture["width"],
            "image_height": picture["height"],
            "image_alt": article.lead_image_alt,
        }
    return {
        "image": absolute_url(request, share_image_url(article)),
        "image_width": SHARE_IMAGE_WIDTH,
        "image_height": SHARE_IMAGE_HEIGHT,
        "image_alt": article.headline,
    }


def article_image(request, article):
    return article_picture(request, article)["image"]


def article_sharing(request, article):
    return {
        "title": article.headline,
        "type": "article",
        "description": short_description(article.standfirst),
        **article_picture(request, article),
    }


def article_json_ld(request, article):
    url = absolute_url(request, article.get_absolute_url())
    # What the story page shows (prefetched by ArticleQuerySet.with_references(), else read
    # by Article's properties of the same names), without reading it again.
    cases = article.published_cases
    organizations = article.public_organizations
    # Named people only: a withheld or unreported name has nothing to say here.
    people = [person for person in article.public_people if person.is_named]
    return without_empty(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.headline,
            "description": article.standfirst,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": article.publish_at.isoformat() if article.publish_at else None,
            "dateModified": article.modified_at.isoformat() if article.modified_at else None,
            "dateline": article.dateline,
            "inLanguage": settings.LANGUAGE_CODE,
            "author": [{"@type": "Person", "name": article.byline}]
            if article.byline
            else publisher(request),
            "publisher": publisher(request),
            "image": article_image(request, article),
            "about": [
                *(organization_reference(request, org) for org in organizations),
                *(
                    {
                        "@type": "Thing",
                        "name": case.title,
                        "url": absolute_url(request, case.get_absolute_url()),
                    }
                    for case in cases
                ),
            ],
            "mentions": [
                {
                    "@type": "Person",
                    "name": person.public_name,
                    "url": absolute_url(request, person.get_absolute_url()),
                }
                for person in people
            ],
            "correction": [
                {
                    "@type": "CorrectionComment",
                    "text": correction.text,
                    "datePublished": correction.published_at.isoformat(),
                }
                for correction in article.corrections.all()
            ],
        }
    )


def person_sharing(request, person):
    if not person.is_named:
        return {"title": person.public_name.capitalize(), "type": "profile"}
    return {
        "title": person.public_name,
        "type": "profile",
        "description": short_description(person.summary),
        "image": absolute_url(request, person.photo.url) if person.photo else None,
    }


def person_json_ld(request, person):
    if not person.is_named:
        return None
    # As the page shows them (PersonQuerySet.with_details() prefetched them).
    memberships = person.public_memberships
    alternate_names = [person.native_name, *(n.name for n in person.alternate_names.all())]
    organizations = {m.organization.pk: m.organization for m in memberships}
    return without_empty(
        {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": person.public_name,
            "alternateName": unique_names(alternate_names, exclude=person.public_name),
            "url": absolute_url(request, person.get_absolute_url()),
            "description": person.summary,
            "image": absolute_url(request, person.photo.url) if person.photo else None,
            "birthDate": person.birth_date.isoformat() if person.birth_date else None,
            "nationality": {"@type": "Country", "name": person.country.name}
            if person.country
            else None,
            "memberOf": [organization_reference(request, org) for org in organizations.values()],
        }
    )


def organization_sharing(request, organization):
    return {
        "title": str(organization),
        "type": "website",
        "description": short_description(organization.summary),
    }


def organization_json_ld(request, organization):
    alternate_names = [
        organization.short_name,
        organization.native_name,
        *(n.name for n in organization.alternate_names.all()),
    ]
    return without_empty(
        {
            "@context": "https://schema.org",
            **organization_reference(request, organization),
            "alternateName": unique_names(alternate_names, exclude=organization.name),
            "description": organization.summary,
            "sameAs": organization.website,
        }
    )


def case_sharing(request, case):
    return {"title": case.title, "type": "website", "description": short_description(case.summary)}


def case_json_ld(request, case):
    # As the page shows them (CaseQuerySet.with_details() prefetched them).
    organizations = case.public_organizations
    return without_empty(
        {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": case.title,
            "description": case.summary,
            "url": absolute_url(request, case.get_absolute_url()),
            "about": [organization_reference(request, org) for org in organizations],
        }
    )


PAGES = {
    Article: (article_sharing, article_json_ld),
    Person: (person_sharing, person_json_ld),
    Organization: (organization_sharing, organization_json_ld),
    Case: (case_sharing, case_json_ld),
}


def page_functions(obj):
    for model, functions in PAGES.items():
        if isinstance(obj, model):
            return functions
    raise template.TemplateSyntaxError(f"No structured data for {type(obj).__name__}.")


# The tags.


def canonical_and_open_graph(request, url, sharing):
    tags = [
        ("og:site_name", settings.SITE_NAME),
        ("og:title", sharing.get("title")),
        ("og:type", sharing.get("type", "website")),
        ("og:url", url),
        ("og:description", sharing.get("description")),
        ("og:image", sharing.get("image")),
        ("og:image:width", sharing.get("image_width") if sharing.get("image") else None),
        ("og:image:height", sharing.get("image_height") if sharing.get("image") else None),
        ("og:image:alt", sharing.get("image_alt") if sharing.get("image") else None),
    ]
    # X (Twitter) reads og:title, og:description and og:image, but shows a large picture only
    # when asked to.
    twitter = [("twitter:card", "summary_large_image"), ("twitter:image", sharing.get("image"))]
    return format_html(
        '<link rel="canonical" href="{}">\n{}{}',
        url,
        format_html_join(
            "\n",
            '<meta property="{}" content="{}">',
            ((name, value) for name, value in tags if value),
        ),
        format_html_join("", '\n<meta name="{}" content="{}">', twitter)
        if sharing.get("image")
        else "",
    )


@register.simple_tag(takes_context=True)
def sharing_meta(context, obj):
    """Canonical link, Open Graph tags and JSON-LD for the page of one story, person,
    organization or case."""
    request = context["request"]
    sharing, json_ld = page_functions(obj)
    url = absolute_url(request, obj.get_absolute_url())
    html = canonical_and_open_graph(request, url, sharing(request, obj))
    data = json_ld(request, obj)
    if data is None:
        return html
    return format_html("{}\n{}", html, json_ld_script(data))


@register.simple_tag(takes_context=True)
def json_ld(context, obj):
    """Only the JSON-LD script of a story, person, organization or case ("" when none)."""
    request = context["request"]
    data = page_functions(obj)[1](request, obj)
    return json_ld_script(data) if data is not None else ""


@register.simple_tag(takes_context=True)
def page_meta(context, title, description=""):
    """Canonical link and Open Graph tags for a page that is not one record (a list, home)."""
    request = context["request"]
    url = absolute_url(request, request.path)
    sharing = {"title": title, "description": short_description(description)}
    return canonical_and_open_graph(request, url, sharing)
