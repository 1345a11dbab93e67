"""Audit entries of core's operations on users (a user's own preferences are not audited). Here
and not in core's tests: core lies below rapport.audit and may not import it."""

import datetime

import pytest

from rapport.audit.testing import audit_count, audited
from rapport.core import services
from rapport.core.acting import Source, acting_as
from rapport.core.choices import Role
from rapport.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_user_create_writes_one_entry_without_the_password():
    boss = services.user_create(
        username="boss", role=Role.ADMINISTRATOR, password="x", validate=False
    )
    with acting_as(boss, source=Source.WEB):
        services.user_create(
            username="mila",
            role=Role.MARKETING,
            password="Long-enough-9",
            email="mila@example.com",
        )
    entry = audited("user_create", object_key="mila")
    assert (entry.object_type, entry.username, entry.user_id, entry.source) == (
        "user",
        "boss",
        boss.pk,
        "web",
    )
    assert entry.changes == {
        "username": {"before": None, "after": "mila"},
        "email": {"before": None, "after": "mila@example.com"},
        "role": {"before": None, "after": "marketing"},
        "language": {"before": None, "after": "en"},
        "is_active": {"before": None, "after": True},
        "is_staff": {"before": None, "after": False},
        "is_superuser": {"before": None, "after": False},
    }
    assert "Long-enough-9" not in str(entry.changes) and "password" not in entry.changes
    assert entry.details == {}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"username": "", "role": Role.MARKETING, "password": "Long-enough-9"},
        {"username": "x", "role": "boss", "password": "Long-enough-9"},
        {"username": "x", "role": Role.MARKETING, "password": "password"},
    ],
)
def test_a_refused_user_create_writes_no_entry(kwargs):
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.user_create(**kwargs)
    assert audit_count() == before


def test_the_cli_create_user_is_audited_as_the_command_line(monkeypatch):
    import io

    from django.core.management import call_command

    monkeypatch.setattr("sys.stdin", io.StringIO("Long-enough-9\n"))
    call_command("create_user", "cli-made", "--role", "read_only", "--password-stdin")
    entry = audited("user_create", object_key="cli-made")
    assert entry.source == "cli"
    assert entry.username.startswith("cli:")
    assert entry.changes["role"] == {"before": None, "after": "read_only"}


def test_a_users_own_preferences_are_not_audited():
    user = services.user_create(username="u", role=Role.READ_ONLY, password="x", validate=False)
    before = audit_count()
    services.user_update_preferences(user=user, work_date=datetime.date(2026, 1, 31), language="nl")
    assert audit_count() == before


# The user administration (Django's admin at /admin/, administrators only).


@pytest.fixture
def admin_web(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.test import Client

    boss = services.user_create(
        username="boss", role=Role.ADMINISTRATOR, password="x", validate=False
    )
    client = Client()
    client.force_login(boss)
    return client


def test_the_admin_add_change_password_and_delete_are_audited(admin_web):
    from rapport.core.models import User

    response = admin_web.post(
        "/admin/core/user/add/",
        {
            "username": "mila",
            "password1": "Long-enough-9x",
            "password2": "Long-enough-9x",
            "usable_password": "true",
            "role": "marketing",
            "language": "nl",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = audited("user_create", object_key="mila")
    assert (entry.username, entry.source) == ("boss", "web")
    assert entry.changes["role"] == {"before": None, "after": "marketing"}
    assert entry.changes["language"] == {"before": None, "after": "nl"}
    mila = User.objects.get(username="mila")

    response = admin_web.post(
        f"/admin/core/user/{mila.pk}/password/",
        {"password1": "Another-long-9y", "password2": "Another-long-9y", "usable_password": "true"},
    )
    assert response.status_code == 302
    entry = audited("user_set_password", object_key="mila")
    assert (entry.changes, entry.details, entry.username) == ({}, {}, "boss")

    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    model_admin = django_admin.site._registry[User]
    request = RequestFactory().post("/admin/")
    changed = User.objects.get(pk=mila.pk)
    changed.role, changed.is_active = Role.READ_ONLY, False
    model_admin.save_model(request, changed, None, True)
    assert audited("user_update", object_key="mila").changes == {
        "role": {"before": "marketing", "after": "read_only"},
        "is_active": {"before": True, "after": False},
    }

    response = admin_web.post(f"/admin/core/user/{mila.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = audited("user_delete", object_key="mila")
    assert entry.changes["username"] == {"before": "mila", "after": None}
    assert not User.objects.filter(username="mila").exists()


def test_refused_admin_changes_write_no_entry(admin_web):
    from rapport.core.models import User

    before = audit_count()
    response = admin_web.post(
        "/admin/core/user/add/",
        {"username": "mila", "password1": "Long-enough-9x", "password2": "other", "role": "x"},
    )
    assert response.status_code == 200
    boss = User.objects.get(username="boss")
    response = admin_web.post(
        f"/admin/core/user/{boss.pk}/password/", {"password1": "a1", "password2": "b2"}
    )
    assert response.status_code == 200
    assert audit_count() == before
