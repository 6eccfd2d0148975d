"""The demo logins: who they are, their documented passwords, and how they are (re)set."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password

# --- Demo logins -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    first_name: str = ""
    last_name: str = ""
    is_superuser: bool = False


# Passwords satisfy AUTH_PASSWORD_VALIDATORS (checked on every run). "newcreator" cannot use
# "invloed-newcreator": it is too similar to the username for UserAttributeSimilarityValidator.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "invloed-admin", "moderator (superuser): /admin/", "Demo", "Moderator", is_superuser=True),
    DemoLogin(
        "brand", "invloed-brand", "owner of Noorderlicht Koffie (approved brand, open campaigns)", "Anouk", "Visser"
    ),
    DemoLogin(
        "creator", "invloed-creator", "approved influencer @sanne.bakker with an invitation waiting", "Sanne", "Bakker"
    ),
    DemoLogin(
        "newcreator", "invloed-pending", "influencer @noor.elidrissi waiting for moderation", "Noor", "El Idrissi"
    ),
)
ADMIN_LOGIN, BRAND_LOGIN, CREATOR_LOGIN, NEWCREATOR_LOGIN = DEMO_LOGINS


def demo_logins_ensure() -> dict[str, User]:
    """Create the demo users, or reset them to their documented password and rights."""
    from axes.utils import reset as axes_reset

    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "email": f"{login.username}@example.com",
                "first_name": login.first_name,
                "last_name": login.last_name,
            },
        )
        wanted = {"is_active": True, "is_staff": login.is_superuser, "is_superuser": login.is_superuser}
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if created or not user.check_password(login.password):
            # Fails loudly if the settings' validators ever reject a documented demo password.
            validate_password(login.password, user)
            user.set_password(login.password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        # A demo visitor who mistyped the password five times must not stay locked out.
        axes_reset(username=login.username)
        users[login.username] = user
    return users


def demo_logins_text(base_url: str = "http://127.0.0.1:8000") -> str:
    """The demo logins, with the login page on the address the demo server listens on."""
    width = max(len(login.username) for login in DEMO_LOGINS)
    lines = [f"Demo logins ({base_url.rstrip('/')}/accounts/login/):"]
    for login in DEMO_LOGINS:
        lines.append(f"  {login.username:<{width}}  {login.password:<18}  {login.role}")
    return "\n".join(lines)
