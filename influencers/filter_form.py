"""Discovery's filter form class, built once per set of niche choices instead of once per request.

django-filter builds a FilterSet's form class on every instantiation (a field per filter, a new class),
and Django deep-copies every field of a form when it is instantiated, each choice field with its choices.
Discovery's filters have ~700 options (countries twice, languages, niches …): building and copying them
took 2.5 ms of CPU per page and per API call with validation, 1.7 ms now (docs/benchmarks.md). The class only
varies with the niche choices (read from the database, labelled in the visitor's language), so it is
cached under them; the other labels stay lazy and are translated when rendered, as before.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django import forms
from django_filters.filters import Filter, FilterMethod

# A handful of keys in practice: one per language while the niche table does not change.
MAX_CLASSES = 16

_classes: dict[Hashable, type[forms.Form]] = {}
_lock = threading.Lock()


class SharedChoicesFields(dict):
    """A form class's fields whose choices each form's deep copy shares instead of copying.

    Only the choices are shared (`memo` makes deepcopy return the same object); each form still gets its
    own fields and widgets. Nothing assigns to or changes a field's choices after the class is built.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        for field in self.values():
            choices = getattr(field, "_choices", None)
            if choices is not None:
                memo[id(choices)] = choices
        return {name: copy.deepcopy(field, memo) for name, field in self.items()}


class SharedChoices(tuple):
    """Declared choices that a FilterSet's per-request deep copy of its filters shares (they never change).

    Used for the long lists only (countries, languages), whose ~700 pairs were otherwise copied for every request.
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedChoices:
        return self


class PerInstanceFilters(dict):
    """A FilterSet's declared filters, which each FilterSet instance copies without deep-copying their options.

    django-filter deep-copies every declared filter for every FilterSet (each filter gets its own `parent`
    and `model`). Discovery's 25 filters hold lazy labels, help texts, widgets and choice lists, and that
    deep copy alone was ~1,000 `deepcopy` calls and ~1.3 ms of CPU per page and per API call. What an
    instance may change is the filter object's own attributes (`parent`, `model`, the lazily built `_field`)
    and its `extra` dict (discovery sets the niche choices there): each copy gets its own of those. The
    values inside `extra` are shared: nothing changes them, and a form field deep-copies its widget itself.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Filter]:
        return {name: _own_copy(filter_) for name, filter_ in self.items()}


def _own_copy(filter_: Filter) -> Filter:
    own = copy.copy(filter_)
    own.extra = dict(filter_.extra)
    own.__dict__.pop("_field", None)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        own.filter = FilterMethod(own)  # the method is looked up on the copy's parent, not the declared filter's
    return own


def cached_form_class(key: Hashable, build: Callable[[], type[forms.Form]]) -> type[forms.Form]:
    """The form class for `key`, built with `build()` the first time (its fields then share their choices)."""
    form_class = _classes.get(key)
    if form_class is None:
        form_class = build()
        form_class.base_fields = SharedChoicesFields(form_class.base_fields)
        with _lock:
            if len(_classes) >= MAX_CLASSES:  # niches changed often: start again rather than grow
                _classes.clear()
            _classes[key] = form_class
    return form_class
