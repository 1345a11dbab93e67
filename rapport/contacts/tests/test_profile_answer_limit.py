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


@pytest.mark.django_db
def test_a_blank_line_no_is_a_new_answer_and_a_line_no_below_1_is_refused():
    questionnaire = services.profile_questionnaire_save(
        questionnaire=None, code="SIZE", description="Size", answer_texts=["Small"]
    )
    services.profile_questionnaire_set_answers(
        questionnaire=questionnaire,
        answers=[{"line_no": 10000, "answer": "Small"}, {"line_no": "", "answer": "Large"}],
    )
    rows = list(questionnaire.answers.order_by("line_no").values_list("line_no", "answer"))
    assert rows == [(10000, "Small"), (20000, "Large")]

    for bad, message in (
        (0, "A line no. must be at least 1."),
        (True, "A line no. is a whole number."),
    ):
        with pytest.raises(ValidationFailed) as failure:
            services.profile_questionnaire_set_answers(
                questionnaire=questionnaire, answers=[{"line_no": bad, "answer": "Tiny"}]
            )
        assert failure.value.fields() == {"answers.0.line_no": [message]}
    assert list(questionnaire.answers.order_by("line_no").values_list("line_no", "answer")) == rows
