"""Select fields for long lists (every dependency of the entity, recent sessions).

For five hundred dependencies, Django's ``ModelChoiceField`` builds a model instance
per option and its ``<select>`` renders each option through two more templates: more
than the rest of the page costs. ``ListChoiceField`` reads (key, label) pairs in one
query and ``FlatSelect`` writes the options in one loop of one template, escaped by
the template engine as any other.
"""

from django import forms
from django.forms.models import ModelChoiceIterator


class FlatSelect(forms.Select):
    """A ``<select>`` without option groups or per-option attributes but
    ``selected``."""

    template_name = "forms/flat_select.html"


class _PairIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        shown = self.field.shown
        queryset = self.queryset if shown is None else shown
        yield from queryset.values_list("pk", self.field.label_field)


class ListChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose options are the ``label_field`` of each row (the
    model's ``__str__`` must be that field). Accepts any row of ``queryset``; offers
    those of ``shown`` when it is set."""

    iterator = _PairIterator
    widget = FlatSelect
    shown = None

    def __init__(self, *args, label_field: str = "name", **kwargs):
        self.label_field = label_field
        super().__init__(*args, **kwargs)
