"""The segments API: header and lines (`views`), interaction languages and attachments
(`languages`), contact selection (`selection`), logging and
logged segments (`log`)."""

from rapport.segments.api import languages, log, selection, views

urlpatterns = [
    *views.urlpatterns,
    *languages.urlpatterns,
    *selection.urlpatterns,
    *log.urlpatterns,
]
