import pytest

from rapport.contacts.models import Salesperson
from rapport.core.testing import api_client_for, assert_error_shape, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api():
    return api_client_for(make_user("administrator"))


def test_salesperson_crud_by_code(admin_api):
    user = make_user("salesperson", username="sven")
    response = admin_api.post(
        "/api/v1/salespeople/",
        {"code": "sj", "name": "Sven Janssen", "email": "sven@example.com", "user": "sven"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "code": "SJ",
        "name": "Sven Janssen",
        "email": "sven@example.com",
        "user": "sven",
    }
    assert admin_api.get("/api/v1/salespeople/SJ/").json()["name"] == "Sven Janssen"
    assert admin_api.get("/api/v1/salespeople/sj/").status_code == 200
    response = admin_api.patch("/api/v1/salespeople/SJ/", {"name": "Sven J."}, format="json")
    assert response.status_code == 200
    assert Salesperson.objects.get(code="SJ").name == "Sven J."
    assert Salesperson.objects.get(code="SJ").user == user
    listing = admin_api.get("/api/v1/salespeople/?search=sven").json()
    assert listing["count"] == 1 and set(listing) == {"count", "next", "previous", "results"}
    assert admin_api.delete("/api/v1/salespeople/SJ/").status_code == 204
    assert not Salesperson.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "A\x00", "name": "N"}, "code"),
        ({"code": "A", "name": "N" * 101}, "name"),
        ({"code": "A", "name": 12, "email": ["x"]}, "email"),
        ({"code": "A", "name": "N", "user": "nobody"}, "user"),
        ({"name": "N"}, "code"),
    ],
)
def test_bad_salesperson_input_gets_the_400_shape(admin_api, body, field):
    response = admin_api.post("/api/v1/salespeople/", body, format="json")
    error = assert_error_shape(response, 400, "invalid")
    assert field in error["fields"]
    assert not Salesperson.objects.exists()


def test_malformed_json_gets_the_400_shape(admin_api):
    response = admin_api.generic(
        "POST", "/api/v1/salespeople/", "{not json", content_type="application/json"
    )
    assert_error_shape(response, 400)


def test_unknown_salesperson_is_404(admin_api):
    assert_error_shape(admin_api.get("/api/v1/salespeople/NOPE/"), 404, "not_found")


def test_read_only_user_reads_but_cannot_write():
    admin_api = api_client_for(make_user("administrator"))
    admin_api.post("/api/v1/salespeople/", {"code": "SJ", "name": "Sven"}, format="json")
    viewer = api_client_for(make_user("read_only"))
    assert viewer.get("/api/v1/salespeople/SJ/").status_code == 200
    assert_error_shape(viewer.patch("/api/v1/salespeople/SJ/", {"name": "X"}, format="json"), 403)
    assert_error_shape(
        viewer.post("/api/v1/salespeople/", {"code": "X", "name": "X"}, format="json"), 403
    )
    assert Salesperson.objects.get().name == "Sven"


def test_languages_api(admin_api):
    assert (
        admin_api.post(
            "/api/v1/languages/", {"code": "xq", "name": "Klingon"}, format="json"
        ).status_code
        == 201
    )
    assert admin_api.get("/api/v1/languages/XQ/").json() == {
        "code": "XQ",
        "name": "Klingon",
        "name_nl": "",
    }
    assert admin_api.get("/api/v1/languages/NL/").json() == {
        "code": "NL",
        "name": "Dutch",
        "name_nl": "Nederlands",
    }
    assert_error_shape(
        admin_api.post("/api/v1/languages/", {"code": "NL", "name": "again"}, format="json"), 400
    )
