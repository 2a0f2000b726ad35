"""Form widgets shared by the apps."""

import html

from django import forms
from django.core.cache import cache
from django.forms.models import ModelChoiceIterator
from django.utils import translation
from django.utils.safestring import mark_safe

from cafe import generations


def _escape(value) -> str:
    """What the template's autoescaping writes (Django's conditional_escape), with the
    standard library's html.escape: this runs once per option."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """HTML attributes as Django's widgets/attrs.html writes them (in order)."""
    return "".join(
        f" {_escape(name)}" + ("" if value is True else f'="{html.escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class ListSelect(forms.Select):
    """A single <select> of flat choices (no optgroups) rendered in one pass in Python
    instead of one template include per option: the same HTML as ``forms.Select``, but
    a filter's choices (the sessions of three months, the fifty dependencies) would
    otherwise cost about 0.1 ms per option to render on every list page."""

    def render(self, name, value, attrs=None, renderer=None):
        wanted = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in wanted
            chosen = chosen or selected
            options.append(
                f'\n  <option value="{html.escape(option_value)}"'
                f"{' selected' if selected else ''}>{_escape(label)}</option>\n"
            )
        markup = (
            f'<select name="{_escape(name)}"'
            f"{_attributes(self.build_attrs(self.attrs, attrs))}>"
            f"{''.join(options)}\n</select>"
        )
        return mark_safe(markup)  # noqa: S308 - every name, value and label escaped


# --- Choices of reference tables, from the cache --------------------------------------
#
# The filters of the list pages offer the dependencies, the topics and the recent
# sessions: a query and a model instance per option on every page, for tables that
# change a few times a month. ``CachedModelChoiceField`` keeps its (pk, label) pairs
# in the cache under the model's generation (cafe.generations), which any save or
# delete of the model bumps. Validation still reads the database: an option shown
# from a cache that a deleted row has not yet left is refused with the usual message.

CHOICES_TIMEOUT = 5 * 60


def _generation_name(model) -> str:
    return f"choices:{model._meta.label_lower}"


def watch_choices(*models) -> None:
    """Called in ``AppConfig.ready`` for every model whose options are cached, so a
    save in any process (a worker, a management command) is seen."""
    for model in models:
        generations.watch(_generation_name(model), model)


def cached_pairs(model, name: str, compute) -> list:
    """``compute()``'s (value, label) pairs, kept in the cache under ``name`` until a
    save or delete of ``model`` (or ``CHOICES_TIMEOUT``); ``model`` must be watched
    (``watch_choices``)."""
    generation_name = _generation_name(model)
    key = ":".join(
        (
            generation_name,
            name,
            str(generations.generation(generation_name)),
            translation.get_language() or "",
        )
    )
    pairs = cache.get(key)
    if pairs is None:
        pairs = list(compute())
        cache.set(key, pairs, CHOICES_TIMEOUT)
    return pairs


class CachedChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.label_from_instance
        yield from cached_pairs(
            self.queryset.model,
            self.field.cache_name,
            lambda: [(obj.pk, str(label(obj))) for obj in self.queryset],
        )

    def __len__(self):
        return len(list(iter(self)))


class CachedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose options come from the cache; ``cache_name`` names
    its queryset (two fields of one model with different querysets need two names)."""

    iterator = CachedChoiceIterator
    widget = ListSelect

    def __init__(self, queryset, *, cache_name: str, **kwargs):
        self.cache_name = cache_name
        super().__init__(queryset, **kwargs)
