import datetime

import pytest
from django.utils import timezone

from rapport.core import permissions, services
from rapport.core.choices import Role
from rapport.core.errors import ValidationFailed
from rapport.core.models import User
from rapport.core.notices import collect_notices, notice_warning

pytestmark = pytest.mark.django_db


def test_user_create_sets_role_and_hashes_password():
    user = services.user_create(username="mila", role=Role.MARKETING, password="Long-enough-9")
    assert user.role == Role.MARKETING
    assert not user.is_superuser
    assert user.check_password("Long-enough-9")
    assert user.password != "Long-enough-9"


def test_administrator_is_superuser_and_staff():
    user = services.user_create(username="ada", role=Role.ADMINISTRATOR, password="Long-enough-9")
    assert user.is_superuser and user.is_staff
    assert user.effective_role == Role.ADMINISTRATOR


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "", "role": Role.MARKETING, "password": "Long-enough-9"}, "username"),
        ({"username": "x", "role": "boss", "password": "Long-enough-9"}, "role"),
        ({"username": "x", "role": Role.MARKETING, "password": "password"}, "password"),
    ],
)
def test_user_create_refuses_bad_input_and_writes_nothing(kwargs, field):
    with pytest.raises(ValidationFailed) as error:
        services.user_create(**kwargs)
    assert field in error.value.fields()
    assert User.objects.count() == 0


def test_user_create_refuses_duplicate_name_case_insensitively():
    services.user_create(username="Mila", role=Role.MARKETING, password="x", validate=False)
    with pytest.raises(ValidationFailed, match="already exists"):
        services.user_create(username="mila", role=Role.MARKETING, password="x", validate=False)
    assert User.objects.count() == 1


def test_work_date_defaults_to_today_and_can_be_set_and_reset():
    user = services.user_create(username="u", role=Role.READ_ONLY, password="x", validate=False)
    assert user.effective_work_date == timezone.localdate()
    services.user_update_preferences(user=user, work_date=datetime.date(2026, 1, 31))
    user.refresh_from_db()
    assert user.effective_work_date == datetime.date(2026, 1, 31)
    services.user_update_preferences(user=user, work_date=None)
    user.refresh_from_db()
    assert user.work_date is None
    assert user.effective_work_date == timezone.localdate()


def test_language_must_be_known_and_refusal_changes_nothing():
    user = services.user_create(username="u", role=Role.READ_ONLY, password="x", validate=False)
    with pytest.raises(ValidationFailed):
        services.user_update_preferences(
            user=user, language="fr", work_date=datetime.date(2026, 2, 2)
        )
    user.refresh_from_db()
    assert user.language == "en"
    assert user.work_date is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMINISTRATOR, {"setup", "contacts", "marketing", "interactions", "own_profile"}),
        (Role.MARKETING, {"contacts", "marketing", "interactions", "own_profile"}),
        (Role.SALESPERSON, {"contacts", "interactions", "own_profile"}),
        (Role.READ_ONLY, {"own_profile"}),
    ],
)
def test_capabilities_per_role(role, allowed):
    user = User(username="x", role=role)
    everything = {"setup", "contacts", "marketing", "interactions", "own_profile"}
    assert {cap for cap in everything if permissions.user_can(user, cap)} == allowed
    assert permissions.user_can(user, None)


def test_anonymous_can_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.user_can(AnonymousUser(), None)
    assert not permissions.user_can(AnonymousUser(), "own_profile")


def test_notices_are_collected_once_and_nested_blocks_pass_them_up():
    with collect_notices() as outer:
        notice_warning("series SEG almost used up")
        with collect_notices() as inner:
            notice_warning("series SEG almost used up")
            notice_warning("another")
        assert inner == ["series SEG almost used up", "another"]
    assert outer == ["series SEG almost used up", "another"]


def test_notice_outside_a_collector_is_ignored():
    notice_warning("nobody listens")  # must not raise
