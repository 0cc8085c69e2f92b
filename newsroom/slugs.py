import re
import secrets

from django.utils.text import slugify

# Addresses under /cases/, /people/... that are pages of their own (the feed of a list's
# filters), so never a record's slug.
RESERVED_SLUGS = frozenset({"feed"})


def unique_slug(model, text, *, exclude_pk=None, max_length=80, hidden=None):
    """slugify(text), made unique in the model's table with a numeric suffix when taken.

    `hidden` (a queryset of the model's rows readers cannot see) is for a public record: hidden
    rows never push it to "-2", which would tell readers that a hidden namesake exists. The
    hidden row holding the address it takes moves to a neutral address instead (its own
    address was never public).
    """
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    taken = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    hidden_slugs = set()
    if hidden is not None:
        hidden_slugs = set(taken.filter(pk__in=hidden.values("pk")).values_list("slug", flat=True))
    taken = (set(taken.values_list("slug", flat=True)) - hidden_slugs) | RESERVED_SLUGS
    slug, suffix = base, 2
    while slug in taken:
        slug = f"{base[: max_length - len(str(suffix)) - 1]}-{suffix}"
        suffix += 1
    if slug in hidden_slugs:
        model._default_manager.filter(slug=slug).update(slug=neutral_slug(model._meta.model_name))
    return slug


def neutral_slug(prefix):
    """A slug that reveals nothing about the row it names."""
    return f"{prefix}-{secrets.token_hex(5)}"


def is_neutral_slug(slug, prefix):
    return bool(re.fullmatch(rf"{re.escape(prefix)}-[0-9a-f]{{10}}", slug or ""))


def slug_while_hidden_or_shown(instance, text, *, prefix, shown):
    """The slug of a record whose address must not betray it while readers cannot see it.

    While `shown`, an address made from `text` (numbered only among records that hold such an
    address), kept from then on so public links stay stable; while hidden, a neutral
    "prefix-…" one. A hidden record so never holds "ivan-petrov", and a public namesake never
    becomes "ivan-petrov-2" because of it. Whoever is made hidden gives the address up; made
    public again, they get it back unless a namesake took it meanwhile.
    """
    neutral = is_neutral_slug(instance.slug, prefix)
    if not shown:
        return instance.slug if neutral else neutral_slug(prefix)
    if not instance.slug or neutral:
        return unique_slug(type(instance), text, exclude_pk=instance.pk)
    return instance.slug
