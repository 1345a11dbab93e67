"""The segments API: header and lines (`views`), contact selection (`selection`), logging and
logged segments (`log`)."""

from rapport.segments.api import views

urlpatterns = [*views.urlpatterns]
