from rapport.segments.views import jobs, languages, lines, log, segments, selection

app_name = "segments"
urlpatterns = [
    *segments.urlpatterns,
    *lines.urlpatterns,
    *languages.urlpatterns,
    *selection.urlpatterns,
    *log.urlpatterns,
    *jobs.urlpatterns,
]
