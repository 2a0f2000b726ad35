"""Template helpers shared by every app."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from cafe.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render user-written Markdown safely (see cafe.markup)."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for filters, paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def fecha_larga(value):
    """'miércoles 3 de diciembre de 2026, 08:00' in Bogotá time (es-CO, lower case)."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    day = date_format(local, r"l j \d\e F \d\e Y").lower()
    return f"{day}, {local:%H:%M}"


@register.filter
def hora(value):
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local:%H:%M}"
