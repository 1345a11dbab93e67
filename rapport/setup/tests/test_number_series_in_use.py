"""A number series that the Marketing Setup uses cannot be deleted: by the service, the API and
the page (moved here from the numbering tests: numbering sits below setup and may not import
it). The fixtures are the numbering tests' (`rapport.numbering.tests.conftest`)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from rapport.core.errors import ConflictError
from rapport.numbering import services
from rapport.numbering.models import NumberSeries
from rapport.numbering.tests.conftest import (  # noqa: F401 - fixtures
    admin_browser,
    admin_person,
    api,
    make_series,
)
from rapport.numbering.tests.test_api import URL, assert_error_shape
from rapport.numbering.tests.test_crud import create
from rapport.numbering.tests.test_views import messages_of
from rapport.setup.models import MarketingSetup

pytestmark = pytest.mark.django_db


def test_delete_refused_while_marketing_setup_uses_it() -> None:
    series = create(code="CONT")
    MarketingSetup.objects.create(id=1, contact_nos=series, segment_nos=series)
    with pytest.raises(ConflictError) as info:
        services.number_series_delete(series=series)
    assert info.value.status == 409
    assert "Number series CONT cannot be deleted" in info.value.message
    assert "Marketing Setup" in info.value.message
    assert "Contact nos." in info.value.message
    assert NumberSeries.objects.filter(code="CONT").exists()
    assert series.lines.count() == 1


def test_delete_in_use_is_a_conflict(api: APIClient, make_series) -> None:  # noqa: F811
    series = make_series("CONT")
    MarketingSetup.objects.create(id=1, contact_nos=series)
    error = assert_error_shape(api.delete(f"{URL}CONT/"), 409)
    assert error["code"] == "in_use"
    assert "Marketing Setup" in error["message"]


def test_delete_refused_while_in_use(admin_browser, make_series) -> None:  # noqa: F811
    series = make_series("CONT")
    MarketingSetup.objects.create(id=1, contact_nos=series)
    response = admin_browser.post(reverse("numbering:delete", kwargs={"code": "CONT"}), follow=True)
    assert any("cannot be deleted" in text for text in messages_of(response))
    assert NumberSeries.objects.filter(code="CONT").exists()
