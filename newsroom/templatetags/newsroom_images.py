from django import template

from newsroom.images import responsive_image

register = template.Library()


@register.simple_tag
def image_renditions(image):
    """`{% image_renditions image as picture %}`: src, srcset, width and height of an
    ImageField's renditions, or None when there is no readable image."""
    return responsive_image(image)
