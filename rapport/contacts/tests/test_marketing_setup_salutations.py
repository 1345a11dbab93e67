"""Marketing Setup's default salutation codes and delivery rate per minute (services)."""

from __future__ import annotations

import pytest

from rapport.contacts import services as contact_services
from rapport.core.errors import ValidationFailed
from rapport.setup import selectors, services
from rapport.setup.models import MarketingSetup

pytestmark = pytest.mark.django_db


def test_the_delivery_rate_is_zero_without_a_setup_and_what_was_saved_after():
    MarketingSetup.objects.all().delete()
    assert selectors.delivery_rate_per_minute() == 0
    services.marketing_setup_update(delivery_rate_per_minute=250)
    assert selectors.delivery_rate_per_minute() == 250


@pytest.mark.parametrize("rate", [-1, "5", True, 1.5, 1_000_001])
def test_a_bad_delivery_rate_is_refused_and_nothing_is_saved(rate):
    salutation = contact_services.salutation_create(code="UNISEX")
    services.marketing_setup_update(delivery_rate_per_minute=10)
    with pytest.raises(ValidationFailed) as refused:
        services.marketing_setup_update(
            delivery_rate_per_minute=rate, default_person_salutation=salutation
        )
    assert refused.value.errors == {
        "delivery_rate_per_minute": [
            "Delivery rate per minute is a whole number from 0 (no limit) to 1000000."
        ]
    }
    setup = selectors.marketing_setup_get()
    assert (setup.delivery_rate_per_minute, setup.default_person_salutation) == (10, None)


def test_the_default_salutations_are_read_with_the_setup():
    company = contact_services.salutation_create(code="COMPANY")
    person = contact_services.salutation_create(code="UNISEX")
    services.marketing_setup_update(
        default_company_salutation=company, default_person_salutation=person
    )
    setup = selectors.marketing_setup_get()
    assert (setup.default_company_salutation.code, setup.default_person_salutation.code) == (
        "COMPANY",
        "UNISEX",
    )
