from rapport.segments.views import log, segments, selection

app_name = "segments"
urlpatterns = [*segments.urlpatterns, *selection.urlpatterns, *log.urlpatterns]
