"""Accounts: sign-up as creator or brand, login landing, password change and reset, the account
page with moderation status, team invitations and notifications."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from brands.models import Brand, BrandInvitation, BrandMember
from brands.services import (
    brand_invitation_accept,
    brand_invitation_create,
    brand_invitation_revoke,
    brand_member_remove,
)
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.models import AuditEvent, Influencer, Notification
from influencers.services import influencer_moderate
from influencers.taxonomy import ModerationStatus
from tests.factories import (
    PASSWORD,
    BrandFactory,
    BrandMemberFactory,
    InfluencerFactory,
    NotificationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def signup_data(**overrides) -> dict:
    return {
        "username": "sanne",
        "email": "sanne@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def test_signup_page_offers_both_roles(client):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    assert reverse("signup_influencer").encode() in response.content
    assert reverse("signup_brand").encode() in response.content


def test_creator_signup_creates_a_pending_profile_logs_in_and_lands_on_me(client):
    response = client.post(
        reverse("signup_influencer"), signup_data(handle="@Sanne.Runs", display_name="Sanne de Vries")
    )
    assert response.status_code == 302
    assert response.url == reverse("me:dashboard")
    influencer = Influencer.objects.get(handle="sanne.runs")
    assert influencer.status == ModerationStatus.PENDING
    assert influencer.user.username == "sanne"
    assert AuditEvent.objects.filter(action="account.signup_influencer", object_id=str(influencer.pk)).exists()
    page = client.get(reverse("me:dashboard"))
    assert page.status_code == 200
    assert b"A moderator is reviewing your profile" in page.content


def test_brand_signup_creates_a_pending_brand_with_its_owner(client):
    response = client.post(
        reverse("signup_brand"),
        signup_data(brand_name="Trail & Co", website="trail.example", country="NL"),
    )
    assert response.status_code == 302
    assert response.url == reverse("brand:dashboard")
    member = BrandMember.objects.select_related("brand").get(user__username="sanne")
    assert member.role == BrandMember.Role.OWNER
    assert member.brand.status == ModerationStatus.PENDING
    assert member.brand.slug == "trail-co"
    assert member.brand.website == "https://trail.example"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "something-else-entirely"}, "password2", "differ"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "sanne@example.com", "password2": "sanne@example.com"}, "password1", "too similar"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"username": "bad name!"}, "username", "Enter a valid username"),
        ({"handle": "Bad Handle!"}, "handle", "lowercase"),
        ({"display_name": "x" * 121}, "display_name", "at most 120"),
    ],
)
def test_bad_creator_signups_show_the_error_at_the_field_and_write_nothing(client, overrides, field, message):
    data = signup_data(**{"handle": "sanne", "display_name": "Sanne", **overrides})
    response = client.post(reverse("signup_influencer"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(username="sanne").exists()
    assert not Influencer.objects.exists()


def test_taken_username_email_and_handle_are_refused(client):
    InfluencerFactory(handle="sanne", user=UserFactory(username="existing", email="sanne@example.com"))
    response = client.post(reverse("signup_influencer"), signup_data(handle="sanne", display_name="Sanne"))
    assert "taken" in " ".join(response.context["form"].errors["handle"])
    response = client.post(
        reverse("signup_influencer"), signup_data(username="EXISTING", handle="other", display_name="Sanne")
    )
    assert "taken" in " ".join(response.context["form"].errors["username"])
    assert User.objects.count() == 1


def _signup_answer(client, **overrides) -> tuple[int, str, list[str]]:
    response = client.post(reverse("signup_influencer"), signup_data(**overrides), follow=True)
    texts = [str(message) for message in response.context["messages"]]
    return response.status_code, response.redirect_chain[-1][0], texts


def test_signup_answers_the_same_whether_the_email_has_an_account(client, django_capture_on_commit_callbacks):
    owner = UserFactory(username="existing", email="sanne@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = _signup_answer(client, handle="sanne", display_name="Sanne", email="Sanne@Example.com")
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        new = _signup_answer(client, username="fresh", handle="fresh", display_name="Fresh", email="fresh@example.com")
    assert known[:2] == new[:2] == (200, reverse("me:dashboard"))
    assert [text.replace("Sanne@Example.com", "@") for text in known[2]] == [
        text.replace("fresh@example.com", "@") for text in new[2]
    ]
    assert "We sent an email to Sanne@Example.com" in " ".join(known[2])
    # The owner of the address is told, instead of a confirmation link; their account is unchanged.
    warning, confirmation = mail.outbox
    assert warning.to == ["sanne@example.com"]
    assert "Someone tried to create a new Invloed account" in warning.body
    assert "confirm-email" not in warning.body
    assert confirmation.to == ["fresh@example.com"]
    assert "confirm-email/?token=" in confirmation.body
    owner.refresh_from_db()
    assert owner.email == "sanne@example.com"
    # The new login does not get the address: no notification or password reset goes there.
    assert User.objects.get(username="sanne").email == ""


def test_a_signup_address_is_used_once_confirmed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup_brand"), signup_data(brand_name="Trail & Co"))
    user = User.objects.get(username="sanne")
    assert user.email == ""
    assert "waiting for you to open the link" in client.get(reverse("account")).content.decode()
    token = re.search(r"confirm-email/\?token=(\S+)", mail.outbox[-1].body).group(1)
    page = client.get(reverse("email_confirm"), {"token": token})
    assert page.status_code == 200
    assert User.objects.get(username="sanne").email == ""  # a mail scanner's GET confirms nothing
    response = client.post(reverse("email_confirm"), {"token": token}, follow=True)
    assert "sanne@example.com is confirmed" in response.content.decode()
    assert User.objects.get(username="sanne").email == "sanne@example.com"
    assert AuditEvent.objects.filter(action="account.email_confirmed").exists()
    again = client.post(reverse("email_confirm"), {"token": token}, follow=True)
    assert "invalid, expired or already used" in again.content.decode()


def test_html_in_a_name_is_stored_as_text_and_rendered_escaped(client):
    client.post(reverse("signup_influencer"), signup_data(handle="sanne", display_name="<script>alert(1)</script>"))
    influencer = Influencer.objects.get(handle="sanne")
    assert influencer.display_name == "<script>alert(1)</script>"
    page = client.get(reverse("me:dashboard"))
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert b"<script>alert(1)" not in page.content


def test_logged_in_users_skip_the_signup_forms(client):
    client.force_login(InfluencerFactory().user)
    assert client.get(reverse("signup_brand")).url == reverse("me:dashboard")


@pytest.mark.parametrize(
    ("make_user", "landing"),
    [
        (lambda: InfluencerFactory().user, "me:dashboard"),
        (lambda: BrandMemberFactory().user, "brand:dashboard"),
        (lambda: StaffFactory(), "admin:index"),
        (lambda: UserFactory(), "home"),
    ],
)
def test_login_lands_each_role_on_its_own_area(client, make_user, landing):
    user = make_user()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_login_honours_next(client):
    user = InfluencerFactory().user
    response = client.post(
        reverse("login") + "?next=/me/offers/", {"username": user.username, "password": PASSWORD, "next": "/me/offers/"}
    )
    assert response.url == "/me/offers/"


def test_password_change_and_reset_pages_work(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    response = client.post(reverse("password_reset"), {"email": "ann@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "yet-another-long-passphrase-7", "new_password2": "yet-another-long-passphrase-7"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("yet-another-long-passphrase-7")


def test_account_page_shows_role_status_and_the_moderators_reason(client):
    influencer = InfluencerFactory(status=ModerationStatus.PENDING)
    influencer_moderate(influencer=influencer, decision="reject", reason="Add a real <b>bio</b>", by=StaffFactory())
    client.force_login(influencer.user)
    response = client.get(reverse("account"))
    assert response.status_code == 200
    assert b"Rejected" in response.content
    assert b"Add a real &lt;b&gt;bio&lt;/b&gt;" in response.content
    assert b'id="api-access"' in response.content


def test_account_page_for_a_brand_member_shows_the_brand_status(client):
    member = BrandMemberFactory(brand=BrandFactory(status=ModerationStatus.SUSPENDED, status_reason="Unpaid invoices"))
    client.force_login(member.user)
    response = client.get(reverse("account"))
    assert b"Suspended" in response.content
    assert b"Unpaid invoices" in response.content


def test_account_page_needs_a_login(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Team invitations ------------------------------------------------------------------------------


@pytest.fixture
def owner():
    return BrandMemberFactory(role=BrandMember.Role.OWNER)


def invitation_link() -> str:
    return re.search(r"https?://\S+/accounts/invitations/\S+/", mail.outbox[-1].body).group(0)


def test_owner_invites_by_email_and_the_link_creates_the_membership(client, owner, django_capture_on_commit_callbacks):
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("brand:team"), {"email": "New.Mate@Example.com"})
    assert response.status_code == 302
    invitation = BrandInvitation.objects.get()
    assert invitation.email == "new.mate@example.com"
    link = invitation_link()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token != token  # only the hash is stored
    client.logout()
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, {"username": "mate", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    member = BrandMember.objects.get(user__username="mate")
    assert (member.brand, member.role, member.user.email) == (owner.brand, "member", "new.mate@example.com")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(path).status_code == 404  # used once
    assert Notification.objects.filter(user=owner.user, verb="brand.member_joined").exists()


def test_only_owners_invite_and_duplicates_are_refused(owner):
    teammate = BrandMemberFactory(brand=owner.brand, role=BrandMember.Role.MEMBER)
    with pytest.raises(NotAllowed):
        brand_invitation_create(brand=owner.brand, email="x@example.com", by=teammate.user)
    with pytest.raises(NotAllowed):
        brand_invitation_create(brand=owner.brand, email="x@example.com", by=BrandMemberFactory().user)
    brand_invitation_create(brand=owner.brand, email="x@example.com", by=owner.user)
    with pytest.raises(Conflict, match="already open"):
        brand_invitation_create(brand=owner.brand, email="X@example.com", by=owner.user)
    with pytest.raises(Conflict, match="already on your team"):
        brand_invitation_create(brand=owner.brand, email=teammate.user.email, by=owner.user)
    with pytest.raises(DomainError, match="valid email"):
        brand_invitation_create(brand=owner.brand, email="nope", by=owner.user)
    assert BrandInvitation.objects.count() == 1


def test_member_sees_the_team_but_no_invite_form(client, owner):
    teammate = BrandMemberFactory(brand=owner.brand, role=BrandMember.Role.MEMBER)
    client.force_login(teammate.user)
    response = client.get(reverse("brand:team"))
    assert response.status_code == 200
    assert b"Only owners can invite" in response.content
    client.post(reverse("brand:team"), {"email": "sneaky@example.com"})
    assert not BrandInvitation.objects.exists()


def test_a_suspended_brand_cannot_invite_teammates():
    member = BrandMemberFactory(brand=BrandFactory(status=ModerationStatus.SUSPENDED))
    with pytest.raises(NotAllowed):
        brand_invitation_create(brand=member.brand, email="x@example.com", by=member.user)


def test_a_pending_brand_cannot_invite_teammates_and_nothing_is_sent(client, django_capture_on_commit_callbacks):
    """A fresh sign-up must not make the site email any address in a brand name it chose."""
    owner = BrandMemberFactory(role=BrandMember.Role.OWNER, brand=BrandFactory(status=ModerationStatus.PENDING))
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("brand:team"), {"email": "anyone@example.com"})
    assert response.status_code == 200
    assert "waiting for a moderator&#x27;s review" in response.content.decode()
    assert not BrandInvitation.objects.exists()
    assert not AuditEvent.objects.filter(action="brand.member_invited").exists()
    assert mail.outbox == []


def test_expired_invitations_do_not_work_and_do_not_block_a_new_one(owner):
    invitation = brand_invitation_create(brand=owner.brand, email="late@example.com", by=owner.user)
    BrandInvitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - dt.timedelta(days=15))
    brand_invitation_create(brand=owner.brand, email="late@example.com", by=owner.user)
    assert BrandInvitation.objects.filter(revoked_at__isnull=False).count() == 1


def test_revoked_invitations_stop_working(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = brand_invitation_create(brand=owner.brand, email="y@example.com", by=owner.user)
    token = invitation_link().rstrip("/").rsplit("/", 1)[1]
    brand_invitation_revoke(invitation=invitation, by=owner.user)
    with pytest.raises(DomainError, match="invalid, expired"):
        brand_invitation_accept(token=token, user=UserFactory())
    with pytest.raises(Conflict):
        brand_invitation_revoke(invitation=invitation, by=owner.user)


def test_creators_and_members_of_other_brands_cannot_join(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        brand_invitation_create(brand=owner.brand, email="z@example.com", by=owner.user)
    token = invitation_link().rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(DomainError, match="creator account"):
        brand_invitation_accept(token=token, user=InfluencerFactory().user)
    with pytest.raises(DomainError, match="already works for a brand"):
        brand_invitation_accept(token=token, user=BrandMemberFactory().user)
    member = brand_invitation_accept(token=token, user=UserFactory())
    assert member.brand == owner.brand


def test_owner_removes_a_member_but_not_an_owner(owner):
    teammate = BrandMemberFactory(brand=owner.brand, role=BrandMember.Role.MEMBER)
    with pytest.raises(NotAllowed):
        brand_member_remove(member=owner, by=teammate.user)
    with pytest.raises(DomainError, match="Owners cannot be removed"):
        brand_member_remove(member=owner, by=owner.user)
    brand_member_remove(member=teammate, by=owner.user)
    assert not BrandMember.objects.filter(pk=teammate.pk).exists()
    assert AuditEvent.objects.filter(action="brand.member_removed").exists()


def test_brand_profile_is_edited_by_owners_only(client, owner):
    client.force_login(owner.user)
    response = client.post(
        reverse("brand:profile"),
        {"name": "Renamed", "website": "https://renamed.example", "country": "BE", "description": "<i>Hi</i>"},
    )
    assert response.status_code == 302
    owner.brand.refresh_from_db()
    assert (owner.brand.name, owner.brand.description) == ("Renamed", "<i>Hi</i>")
    teammate = BrandMemberFactory(brand=owner.brand, role=BrandMember.Role.MEMBER)
    client.force_login(teammate.user)
    client.post(reverse("brand:profile"), {"name": "Hijack", "website": "", "country": "", "description": ""})
    assert Brand.objects.get(pk=owner.brand.pk).name == "Renamed"


# --- Notifications ---------------------------------------------------------------------------------


def test_notifications_list_marks_read_and_counts_unread_in_the_nav(client):
    user = InfluencerFactory().user
    first = NotificationFactory(user=user, message="You were invited")
    NotificationFactory(user=user, message="Second one")
    NotificationFactory(message="Someone else's")
    client.force_login(user)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert b"You were invited" in response.content
    assert b"Someone else" not in response.content
    assert b'aria-label="2 unread"' in response.content
    response = client.post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"Read" in response.content
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404(client):
    other = NotificationFactory()
    client.force_login(UserFactory())
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_notifications_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = InfluencerFactory().user
    client.force_login(user)
    for count in (1, 25):
        Notification.objects.filter(user=user).delete()
        for n in range(count):
            NotificationFactory(user=user, message=f"Notice {n}")
        # session, user, nav (role + unread), fallback link (influencer), count, page
        with django_assert_num_queries(6):
            assert client.get(reverse("notifications:list")).status_code == 200
