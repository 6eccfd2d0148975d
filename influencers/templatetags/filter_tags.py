"""The filters of the discovery sidebar, rendered in Python.

{% load filter_tags %}
{% filter_field form.q %}                              -> {% include "influencers/_field.html" with field=form.q %}
{% filter_field form.niches compact=True %}            -> … with field=form.niches compact=True
{% filter_field form.no_collaboration inline=True %}   -> … with field=form.no_collaboration inline=True

The sidebar has 24 filters. Through `_field.html` each one renders four or five more templates (the include,
`label.html` with `attrs.html`, the error list even when empty, `input.html` with `attrs.html`): ~7 ms of CPU
per page for the 24. Here the label, help text, error list and <input> are string joins of escaped values:
~3 ms, a good part of it the option lists of the choice widgets (influencers/widgets.py).
The result is byte for byte what the template gives (tests/influencers/test_filter_tags.py compares every
filter of the discovery form, in English and Dutch, with and without errors), so `_field.html` stays the
one definition of the layout; a field this module does not know how to render exactly (another widget, a
custom BoundField, error list or form renderer, a localized field) is rendered through `_field.html`.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from influencers.widgets import FastCheckboxSelectMultiple, FastSelect, FastSelectMultiple, flat_attrs

register = template.Library()

FIELD_TEMPLATE = "influencers/_field.html"
LABEL_TEMPLATE = "django/forms/label.html"
# Widgets that already render in Python (influencers/widgets.py).
PYTHON_WIDGETS = (FastSelect, FastSelectMultiple, FastCheckboxSelectMultiple)
# Widgets whose template is django/forms/widgets/input.html (text.html etc. only include it).
INPUT_WIDGETS = (forms.TextInput, forms.NumberInput, forms.CheckboxInput)
# Rendered choice fields of forms that allow it (`renders_the_same_for_the_same_value`), by everything the
# HTML depends on: at most 256 (the audience countries are ~40 KB), emptied when full rather than grown.
MAX_RENDERED = 256
_rendered: dict[Hashable, str] = {}
_rendered_lock = threading.Lock()


def _renders_like_django(bound: BoundField) -> bool:
    """Whether every template `_field.html` uses for this field is one this module reproduces.

    The default form renderer always uses Django's own form templates (its engine looks in
    django/forms/templates first), so only the classes and template names need checking.
    """
    if type(bound) is not BoundField:
        return False
    form, field, widget = bound.form, bound.field, bound.field.widget
    if type(widget) in INPUT_WIDGETS:
        known_widget = widget.template_name == type(widget).template_name
    else:
        known_widget = type(widget) in PYTHON_WIDGETS
    return (
        known_widget
        and type(form.renderer) is DjangoTemplates
        and form.template_name_label == LABEL_TEMPLATE
        and type(bound.errors) is ErrorList
        and bound.errors.template_name == ErrorList.template_name
        and not field.show_hidden_initial
        and not field.localize
        and not widget.is_localized
    )


def _widget(bound: BoundField) -> str:
    """str(bound): BoundField.as_widget(), with input.html and attrs.html done here for <input>s."""
    widget = bound.field.widget
    if type(widget) in PYTHON_WIDGETS:
        return bound.as_widget()
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    value = "" if context["value"] is None else f' value="{conditional_escape(context["value"])}"'
    return (
        f'<input type="{conditional_escape(context["type"])}" name="{conditional_escape(context["name"])}"'
        f"{value}{flat_attrs(context['attrs'])}>"
    )


def _label_tag(bound: BoundField) -> str:
    """BoundField.label_tag() through django/forms/label.html (whose output the form renderer strips)."""
    form, field = bound.form, bound.field
    contents = bound.label
    label_suffix = field.label_suffix if field.label_suffix is not None else form.label_suffix
    # Django's rule: no suffix after a label that ends in (translated) punctuation.
    if label_suffix and contents and contents[-1] not in gettext(":?.!"):
        contents = format_html("{}{}", contents, label_suffix)
    id_ = field.widget.attrs.get("id") or bound.auto_id
    if not id_:
        return str(conditional_escape(contents)).strip()
    attrs = {}
    if id_for_label := field.widget.id_for_label(id_):
        attrs["for"] = id_for_label
    if field.required and hasattr(form, "required_css_class"):
        attrs["class"] = form.required_css_class
    return f"<label{flat_attrs(attrs)}>{conditional_escape(contents)}</label>"


def _help_text(bound: BoundField) -> str:
    if not bound.help_text:
        return ""
    help_id = f"{conditional_escape(bound.auto_id)}_helptext"
    return f'<p class="helptext" id="{help_id}">{conditional_escape(bound.help_text)}</p>'


def _error_list(errors: ErrorList) -> str:
    """django/forms/errors/list/ul.html; every message escaped (invalid choices quote what the user sent)."""
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)  # set by Django, missing from django-stubs
    list_id = f' id="{conditional_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{conditional_escape(str(error))}</li>" for error in errors)  # its messages
    return f'<ul class="{conditional_escape(errors.error_class)}"{list_id}>{items}</ul>'


def _field(bound: BoundField, *, compact: bool, inline: bool) -> str:
    """influencers/_field.html, including the blank lines its {% comment %} and {% if %} lines leave."""
    errors = bound.errors
    has_error = " has-error" if errors else ""
    help_text, error_list = _help_text(bound), _error_list(errors)
    if bound.use_fieldset:
        return (
            f'\n\n<fieldset class="field field-group{has_error}{" compact" if compact else ""}">\n'
            f"  <legend>{conditional_escape(bound.label)}</legend>\n"
            f"  {help_text}\n"
            f'  <div class="choices">{_widget(bound)}</div>\n'
            f"  {error_list}\n"
            f"</fieldset>\n\n"
        )
    widget, label = _widget(bound), _label_tag(bound)
    return (
        f'\n\n<div class="field{has_error}{" field-inline" if inline else ""}">\n'
        f"  {f'{widget} {label}' if inline else f'{label} {widget}'}\n"
        f"  {help_text}\n"
        f"  {error_list}\n"
        f"</div>\n\n"
    )


def _value_key(value: object) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return None if value is None else str(value)


def _rendered_key(bound: BoundField, *, compact: bool, inline: bool) -> Hashable | None:
    """What a choice field's HTML depends on, when it may be reused: None when it may not.

    Only for forms that declare `renders_the_same_for_the_same_value` (discovery's: its fields and their
    choices belong to the form class, cached per niche choices in influencers/filter_form.py, and nothing
    changes them per instance) and for the choice widgets, whose ~700 options are what rendering costs
    (~4 ms of CPU per page, docs/benchmarks.md). A field with errors is rendered each time. The form class
    is part of the key (kept alive by it), and with it the choices; the language gives the lazy labels;
    the value is the user's validated choice.
    """
    form = bound.form
    reusable = getattr(form, "renders_the_same_for_the_same_value", False)
    if not reusable or type(bound.field.widget) not in PYTHON_WIDGETS or bound.errors:
        return None
    return (
        type(form),
        get_language(),
        bound.html_name,
        bound.auto_id,
        compact,
        inline,
        _value_key(bound.value()),
    )


@register.simple_tag
def filter_field(bound: BoundField, *, compact: bool = False, inline: bool = False) -> SafeString:
    """One filter as `_field.html` renders it: label or legend, widget, help text, errors."""
    if not _renders_like_django(bound):
        return render_to_string(FIELD_TEMPLATE, {"field": bound, "compact": compact, "inline": inline})
    key = _rendered_key(bound, compact=compact, inline=inline)
    html = _rendered.get(key) if key is not None else None
    if html is None:
        html = _field(bound, compact=compact, inline=inline)
        if key is not None:
            with _rendered_lock:
                if len(_rendered) >= MAX_RENDERED:
                    _rendered.clear()
                _rendered[key] = html
    return mark_safe(html)  # noqa: S308 - every value above is escaped
