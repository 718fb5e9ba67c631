"""Template filters for the registry pages."""

from urllib.parse import urlsplit

from django import template
from django.urls import translate_url

register = template.Library()


@register.filter
def host(url: str) -> str:
    """The site a URL points at ('www.example.org'), to name a source briefly."""
    return urlsplit(url or "").netloc or url


@register.simple_tag(takes_context=True)
def this_page_in(context, language: str) -> str:
    """The address of the current page in `language`, query string included.

    Django's set_language cannot map a prefixed address (/it/…) back to the unprefixed
    default language, so each language's form carries its own, already translated, address.
    """
    request = context["request"]
    return translate_url(request.get_full_path(), language)
