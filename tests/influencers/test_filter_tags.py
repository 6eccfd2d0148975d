"""{% filter_field %} renders exactly what influencers/_field.html renders, and the discovery page is unchanged.

The tag (influencers/templatetags/filter_tags.py) replaces 24 includes of `_field.html` on the discovery page
to save CPU; these tests compare its output with the template's, byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from influencers import views
from influencers.filters import SEARCH_MAX_LENGTH, InfluencerFilter
from influencers.taxonomy import AgeBand, Gender, WorkKind
from influencers.templatetags import filter_tags
from influencers.templatetags.filter_tags import filter_field
from influencers.widgets import FastCheckboxSelectMultiple, FastSelect, FastSelectMultiple
from tests.discovery_data import brand_member, creator
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & \'quoted\' "double" &amp; Ünïcödé'
DISCOVER = Path(settings.BASE_DIR) / "templates" / "influencers" / "discover.html"
TAG = re.compile(r"\{% filter_field form\.(\w+)((?: \w+=True)*) %\}")
OPTIONS = [{}, {"compact": True}, {"inline": True}, {"compact": True, "inline": True}]

VALID = {
    "q": "anna style",
    "sort": "followers",
    "niches": ["fashion", "food"],
    "platform": ["instagram", "tiktok"],
    "tier": ["micro"],
    "country": "NL",
    "city": "Utrecht",
    "language": "nl",
    "followers_min": "1000",
    "followers_max": "50000",
    "er_min": "1.5",
    "er_max": "9",
    "growth_min": "-2",
    "credibility_min": "50",
    "audience_country": ["NL", "BE"],
    "audience_country_min": "20",
    "audience_age": [AgeBand.A18_24],
    "audience_age_min": "10",
    "audience_gender": [Gender.FEMALE],
    "audience_gender_min": "30",
    "offer_kind": WorkKind.REVIEW,
    "max_price": "500",
    "currency": "USD",
    "no_collaboration": "on",
}
# Something wrong in every field that can be wrong; the invalid choices quote what was sent.
INVALID = {
    "q": HOSTILE * (SEARCH_MAX_LENGTH // len(HOSTILE) + 1),
    "sort": HOSTILE,
    "niches": [HOSTILE],
    "platform": ["myspace"],
    "tier": ["giga"],
    "country": HOSTILE,
    "city": "x" * (SEARCH_MAX_LENGTH + 1),
    "language": "klingon",
    "followers_min": HOSTILE,
    "followers_max": "-5",
    "er_min": "101",
    "er_max": "lots",
    "growth_min": "-101",
    "credibility_min": "1e999",
    "audience_country": ["ZZ", HOSTILE],
    "audience_country_min": "abc",
    "audience_age": ["0_12"],
    "audience_age_min": "-1",
    "audience_gender": ["robot"],
    "audience_gender_min": "200",
    "offer_kind": "concert",
    "max_price": "-1",
    "currency": "XYZ",
    "delivers_on_time_min": "89.5",  # a whole percent only
    "no_collaboration": HOSTILE,  # a checkbox: any value means "on", it cannot be invalid
}
HOSTILE_QUERY = {"q": HOSTILE, "city": HOSTILE, "niches": ["fashion", HOSTILE], "country": "NL"}


def discovery_form(data: dict | None) -> forms.Form:
    """The discovery page's form; None gives a truly unbound one (the FilterSet always binds its own)."""
    if data is None:
        return InfluencerFilter().get_form_class()()
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return InfluencerFilter(query).form


def with_template(field: forms.BoundField, **options: bool) -> str:
    return render_to_string("influencers/_field.html", {"field": field, **options})


def options_on_the_page() -> dict[str, dict[str, bool]]:
    """Each filter of discover.html and the options its tag passes."""
    return {
        name: {option.split("=")[0]: True for option in flags.split()}
        for name, flags in TAG.findall(DISCOVER.read_text())
    }


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail if the tag renders a field through _field.html: then comparing with the template proves nothing."""

    def fallback(*args, **kwargs):
        raise AssertionError("filter_field fell back to the template")

    monkeypatch.setattr(filter_tags, "render_to_string", fallback)


def test_the_page_uses_the_tag_for_every_field_of_the_discovery_form():
    on_page = options_on_the_page()
    assert set(on_page) == set(discovery_form({}).fields)
    assert on_page["niches"] == {"compact": True}
    assert on_page["no_collaboration"] == {"inline": True}
    assert "_field.html" not in DISCOVER.read_text()


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize(
    "data", [None, {}, VALID, INVALID, HOSTILE_QUERY], ids=["unbound", "empty", "valid", "invalid", "hostile"]
)
def test_every_discovery_filter_renders_like_the_template(language, data):
    with translation.override(language):
        form = discovery_form(data)
        if data is INVALID:
            form.add_error("no_collaboration", HOSTILE)
            assert set(form.errors) == set(form.fields), "every field shows an error"
        for name in form.fields:
            for options in OPTIONS:
                actual = filter_field(form[name], **options)
                assert actual == with_template(form[name], **options), (name, options)
                assert "<script>" not in actual
                assert 'for="id_' in actual or "<legend>" in actual, name


@pytest.mark.usefixtures("no_fallback")
def test_errors_help_texts_and_labels_show_what_django_adds():
    form = discovery_form({"q": "x" * (SEARCH_MAX_LENGTH + 1), "niches": [HOSTILE], "er_min": HOSTILE})
    search = filter_field(form["q"])
    assert 'aria-describedby="id_q_helptext id_q_error"' in search
    assert 'aria-invalid="true"' in search
    assert '<ul class="errorlist" id="id_q_error"><li>' in search
    assert '<label for="id_q">Search</label>' in search
    niches = filter_field(form["niches"], compact=True)
    assert '<fieldset class="field field-group has-error compact">' in niches
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in niches
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' in filter_field(form["er_min"])
    with translation.override("nl"):
        dutch = filter_field(form["q"])
    assert '<label for="id_q">Zoeken</label>' in dutch
    assert '<p class="helptext" id="id_q_helptext">Woorden in de handle, naam of bio.</p>' in dutch


class LabelsForm(forms.Form):
    """What the discovery form does not exercise: required fields, a label suffix, fieldsets with help."""

    required_css_class = "required"

    text = forms.CharField(label=HOSTILE, help_text=HOSTILE, max_length=5)
    question = forms.CharField(label="Really?", required=False)
    translated = forms.CharField(label=gettext_lazy("Search"), help_text=gettext_lazy("Search"), required=False)
    empty_label = forms.CharField(label="", required=False)
    spaced_label = forms.CharField(label=" Spaced out ", required=False)
    safe_label = forms.CharField(label=mark_safe("<b>Bold</b>"), label_suffix=" →", required=False)
    own_id = forms.IntegerField(widget=forms.NumberInput(attrs={"id": "custom-id", "aria-describedby": "x"}))
    ticked = forms.BooleanField(help_text="Tick it.")
    kinds = forms.MultipleChoiceField(
        choices=[("a", "A & B"), ("c", HOSTILE)], widget=FastCheckboxSelectMultiple, help_text=HOSTILE
    )
    pick = forms.ChoiceField(choices=[("", "—"), ("x", "X")], widget=FastSelect, label_suffix="")
    several = forms.MultipleChoiceField(choices=[("x", "X")], widget=FastSelectMultiple, required=False)


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("auto_id", ["id_%s", "custom_%s", False])
@pytest.mark.parametrize(
    "data",
    [None, {}, {"text": "<b>&", "own_id": "3", "ticked": "on", "kinds": ["a"], "pick": "x"}, {"text": HOSTILE}],
)
def test_required_labels_suffixes_ids_and_fieldset_help_render_like_the_template(language, auto_id, data):
    with translation.override(language):
        form = LabelsForm(data, auto_id=auto_id, prefix="p" if auto_id == "custom_%s" else None)
        for name in form.fields:
            for options in OPTIONS:
                assert filter_field(form[name], **options) == with_template(form[name], **options), (name, options)


class OtherWidgetsForm(forms.Form):
    class MarkedInput(forms.TextInput):
        def render(self, name, value, attrs=None, renderer=None) -> str:
            return mark_safe("<marked-input>")

    comment = forms.CharField(widget=forms.Textarea, help_text="Say it.")
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", HOSTILE)], widget=forms.RadioSelect)
    stock_select = forms.ChoiceField(choices=[("a", "A")])
    marked = forms.CharField(widget=MarkedInput)
    amount = forms.DecimalField(localize=True)
    remembered = forms.CharField(show_hidden_initial=True, initial="x")


@pytest.mark.parametrize("data", [None, {"choice": HOSTILE, "amount": "1.234,5", "marked": "x"}])
def test_fields_it_cannot_render_itself_go_through_the_template(data):
    with translation.override("nl"):
        form = OtherWidgetsForm(data)
        for name in form.fields:
            for options in OPTIONS:
                assert filter_field(form[name], **options) == with_template(form[name], **options), (name, options)
        assert "<marked-input>" in filter_field(form["marked"])


def test_a_missing_field_renders_like_the_include():
    django = engines["django"]
    context = {"form": discovery_form({})}
    tag = django.from_string("{% load filter_tags %}{% filter_field form.nonexistent %}").render(context)
    include = django.from_string('{% include "influencers/_field.html" with field=form.nonexistent %}')
    assert tag == include.render(context)


# --- the whole page ---------------------------------------------------------------------------


def with_includes(source: str) -> str:
    """discover.html as it was before the tag: one include of _field.html per filter."""
    source = source.replace(" filter_tags %}", " %}", 1)
    old, count = TAG.subn(r'{% include "influencers/_field.html" with field=form.\1\2 %}', source)
    assert count == len(options_on_the_page()) >= 24
    return old


# A CSRF token: 64 letters and digits, masked anew for every render (form fields and the htmx header).
CSRF_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


@pytest.fixture
def both_pages(monkeypatch) -> list[tuple[str, str]]:
    """The discovery view renders its context twice: with discover.html and with the include version."""
    include_version = engines["django"].from_string(with_includes(DISCOVER.read_text()))
    pages = []
    render = views.render

    def render_both(request, template_name, context):
        response = render(request, template_name, context)
        old = include_version.render(context, request)
        pages.append((CSRF_TOKEN.sub("csrf", response.content.decode()), CSRF_TOKEN.sub("csrf", old)))
        return response

    monkeypatch.setattr(views, "render", render_both)
    return pages


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("query", [{}, VALID, INVALID, HOSTILE_QUERY], ids=["empty", "valid", "invalid", "hostile"])
@pytest.mark.parametrize("user", ["brand", "staff"])
def test_the_discovery_page_is_byte_for_byte_what_the_includes_rendered(client, both_pages, language, query, user):
    creator("anna.style", niches=("fashion", "food"))
    creator("bram.eats", niches=("food",))
    member = brand_member()
    client.force_login(member.user if user == "brand" else StaffFactory())
    # LocaleMiddleware activates the language and leaves it active: override() restores the one before.
    with translation.override(language):
        response = client.get("/influencers/", query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    [(new, old)] = both_pages
    assert f'<html lang="{language}">' in new
    assert new.count('<div class="field') + new.count('<fieldset class="field') >= 23
    assert ('name="no_collaboration"' in new) == (user == "brand")
    assert new == old


# --- reusing a choice field's HTML ---------------------------------------------------------------


@pytest.mark.usefixtures("no_fallback")
def test_a_reused_choice_field_is_what_the_template_renders_for_that_value_and_language(monkeypatch):
    monkeypatch.setattr(filter_tags, "_rendered", {})
    rounds = [
        ("en", {"country": "NL", "audience_country": ["NL", "BE"]}),
        ("en", {"country": "BE", "audience_country": ["BE"]}),
        ("nl", {"country": "NL", "audience_country": ["NL", "BE"]}),
        ("en", {"country": "NL", "audience_country": ["NL", "BE"]}),
        ("en", {}),
        ("en", {"country": "ZZ", "audience_country": ["NL", "ZZ"]}),  # errors: rendered each time, never kept
    ]
    seen = set()
    for language, data in rounds:
        with translation.override(language):
            form = discovery_form(data)
            for name in ("country", "audience_country", "language", "sort"):
                html = filter_field(form[name], compact=name == "audience_country")
                assert html == with_template(form[name], compact=name == "audience_country"), (language, data, name)
                seen.add(html)
    assert len(seen) == 14, "each value and language has its own HTML"
    kept = filter_tags._rendered
    # Country and audience countries: 4 values and languages each; language and sort (unset): English and Dutch.
    assert len(kept) == 4 + 4 + 2 + 2
    assert not any("has-error" in html for html in kept.values())


def test_only_forms_that_allow_it_reuse_html_and_the_store_stays_bounded(monkeypatch):
    monkeypatch.setattr(filter_tags, "_rendered", {})
    monkeypatch.setattr(filter_tags, "MAX_RENDERED", 3)
    form = LabelsForm({"kinds": ["a"], "pick": "x"})
    filter_field(form["kinds"])
    filter_field(form["pick"])
    assert filter_tags._rendered == {}, "a form that does not say its fields are fixed is rendered each time"
    for country in ("NL", "BE", "DE", "FR"):
        filter_field(discovery_form({"country": country})["country"])
        assert len(filter_tags._rendered) <= 3
    assert len(filter_tags._rendered) == 1, "emptied when full, then the newest kept"
