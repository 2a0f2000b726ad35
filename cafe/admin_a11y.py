"""Accessible names for the admin's widgets that Django renders without a label."""

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms import MultiWidget
from django.utils.text import capfirst
from django.utils.translation import gettext as _


class LabelledWidgetsMixin:
    """For ModelAdmin and inlines: a date-and-time field is two inputs that its label
    does not name (Django labels neither since 4.0), and the cells of a tabular
    inline have a column header but no label. Each gets an ``aria-label``."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        widget = formfield.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        label = str(capfirst(formfield.label or db_field.verbose_name))
        if isinstance(widget, MultiWidget):
            parts = [_("fecha"), _("hora")] if len(widget.widgets) == 2 else []
            for index, sub in enumerate(widget.widgets):
                part = parts[index] if parts else str(index + 1)
                sub.attrs.setdefault("aria-label", f"{label}: {part}")
        elif isinstance(self, admin.TabularInline):
            widget.attrs.setdefault("aria-label", label)
        return formfield
