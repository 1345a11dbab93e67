"""A profile questionnaire offers at most 100 answers (10,000 in one request took 6 s)."""

import pytest

from rapport.contacts import services
from rapport.contacts.models import ProfileQuestionnaire
from rapport.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_profile_questionnaire_answers_are_capped(admin_client, api_client):
    """At most MAX_PROFILE_ANSWERS (100) answers per questionnaire, on every road in."""
    assert services.MAX_PROFILE_ANSWERS == 100
    api = api_client()
    many = [{"answer": f"A{index}"} for index in range(101)]
    response = api.post(
        "/api/v1/profile-questionnaires/", {"code": "SIZE", "answers": many}, format="json"
    )
    assert response.status_code == 400, response.content
    assert not ProfileQuestionnaire.objects.exists()
    assert (
        api.post(
            "/api/v1/profile-questionnaires/",
            {"code": "SIZE", "answers": many[:100]},
            format="json",
        ).status_code
        == 201
    )
    assert ProfileQuestionnaire.objects.get(code="SIZE").answers.count() == 100
    response = api.patch(
        "/api/v1/profile-questionnaires/SIZE/", {"answers": many + many}, format="json"
    )
    assert response.status_code == 400
    assert ProfileQuestionnaire.objects.get(code="SIZE").answers.count() == 100

    questionnaire = ProfileQuestionnaire.objects.get(code="SIZE")
    with pytest.raises(ValidationFailed) as failure:
        services.profile_questionnaire_set_answers(questionnaire=questionnaire, answers=many)
    assert failure.value.fields() == {
        "answers": ["A profile questionnaire has at most 100 answers, not 101."]
    }

    page = admin_client.post(
        "/setup/profile-questionnaires/new/",
        {"code": "COLOUR", "answers": "\n".join(f"Colour {i}" for i in range(150))},
    )
    assert page.status_code == 200
    assert "A profile questionnaire has at most 100 answers, not 150." in page.content.decode()
    assert not ProfileQuestionnaire.objects.filter(code="COLOUR").exists()
