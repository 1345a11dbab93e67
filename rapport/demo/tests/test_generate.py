"""`rapport generate`: exact counts, referential integrity, numbers drawn from the series and
entry numbers after the highest, refusals that leave the database as it was."""

import io
from collections import Counter
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from rapport.campaigns.models import Campaign, CampaignEntry
from rapport.cli import main
from rapport.contacts.models import Contact, Salesperson
from rapport.contacts.services import contact_search_text
from rapport.core.errors import DomainError
from rapport.demo.generate import GenerateRefused, generate
from rapport.demo.generate.contacts import EVERY
from rapport.interactions.models import InteractionLogEntry, InteractionTemplate
from rapport.numbering.models import NumberSeries, NumberSeriesLine
from rapport.segments.models import Segment, SegmentLine
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, object]:
    """What generating writes, to prove a refusal wrote nothing."""
    return {
        "contacts": Contact.objects.count(),
        "salespeople": Salesperson.objects.count(),
        "series": list(NumberSeries.objects.values_list("code", flat=True)),
        "last nos.": list(NumberSeriesLine.objects.values_list("last_no_used", flat=True)),
        "templates": InteractionTemplate.objects.count(),
        "campaigns": Campaign.objects.count(),
        "entries": InteractionLogEntry.objects.count(),
        "campaign entries": CampaignEntry.objects.count(),
    }


def test_generates_exact_counts_with_every_reference_intact():
    summary = generate(contacts_count=600, interactions=3000, seed=7)

    assert (summary.companies, summary.persons, summary.interactions) == (100, 500, 3000)
    contacts = list(Contact.objects.select_related("company").order_by("no"))
    assert [c.no for c in contacts] == [f"CT{n:07d}" for n in range(1, 601)]
    assert [c.type for c in contacts[:EVERY]] == ["company"] + ["person"] * 5
    assert NumberSeriesLine.objects.get(series__code="CONT").last_no_used == "CT0000600"
    assert marketing_setup_get().contact_nos.code == "CONT"
    countries = Counter(c.country.code for c in Contact.objects.filter(type="company"))
    assert set(countries) == {"NL", "BE", "GB", "DE", "US"}
    sizes = Counter(c.company_id for c in contacts if c.type == "person")
    assert sum(sizes.values()) == 500 and max(sizes.values()) > 5 > min(sizes.values())
    for contact in contacts:
        assert contact.search_text == contact_search_text(contact), contact.no
        assert contact.no_series == "CONT" and contact.salesperson_id is not None
        if contact.type == "person":
            company = contact.company
            assert company is not None and company.type == "company" and company.no < contact.no
            assert (contact.address, contact.city, contact.country_id) == (
                company.address,
                company.city,
                company.country_id,
            )
            assert contact.job_title and contact.surname
            assert contact.job_responsibilities.count() in (1, 2)
        else:
            assert contact.company_id is None and contact.email.startswith("info@")
            assert contact.industry_groups.exists() and contact.business_relations.exists()
    assert Contact.mailing_groups.through.objects.count() > 200

    entries = list(
        InteractionLogEntry.objects.select_related("contact", "template").order_by("entry_no")
    )
    assert [e.entry_no for e in entries] == list(range(1, 3001))
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    assert (entries[-1].date - entries[0].date).days > 365 * 2
    for entry in entries:
        contact = entry.contact
        assert contact is not None and not contact.privacy_blocked
        assert entry.contact_company_id == (contact.company_id or contact.pk)
        assert entry.group_id == entry.template.group_id
        assert entry.cost == entry.template.unit_cost and entry.salesperson_id is not None
        assert not (entry.canceled and entry.postponed)
        assert entry.description == entry.template.description
    canceled = sum(e.canceled for e in entries)
    failed = sum(e.attempt_failed for e in entries)
    assert 30 < canceled < 200 and failed > 20
    assert {e.template.code for e in entries} == set(
        InteractionTemplate.objects.values_list("code", flat=True)
    )
    with_campaign = [e for e in entries if e.campaign_id is not None]
    campaign_entries = list(CampaignEntry.objects.order_by("entry_no"))
    assert len(with_campaign) == len(campaign_entries) > 0
    assert [c.entry_no for c in campaign_entries] == list(range(1, len(campaign_entries) + 1))
    assert {e.campaign_entry_id for e in with_campaign} == {c.pk for c in campaign_entries}
    for entry in with_campaign:
        assert entry.campaign_entry.campaign_id == entry.campaign_id
        assert entry.campaign_entry.date == entry.date


def test_the_seed_decides_the_data():
    generate(contacts_count=12, interactions=0, seed=1)
    first = list(Contact.objects.order_by("no").values_list("name", "city"))
    generate(contacts_count=12, interactions=0, seed=1, add=True)
    again = list(Contact.objects.order_by("no").values_list("name", "city"))[12:]
    generate(contacts_count=12, interactions=0, seed=2, add=True)
    other = list(Contact.objects.order_by("no").values_list("name", "city"))[24:]
    assert again == first and other != first


def test_add_continues_the_numbers_and_entry_numbers():
    generate(contacts_count=60, interactions=300)
    setup_before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate", "--add", "--contacts", "12", "--interactions", "30", stdout=out, stderr=err
    )
    assert Contact.objects.count() == 72
    assert list(Contact.objects.order_by("no").values_list("no", flat=True)[60:]) == [
        f"CT{n:07d}" for n in range(61, 73)
    ]
    assert NumberSeriesLine.objects.get(series__code="CONT").last_no_used == "CT0000072"
    numbers = list(
        InteractionLogEntry.objects.order_by("entry_no").values_list("entry_no", flat=True)
    )
    assert numbers == list(range(1, 331))
    campaign_numbers = list(CampaignEntry.objects.values_list("entry_no", flat=True))
    assert sorted(campaign_numbers) == list(range(1, len(campaign_numbers) + 1))
    # The setup made the first time is reused, not made again.
    assert snapshot()["templates"] == setup_before["templates"]
    assert snapshot()["campaigns"] == setup_before["campaigns"]
    assert snapshot()["salespeople"] == setup_before["salespeople"]
    assert "Generated 2 companies, 10 persons" in out.getvalue()
    assert "interactions inserted (entry no. 301 to 330)" in err.getvalue()


def test_refuses_a_database_with_contacts_and_writes_nothing():
    generate(contacts_count=6, interactions=0)
    before = snapshot()
    with pytest.raises(CommandError, match=r"The database has contacts already.*--add"):
        call_command("generate", "--contacts", "10", "--interactions", "50", stderr=io.StringIO())
    assert snapshot() == before


def test_refuses_a_series_that_cannot_give_the_numbers_and_writes_nothing():
    from rapport.numbering.services import number_series_create
    from rapport.setup.services import marketing_setup_update

    series = number_series_create(
        code="SMALL",
        description="Small",
        lines=[{"starting_no": "S001", "ending_no": "S010"}],
    )
    marketing_setup_update(contact_nos=series)
    before = snapshot()
    with pytest.raises(DomainError, match=r"SMALL cannot give 11 numbers from S001.*S010"):
        generate(contacts_count=11, interactions=40)
    assert snapshot() == before
    generate(contacts_count=10, interactions=0)
    assert NumberSeriesLine.objects.get(series=series).last_no_used == "S010"
    assert not NumberSeriesLine.objects.get(series=series).open


def test_refuses_interactions_without_contacts_and_bad_counts():
    before = snapshot()
    with pytest.raises(GenerateRefused, match="Interactions need contacts"):
        generate(contacts_count=0, interactions=10)
    for bad in (-1, 1.5, "10", True):
        with pytest.raises(GenerateRefused, match="--contacts must be a whole number of 0 or more"):
            generate(contacts_count=bad, interactions=0)  # type: ignore[arg-type]
    assert snapshot() == before


@pytest.mark.parametrize("value", ["-5", "1.5", "many", ""])
def test_the_command_refuses_bad_numbers(value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["rapport", "generate", "--contacts", value])
    assert exit_info.value.code == 2
    assert "is not a whole number of 0 or more" in capsys.readouterr().err
    assert Contact.objects.count() == 0


def test_the_command_takes_thousands_separators_and_shows_help(capsys):
    call_command("generate", "--contacts", "1,200", stdout=io.StringIO(), stderr=io.StringIO())
    assert Contact.objects.count() == 1200
    with pytest.raises(SystemExit) as exit_info:
        main(["rapport", "generate", "--help"])
    assert exit_info.value.code == 0
    assert "--interactions" in capsys.readouterr().out


def test_segments_are_filled_through_the_add_contacts_operation(marketing_user):
    generate(contacts_count=120, interactions=0, segments=2)
    segments = list(Segment.objects.order_by("no"))
    assert [s.no for s in segments] == ["SEG00001", "SEG00002"]
    codes = list(Salesperson.objects.order_by("code").values_list("code", flat=True))[:2]
    for segment, code in zip(segments, codes, strict=True):
        lines = SegmentLine.objects.filter(segment=segment)
        eligible = Contact.objects.filter(
            salesperson__code=code, exclude_from_segment=False, privacy_blocked=False
        )
        assert lines.count() > 0
        assert set(lines.values_list("contact__salesperson__code", flat=True)) == {code}
        assert lines.count() <= eligible.count()
        assert segment.criteria_actions.count() == 1


def test_segments_need_a_marketing_user():
    with pytest.raises(GenerateRefused, match="marketing or administrator role"):
        generate(contacts_count=6, interactions=0, segments=1)
    assert Contact.objects.count() == 0


def test_totals_are_rebuilt_after_inserting():
    with (
        mock.patch(
            "rapport.interactions.services.totals.interaction_totals_rebuild"
        ) as interactions,
        mock.patch("rapport.segments.services.totals.segment_totals_rebuild") as segments,
    ):
        generate(contacts_count=6, interactions=10)
    interactions.assert_called_once_with()
    segments.assert_called_once_with()


def test_the_indexes_and_keys_dropped_for_the_load_are_built_again():
    from rapport.demo.generate import sql

    tables = [
        InteractionLogEntry._meta.db_table,
        Contact._meta.db_table,
        Contact.mailing_groups.through._meta.db_table,
    ]
    before = {table: (sql.secondary_indexes(table), sql.foreign_keys(table)) for table in tables}
    assert before[tables[0]][0]  # the log has secondary indexes to drop and build again
    generate(contacts_count=30, interactions=100)
    after = {table: (sql.secondary_indexes(table), sql.foreign_keys(table)) for table in tables}
    assert after == before
