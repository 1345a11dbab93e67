import re

import pytest

from rapport.contacts.models import Salesperson
from rapport.contacts.services import salesperson_create
from rapport.core.testing import make_user, web_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web():
    return web_client_for(make_user("administrator"))


def field_errors(response):
    return re.findall(r'id="id_(\w+)_error">([^<]*)<', response.content.decode())


def test_create_salesperson_through_the_form(admin_web):
    response = admin_web.post(
        "/salespeople/new/", {"code": "sj", "name": "Sven Janssen", "email": "s@example.com"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/salespeople/SJ/"
    page = admin_web.get("/salespeople/SJ/")
    assert page.status_code == 200
    assert b"Sven Janssen" in page.content
    assert b"Salesperson SJ was created." in page.content


def test_errors_stand_next_to_their_field_and_input_is_kept(admin_web):
    salesperson_create(code="SJ", name="Sven")
    response = admin_web.post("/salespeople/new/", {"code": "sj", "name": "Other", "email": "bad"})
    assert response.status_code == 200
    errors = dict(field_errors(response))
    assert "email" in errors
    assert 'value="Other"' in response.content.decode()
    response = admin_web.post("/salespeople/new/", {"code": "sj", "name": "Other", "email": ""})
    assert "already exists" in dict(field_errors(response))["code"]
    assert Salesperson.objects.count() == 1


def test_list_search_sort_and_htmx_partial(admin_web):
    salesperson_create(code="AA", name="Zoe")
    salesperson_create(code="BB", name="Adam")
    page = admin_web.get("/salespeople/?sort=-name").content.decode()
    assert page.index("Zoe") < page.index("Adam")
    assert "2 records" in page
    page = admin_web.get("/salespeople/?sort=name").content.decode()
    assert page.index("Adam") < page.index("Zoe")
    partial = admin_web.get(
        "/salespeople/?q=zoe", headers={"HX-Request": "true", "HX-Target": "object-table"}
    )
    body = partial.content.decode()
    assert "<html" not in body and "Zoe" in body and "Adam" not in body
    empty = admin_web.get("/salespeople/?q=nobody").content.decode()
    assert "Nothing matches" in empty


def test_list_paginates(admin_web):
    for index in range(30):
        salesperson_create(code=f"S{index:02}", name=f"Person {index}")
    first = admin_web.get("/salespeople/").content.decode()
    assert "S24" in first and "S25" not in first
    assert "30 records" in first
    second = admin_web.get("/salespeople/?page=2").content.decode()
    assert "S25" in second


def test_a_page_number_that_is_not_one_shows_a_page_instead_of_an_error(admin_web):
    for index in range(30):
        salesperson_create(code=f"S{index:02}", name=f"Person {index}")
    shown = (
        ("abc", 1),
        ("²", 1),
        ("--1", 1),
        ("0", 1),
        ("-3", 1),
        ("2", 2),
        ("999", 2),
        ("last", 2),
    )
    for page, number in shown:
        response = admin_web.get("/salespeople/", {"page": page})
        assert response.status_code == 200, page
        assert ("S00" if number == 1 else "S25") in response.content.decode(), page
        assert response.context["page_obj"].number == number, page


def test_edit_and_delete(admin_web):
    salesperson_create(code="SJ", name="Sven")
    response = admin_web.post(
        "/salespeople/SJ/edit/", {"code": "XX", "name": "Sven J.", "email": ""}
    )
    assert response.status_code == 302
    person = Salesperson.objects.get()
    assert (person.code, person.name) == ("SJ", "Sven J.")
    assert admin_web.get("/salespeople/SJ/delete/").status_code == 200
    assert admin_web.post("/salespeople/SJ/delete/").status_code == 302
    assert not Salesperson.objects.exists()


def test_read_only_user_sees_no_write_actions_and_is_refused():
    salesperson_create(code="SJ", name="Sven")
    viewer = web_client_for(make_user("read_only"))
    listing = viewer.get("/salespeople/").content.decode()
    assert "New salesperson" not in listing
    card = viewer.get("/salespeople/SJ/").content.decode()
    assert "/salespeople/SJ/edit/" not in card
    assert viewer.get("/salespeople/new/").status_code == 403
    assert viewer.post("/salespeople/SJ/delete/").status_code == 403
    assert Salesperson.objects.count() == 1


def test_unknown_salesperson_page_is_404(admin_web):
    assert admin_web.get("/salespeople/NOPE/").status_code == 404


def test_language_pages(admin_web):
    assert (
        admin_web.post("/setup/languages/new/", {"code": "xq", "name": "Klingon"}).status_code
        == 302
    )
    assert "Klingon" in admin_web.get("/setup/languages/?q=klingon").content.decode()
    assert (
        admin_web.post(
            "/setup/languages/XQ/edit/", {"name": "Klingon", "name_nl": "Klingons"}
        ).status_code
        == 302
    )
    assert "Klingons" in admin_web.get("/setup/languages/?q=xq").content.decode()
