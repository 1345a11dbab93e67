"""The segments API: header and lines (`views`), contact selection (`selection`), logging and
logged segments (`log`)."""

from rapport.segments.api import log, selection, views

urlpatterns = [*views.urlpatterns, *selection.urlpatterns, *log.urlpatterns]
