"""Choice widgets that render their options in Python, for forms with hundreds of options.

Django renders every <option> and checkbox through two or three included templates. The discovery
filters have ~700 options (countries twice, languages, niches …), which cost ~25 ms of CPU per page
(docs/benchmarks.md). These widgets produce the same HTML as Django's templates
(`django/forms/widgets/select.html`, `multiple_input.html` and the option templates they include —
tests/influencers/test_widgets.py compares them byte for byte), in one pass of string joins, with every
value escaped the way the templates escape it (conditional_escape).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _escape(value: Any) -> str:
    """conditional_escape, without its checks for the plain strings that nearly every value is."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


def flat_attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


if TYPE_CHECKING:  # the mixin goes on a Select (or SelectMultiple), whose get_context it calls
    from django.forms.renderers import BaseRenderer

    _SelectBase = forms.Select
else:
    _SelectBase = object


class FastSelectMixin(_SelectBase):
    """A <select> (single or multiple) rendered without the option templates."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{flat_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{_escape(option["value"])}"{flat_attrs(option["attrs"])}>'
                f"{_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes in <div>s, as django/forms/widgets/multiple_input.html lays them out."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        element_id, css_class = widget["attrs"].get("id"), widget["attrs"].get("class")
        parts = [
            "<div",
            f' id="{conditional_escape(element_id)}"' if element_id else "",
            f' class="{conditional_escape(css_class)}"' if css_class else "",
            ">",
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f"\n  <div><label>{conditional_escape(group_name)}</label>")
            parts.extend(f"<div>\n    {self._option(option)}</div>" for option in options)
            if group_name:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

    @staticmethod
    def _option(option: dict) -> str:
        """django/forms/widgets/input_option.html around input.html."""
        value = "" if option["value"] is None else f' value="{_escape(option["value"])}"'
        tag = (
            f'<input type="{_escape(option["type"])}" name="{_escape(option["name"])}"'
            f"{value}{flat_attrs(option['attrs'])}>\n"
        )
        if not option["wrap_label"]:
            return f"{tag}\n"
        option_id = option["attrs"].get("id")
        label_for = f' for="{_escape(option_id)}"' if option_id else ""
        return f"<label{label_for}>{tag} {_escape(option['label'])}</label>\n\n"
