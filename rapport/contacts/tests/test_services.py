import pytest

from rapport.contacts import services
from rapport.contacts.models import Language, Salesperson
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.core.services import user_create
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.django_db


def test_salesperson_code_is_upper_cased_and_unique():
    person = services.salesperson_create(code=" sj ", name="Sven Janssen", email="sven@example.com")
    assert person.code == "SJ"
    with pytest.raises(ValidationFailed, match="already exists"):
        services.salesperson_create(code="Sj", name="Other")
    assert Salesperson.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "", "name": "N"}, "code"),
        ({"code": "A" * 21, "name": "N"}, "code"),
        ({"code": "A", "name": ""}, "name"),
        ({"code": "A", "name": "N" * 101}, "name"),
        ({"code": "A", "name": "N", "email": "not-an-address"}, "email"),
        ({"code": "A", "name": "N\x00"}, "name"),
    ],
)
def test_salesperson_create_refuses_bad_input(kwargs, field):
    with pytest.raises(ValidationFailed) as error:
        services.salesperson_create(**kwargs)
    assert field in error.value.fields()
    assert Salesperson.objects.count() == 0


def test_a_user_links_to_one_salesperson_only():
    user = user_create(username="sven", role="salesperson", password="x", validate=False)
    services.salesperson_create(code="SJ", name="Sven", user=user)
    with pytest.raises(ValidationFailed, match="already linked to salesperson SJ"):
        services.salesperson_create(code="SX", name="Sven 2", user=user)
    other = services.salesperson_create(code="PB", name="Pieter")
    with pytest.raises(ValidationFailed):
        services.salesperson_update(salesperson=other, user=user)
    other.refresh_from_db()
    assert other.user is None


def test_salesperson_update_keeps_code():
    person = services.salesperson_create(code="SJ", name="Sven")
    services.salesperson_update(salesperson=person, name="Sven J.", email="s@example.com")
    person.refresh_from_db()
    assert (person.code, person.name, person.email) == ("SJ", "Sven J.", "s@example.com")


def test_salesperson_in_marketing_setup_cannot_be_deleted():
    person = services.salesperson_create(code="SJ", name="Sven")
    marketing_setup_update(default_salesperson=person)
    with pytest.raises(ConflictError, match="still in use"):
        services.salesperson_delete(salesperson=person)
    assert Salesperson.objects.filter(code="SJ").exists()
    marketing_setup_update(default_salesperson=None)
    services.salesperson_delete(salesperson=person)
    assert not Salesperson.objects.exists()


def test_language_rules():
    language = services.language_create(code="xq", name="Klingon")
    assert language.code == "XQ"
    with pytest.raises(ValidationFailed):
        services.language_create(code="XQ", name="tlhIngan Hol")
    with pytest.raises(ValidationFailed):
        services.language_create(code="ABCDEFGHIJK", name="too long a code")
    marketing_setup_update(default_language=language)
    with pytest.raises(ConflictError):
        services.language_delete(language=language)
    assert Language.objects.filter(code="XQ").exists()
