"""Markdown that people write, rendered so that nothing they type can run script.

markdown-it-py with the ``js-default`` preset (raw HTML is escaped, dangerous link
schemes are not linked), then nh3 (ammonia) with a small allow-list as a second wall.
This is the only place where user text becomes HTML marked safe.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("js-default", {"breaks": True, "linkify": False})

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML. Headings 1 and 2 become 3 (pages own h1/h2)."""
    html = _md.render(text or "")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
