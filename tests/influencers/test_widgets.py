"""The Python-rendered choice widgets produce exactly the HTML of Django's widget templates."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from influencers.filters import InfluencerFilter
from influencers.widgets import FastCheckboxSelectMultiple, FastSelect, FastSelectMultiple

HOSTILE = "<script>alert(\"x\")</script> & 'quoted' Ünïcödé"
CHOICES = [
    ("", "---------"),
    ("nl", gettext_lazy("Netherlands")),
    ("a&b", HOSTILE),
    (3, "three"),
    ("safe", mark_safe("<b>bold</b>")),
]
GROUPED = [("", "none"), ("Europe", [("nl", "Netherlands"), ("be", "Belgium")]), (HOSTILE, [("x", "y")])]

PAIRS = [
    (forms.Select, FastSelect),
    (forms.SelectMultiple, FastSelectMultiple),
    (forms.CheckboxSelectMultiple, FastCheckboxSelectMultiple),
]


@pytest.mark.parametrize(("stock", "fast"), PAIRS)
@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []])
@pytest.mark.parametrize("value", [None, "nl", ["nl", "a&b", "3"], HOSTILE])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_field", "class": "a<b", "required": True, "disabled": False, "size": 6, "data-x": HOSTILE}],
)
def test_fast_widgets_render_like_the_templates(stock, fast, choices, value, attrs) -> None:
    expected = stock(choices=choices).render("field", value, attrs=attrs)
    actual = fast(choices=choices).render("field", value, attrs=attrs)
    assert actual == expected
    assert "<script>" not in actual


@pytest.mark.django_db
def test_the_discovery_filter_form_renders_like_the_templates(rf) -> None:
    # Every field of the real form, with values selected, against the stock widget of the same class.
    request = rf.get("/influencers/", {"country": "NL", "niches": ["food"], "audience_country": ["NL", "BE"]})
    request.user = None
    form = InfluencerFilter(request.GET, request=request).form
    fast_fields = 0
    for name, field in form.fields.items():
        widget = field.widget
        stock = {FastSelect: forms.Select, FastSelectMultiple: forms.SelectMultiple}.get(type(widget))
        stock = stock or {FastCheckboxSelectMultiple: forms.CheckboxSelectMultiple}.get(type(widget))
        if stock is None:
            continue
        fast_fields += 1
        bound = form[name]
        reference = stock(attrs=widget.attrs, choices=widget.choices)
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        assert widget.render(bound.html_name, bound.value(), attrs) == reference.render(
            bound.html_name, bound.value(), attrs
        ), name
    assert fast_fields >= 8
