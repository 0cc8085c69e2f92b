import secrets

from django.utils.text import slugify


def unique_slug(model, text, *, exclude_pk=None, max_length=80):
    """slugify(text), made unique in the model's table with a numeric suffix when taken."""
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    taken = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug = f"{base[: max_length - len(str(suffix)) - 1]}-{suffix}"
        suffix += 1
    return slug


def neutral_slug(prefix):
    """A slug that reveals nothing about the row it names."""
    return f"{prefix}-{secrets.token_hex(5)}"
