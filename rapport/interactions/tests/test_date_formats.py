"""One short date format and a 24-hour time per language on every page (issue 8, point 10):
English 2026-11-26 and 14:05, Dutch 26-11-2026 and 14:05 (config/formats/<lang>/formats.py);
long month names only in headings; never "p.m." or "Dec."."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from rapport.interactions import services

pytestmark = pytest.mark.django_db

D = datetime.date
EXPECTED = {"en": ("2026-11-26", "2026-11-26 22:05"), "nl": ("26-11-2026", "26-11-2026 22:05")}
NEVER = re.compile(r"\b(a\.m\.|p\.m\.|AM|PM|noon|midnight|Nov\.|Dec\.|Sept?\.)(?=\W)")


@pytest.fixture
def languages(db: Any) -> dict[str, Any]:
    """EN, NL and DE, whether or not the migrations already loaded them."""
    from rapport.contacts.models import Language

    return {
        code: Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("EN", "English"), ("NL", "Dutch"), ("DE", "German"))
    }


@pytest.fixture
def entry(world: Any) -> Any:
    return services.interaction_create(
        actor=world.admin,
        contact=world.company,
        template=world.call,
        description="Call about the fair",
        date=D(2026, 11, 26),
        time=datetime.time(14, 5),
    )


def text_of(html: str) -> str:
    """The visible text (tags and the embedded JSON left out), whitespace collapsed."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_page_shows_the_languages_short_date_and_a_24_hour_time(
    world: Any, entry: Any, client_for: Any, language: str
) -> None:
    world.admin.language = language
    world.admin.work_date = D(2026, 12, 5)
    world.admin.save(update_fields=["language", "work_date"])
    client = client_for(world.admin)
    day, _ = EXPECTED[language]
    log_list = text_of(client.get(reverse("interactions:log-list")).content.decode())
    row = re.search(rf"{entry.entry_no} (\S+) CO1 Acme Call about the fair", log_list)
    assert row, log_list
    assert row.group(1) == day
    detail = text_of(
        client.get(
            reverse("interactions:entry-detail", kwargs={"entry_no": entry.entry_no})
        ).content.decode()
    )
    assert day in detail
    assert "14:05" in detail
    card_html = client.get(reverse("contacts:contact-detail", kwargs={"no": "CO1"})).content
    card = text_of(card_html.decode())
    timeline_row = re.search(
        rf'<tr data-entry="{entry.entry_no}".*?</tr>', card_html.decode(), re.S
    )
    assert timeline_row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", timeline_row.group(0), re.S)
    assert text_of(cells[0]).startswith(day)
    assert text_of(cells[1]) == "14:05"
    home = text_of(client.get("/").content.decode())
    assert ("2026-12-05" if language == "en" else "05-12-2026") in home  # the work date
    for page in (log_list, detail, card, home):
        assert not NEVER.findall(page)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_formats_of_each_language(language: str) -> None:
    day, stamp = EXPECTED[language]
    moment = datetime.datetime(2026, 11, 26, 22, 5)
    template = Template(
        '{{ day }}|{{ day|date:"SHORT_DATE_FORMAT" }}|{{ moment }}|'
        '{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ moment|time }}|{{ at }}|'
        '{{ day|date:"YEAR_MONTH_FORMAT" }}'
    )
    with translation.override(language):
        shown = template.render(
            Context({"day": D(2026, 11, 26), "moment": moment, "at": datetime.time(22, 5)})
        ).split("|")
        month = "November 2026" if language == "en" else "november 2026"
        assert shown == [day, day, stamp, stamp, "22:05", "22:05", month]
        assert formats.date_format(D(2026, 11, 26)) == day


def test_dutch_date_fields_accept_26_11_2026_and_the_iso_form(
    world: Any, entry: Any, client_for: Any
) -> None:
    world.admin.language = "nl"
    world.admin.save(update_fields=["language"])
    client = client_for(world.admin)
    for typed in ("26-11-2026", "2026-11-26"):
        response = client.get(
            reverse("interactions:log-list"), {"date_from": typed, "date_to": typed}
        )
        assert response.status_code == 200
        assert text_of(response.content.decode()).count("Call about the fair") == 1
    none = client.get(reverse("interactions:log-list"), {"date_from": "27-11-2026"})
    assert "Call about the fair" not in text_of(none.content.decode())
