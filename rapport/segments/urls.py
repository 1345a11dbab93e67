from rapport.segments.views import lines, log, segments, selection

app_name = "segments"
urlpatterns = [
    *segments.urlpatterns,
    *lines.urlpatterns,
    *selection.urlpatterns,
    *log.urlpatterns,
]
