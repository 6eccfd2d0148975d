"""Who is asking: one `Actor` per request, resolved once, used by pages, htmx partials, the API and services.

An actor is anonymous, a creator (their profile), a member of one brand (with a role), staff with the
Django permissions their groups grant, or a superuser; one login may be a creator and a brand member at
once. Each object kind answers "what may this actor see / manage" with QuerySet methods next to its
model (`Campaign.objects.visible_to(actor)`, `Collaboration.objects.managed_by(actor)`, …), so the rule
is spelled once.

This module lives in the lowest app so every app can use it; it reaches the brand only through the
reverse relation `user.brand_membership` (brands -> influencers, never back).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import connection, connections
from django.db.models import Field, Model

from .models import Influencer
from .taxonomy import ModerationStatus

if TYPE_CHECKING:  # type names only: influencers imports nothing from brands at run time
    from brands.models import Brand, BrandMember

# Moderation statuses that stop a party from taking part (see README, "Moderation policy").
STOPPED = frozenset({ModerationStatus.REJECTED, ModerationStatus.SUSPENDED})


@dataclass(frozen=True)
class Actor:
    user: User | AnonymousUser
    influencer: Influencer | None = None
    membership: BrandMember | None = None
    _perms: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    @property
    def is_superuser(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_superuser)

    @property
    def is_staff(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_staff)

    @property
    def brand(self) -> Brand | None:
        return self.membership.brand if self.membership is not None else None

    @property
    def brand_id(self) -> int | None:
        return self.membership.brand_id if self.membership is not None else None

    @property
    def influencer_id(self) -> int | None:
        return self.influencer.pk if self.influencer is not None else None

    @property
    def is_brand_owner(self) -> bool:
        return self.membership is not None and self.membership.role == "owner"

    def can(self, permission: str) -> bool:
        """A Django permission ("campaigns.view_collaboration"), as the admin checks it; only for active staff.

        Staff read other tenants' objects only through what their permissions grant, the same in pages,
        admin and API; a plain `is_staff` account without permissions sees no more than anyone else.
        """
        if not self.is_staff or not self.user.is_active:
            return False
        if permission not in self._perms:
            self._perms[permission] = self.user.has_perm(permission)
        return self._perms[permission]

    @property
    def brand_stopped(self) -> bool:
        brand = self.brand
        return brand is not None and brand.status in STOPPED


ANONYMOUS = Actor(user=AnonymousUser())


def actor_for(user: AbstractBaseUser | AnonymousUser | None) -> Actor:
    """The actor of a user: their creator profile, brand membership and brand in one query (none if anonymous)."""
    if not isinstance(user, User) or not user.is_authenticated:  # None, AnonymousUser
        return ANONYMOUS
    statement = _actor_statement()
    # The primary, like every read of the auth app (config/db_router.py: who is asking is never read from a copy).
    db = get_user_model()._default_manager.db
    with connections[db].cursor() as cursor:
        cursor.execute(statement.sql, [user.pk])
        row = cursor.fetchone()
    influencer = membership = None
    if row is not None:
        influencer = statement.instance(Influencer, db, row)
        membership = statement.instance(statement.member_model, db, row)
        brand = statement.instance(statement.brand_model, db, row)
        if membership is not None:
            membership.brand = brand
            membership.user = user  # the request's own user object
        if influencer is not None:
            influencer.user = user
    return Actor(user=user, influencer=influencer, membership=membership)


@dataclass(frozen=True)
class _ActorStatement:
    """The actor's one statement, written once from the models' fields.

    Asked on every request (pages, htmx partials, the API), the same query through the ORM spent ~2.5 ms of
    CPU compiling three joins and building the rows (docs/decisions.md, "Render-path CPU"); here the SQL is
    built once per process and each row becomes model instances with `Model.from_db`, as the ORM would.
    """

    sql: str
    member_model: type[Model]
    brand_model: type[Model]
    columns: dict[type[Model], tuple[list[str], slice]]

    def instance(self, model: type[Model], db: str, row: tuple) -> Any:
        names, part = self.columns[model]
        values = row[part]
        if values[names.index(model._meta.pk.attname)] is None:  # a LEFT JOIN that found nothing
            return None
        return model.from_db(db, names, values)


def _related_model(model: type[Model], name: str) -> type[Model]:
    return cast("type[Model]", model._meta.get_field(name).related_model)


def _quoted(field: Field) -> str:
    if field.column is None:  # only fields without a column of their own (none of these models' concrete ones)
        raise ValueError(f"{field} has no column")
    return connection.ops.quote_name(field.column)


def _column(model: type[Model], name: str) -> str:
    return _quoted(cast(Field, model._meta.get_field(name)))


@functools.cache
def _actor_statement() -> _ActorStatement:
    # influencers never imports brands at run time: the brand models come through the user's reverse relation.
    user_model = get_user_model()
    member_model = _related_model(user_model, "brand_membership")
    brand_model = _related_model(member_model, "brand")
    quote = connection.ops.quote_name
    columns: dict[type[Model], tuple[list[str], slice]] = {}
    select: list[str] = []
    for alias, model in (("i", Influencer), ("m", member_model), ("b", brand_model)):
        # Every concrete field in the model's own order: `from_db` takes a whole row's values positionally.
        fields = list(model._meta.concrete_fields)
        columns[model] = ([f.attname for f in fields], slice(len(select), len(select) + len(fields)))
        select += [f"{alias}.{_quoted(f)}" for f in fields]
    user_pk = _quoted(user_model._meta.pk)
    brand_pk = _quoted(brand_model._meta.pk)
    sql = (
        f"SELECT {', '.join(select)} FROM {quote(user_model._meta.db_table)} AS u "  # noqa: S608 (names from the models)
        f"LEFT JOIN {quote(Influencer._meta.db_table)} AS i ON i.{_column(Influencer, 'user')} = u.{user_pk} "
        f"LEFT JOIN {quote(member_model._meta.db_table)} AS m ON m.{_column(member_model, 'user')} = u.{user_pk} "
        f"LEFT JOIN {quote(brand_model._meta.db_table)} AS b ON b.{brand_pk} = m.{_column(member_model, 'brand')} "
        f"WHERE u.{user_pk} = %s"
    )
    return _ActorStatement(sql=sql, member_model=member_model, brand_model=brand_model, columns=columns)


def actor_of(request: Any) -> Actor:
    """The request's actor, resolved once per request and per authenticated user.

    Works for Django's HttpRequest and DRF's Request alike: DRF authenticates tokens inside the view,
    so the actor is keyed on the user object the request carries at the time of asking.
    """
    user = getattr(request, "user", None)
    cached: Actor | None = getattr(request, "_invloed_actor", None)
    if cached is not None and cached.user is user:
        return cached
    actor = actor_for(user)
    request._invloed_actor = actor
    return actor
