"""Account pages: sign-up (creator or brand), login with a role-aware landing page, the account
settings page, team invitation links and in-app notifications.

Sign-up and invitations call the services in brands/services.py ("Accounts" section) and nothing
else, so a rate limit wraps them in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.ratelimit import rate_limited
from influencers.access import actor_for, actor_of
from influencers.forms import add_service_error
from influencers.kernel.errors import DomainError
from influencers.kernel.http import AuthenticatedRequest
from influencers.kernel.notifications import notification_mark_read
from influencers.models import Influencer, Notification

from ..forms import SIGNUP_FIELD_MAP, BrandSignupForm, InfluencerSignupForm, InvitationSignupForm
from ..models import BrandMember
from ..services import (
    account_email_confirm,
    account_email_pending,
    account_signup_brand,
    account_signup_influencer,
    brand_invitation_accept,
    brand_invitation_accept_new_user,
    brand_invitation_for_token,
)

# Sign-ups and invitation logins use the plain backend: axes only guards password logins.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
NOTIFICATIONS_PAGE_SIZE = 30


def home_for(user: User | AnonymousUser) -> str:
    """Where a user lands after logging in: their own area."""
    actor = actor_for(user)
    if actor.influencer is not None:
        return reverse("me:dashboard")
    if actor.membership is not None:
        return reverse("brand:dashboard")
    if actor.is_staff:
        return reverse("admin:index")
    return reverse("home")


class RoleLoginView(LoginView):
    """Django's login, landing creators on /me/ and brands on /brand/ unless ?next= says otherwise."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_for(self.request.user)


@require_safe
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    return render(request, "accounts/signup.html")


class _AccountFields(TypedDict):
    """What both sign-up services take from the shared part of the form."""

    username: str
    email: str
    password: str


def _account_fields(data: dict[str, Any]) -> _AccountFields:
    return {"username": data["username"], "email": data["email"], "password": data["password1"]}


def _influencer_create(data: dict[str, Any]) -> Influencer:
    return account_signup_influencer(**_account_fields(data), handle=data["handle"], display_name=data["display_name"])


def _brand_create(data: dict[str, Any]) -> BrandMember:
    return account_signup_brand(
        **_account_fields(data), brand_name=data["brand_name"], website=data["website"], country=data["country"]
    )


def _signup_page(
    request: HttpRequest,
    role: str,
    form_class: type[InfluencerSignupForm | BrandSignupForm],
    create: Callable[[dict[str, Any]], Influencer | BrandMember],
    welcome: str,
    landing: str,
) -> HttpResponse:
    """Both sign-ups: a valid form creates the account (`create` with the cleaned data), which is
    logged in, welcomed and sent to `landing`; otherwise the form again, with the service's errors
    next to their fields. A signed-in user goes to their own area instead."""
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = create(data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error, SIGNUP_FIELD_MAP)
        else:
            login(request, created.user, backend=LOGIN_BACKEND)
            messages.success(request, welcome)
            messages.info(request, confirmation_sent_message(data["email"]))
            return redirect(landing)
    return render(request, "accounts/signup_form.html", {"form": form, "role": role})


@rate_limited("signup")
@require_http_methods(["GET", "HEAD", "POST"])
def signup_influencer(request: HttpRequest) -> HttpResponse:
    welcome = _("Welcome! A moderator reviews your profile; meanwhile, complete it so brands find you.")
    return _signup_page(request, "influencer", InfluencerSignupForm, _influencer_create, welcome, "me:dashboard")


@rate_limited("signup")
@require_http_methods(["GET", "HEAD", "POST"])
def signup_brand(request: HttpRequest) -> HttpResponse:
    welcome = _("Welcome! A moderator reviews your brand; you can prepare campaigns as drafts meanwhile.")
    return _signup_page(request, "brand", BrandSignupForm, _brand_create, welcome, "brand:dashboard")


def confirmation_sent_message(email: str) -> str:
    # Worded for both cases (a new address, or one that already has an account and gets a warning).
    return _("We sent an email to %(email)s: open the link in it to confirm your address.") % {"email": email}


@require_http_methods(["GET", "HEAD", "POST"])
def email_confirm(request: HttpRequest) -> HttpResponse:
    """The link from the confirmation email; a button confirms, so a mail scanner's GET changes nothing."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    if request.method == "POST":
        try:
            confirmation = account_email_confirm(token=token)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(email)s is confirmed as your address.") % {"email": confirmation.email})
            return redirect("account" if request.user.is_authenticated else "login")
    return render(request, "accounts/email_confirm.html", {"token": token})


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a team invitation: join with the current account, or create one."""
    invitation = brand_invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = request.user
    form = None if user.is_authenticated else InvitationSignupForm(request.POST or None, email=invitation.email)
    joined = False
    if request.method == "POST" and user.is_authenticated:  # signed in: form is None
        try:
            brand_invitation_accept(token=token, user=user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            joined = True
    elif request.method == "POST" and form is not None and form.is_valid():
        try:
            member = brand_invitation_accept_new_user(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error, SIGNUP_FIELD_MAP)
        else:
            login(request, member.user, backend=LOGIN_BACKEND)
            joined = True
    if joined:
        messages.success(request, _("You joined %(brand)s.") % {"brand": invitation.brand.name})
        return redirect("brand:dashboard")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


@never_cache  # it shows a new API key once: no browser or proxy may keep a copy
@login_required
@require_safe
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Who I am here: role, moderation status with the moderator's reason, and account links."""
    actor = actor_of(request)
    return render(
        request,
        "accounts/settings.html",
        {
            "influencer": actor.influencer,
            "membership": actor.membership,
            "account_user": request.user,
            "email_pending": account_email_pending(request.user),
        },
    )


def _notification_fallback_url(request: HttpRequest) -> str:
    """Where a notification without its own link leads: the user's collaborations or campaigns."""
    actor = actor_of(request)
    if actor.influencer is not None:
        return reverse("me:collaborations")
    if actor.membership is not None:
        return reverse("campaigns:list")
    return reverse("account")


@login_required
@require_safe
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).order_by("-created_at")
    page = Paginator(rows, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "fallback_url": _notification_fallback_url(request), "account_url": reverse("account")},
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        raise Http404
    notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.htmx:
        notification.refresh_from_db()
        return render(
            request,
            "notifications/list.html#notification",
            {
                "notification": notification,
                "fallback_url": _notification_fallback_url(request),
                "account_url": reverse("account"),
            },
        )
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = notification_mark_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")
