"""OpenAPI query parameters generated from a django-filter FilterSet, and the API's strictness about them.

The FilterSet stays the one place that filters (pages and API share it). Its form is lenient the way
an HTML form must be — an empty field means "any", a checkbox takes any value — while an API
contract must say exactly what it takes. So the API refuses empty values and anything but true/false
for booleans before the FilterSet runs, and documents every parameter with the bounds the filter's
form field enforces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import django_filters
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

# Query text may hold any character but NUL, which no database column can store.
NO_NUL = "^[^\\u0000]*$"


def _bounds(filter_: django_filters.Filter) -> dict:
    schema: dict = {}
    if filter_.extra.get("min_value") is not None:
        schema["minimum"] = filter_.extra["min_value"]
    if filter_.extra.get("max_value") is not None:
        schema["maximum"] = filter_.extra["max_value"]
    return schema


def filter_schema(filter_: django_filters.Filter, choices: Iterable[str] | None = None) -> dict:
    """The JSON schema of one filter's query value (arrays are repeated parameters)."""
    if isinstance(filter_, django_filters.MultipleChoiceFilter):
        values = list(choices if choices is not None else (value for value, _label in filter_.extra["choices"]))
        return {"type": "array", "items": {"type": "string", "enum": values}}
    if isinstance(filter_, django_filters.ChoiceFilter):
        values = list(choices if choices is not None else (value for value, _label in filter_.extra["choices"]))
        return {"type": "string", "enum": values}
    if isinstance(filter_, django_filters.BooleanFilter):
        return {"type": "boolean"}
    if isinstance(filter_, django_filters.NumberFilter):
        # Django's DecimalField and FloatField subclass IntegerField: only a plain integer field is "integer".
        field_class = filter_.field_class
        whole = issubclass(field_class, forms.IntegerField) and not issubclass(
            field_class, forms.DecimalField | forms.FloatField
        )
        return {"type": "integer" if whole else "number", **_bounds(filter_)}
    schema = {"type": "string", "minLength": 1, "pattern": NO_NUL}
    if filter_.extra.get("max_length") is not None:
        schema["maxLength"] = filter_.extra["max_length"]
    return schema


def filterset_parameters(
    filterset_class: type[django_filters.FilterSet],
    *,
    dynamic_choices: dict[str, Callable[[], list[str]]] | None = None,
) -> Callable[[], list[OpenApiParameter]]:
    """The parameters as a callable, evaluated when the schema is generated (FilterSetSchema), so
    choices that live in the database (niches) are current and nothing queries at import time."""

    def parameters() -> list[OpenApiParameter]:
        result = []
        for name, filter_ in filterset_class.base_filters.items():
            choices = dynamic_choices[name]() if dynamic_choices and name in dynamic_choices else None
            schema = filter_schema(filter_, choices)
            result.append(
                OpenApiParameter(
                    name,
                    schema,
                    description=" ".join(str(part) for part in (filter_.label, filter_.extra.get("help_text")) if part),
                    explode=True if schema["type"] == "array" else None,
                )
            )
        return result

    return parameters


def query_strictness_check(request: Request, filterset_class: type[django_filters.FilterSet]) -> None:
    """400 for an empty value or a boolean that is not true/false (the FilterSet would guess)."""
    errors: dict[str, list[str]] = {}
    for name in request.query_params:
        values = request.query_params.getlist(name)
        if any(value == "" for value in values):
            errors[name] = [_("Give a value, or leave the parameter out.")]
            continue
        filter_ = filterset_class.base_filters.get(name)
        if isinstance(filter_, django_filters.BooleanFilter) and any(v not in ("true", "false") for v in values):
            errors[name] = [_("Use true or false.")]
    if errors:
        raise ValidationError(errors)


class FilterSetSchema(AutoSchema):
    """Adds the view's `filter_parameters()` to its documented query parameters."""

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        factory = getattr(self.view, "filter_parameters", None)
        return parameters + (factory() if factory is not None else [])
