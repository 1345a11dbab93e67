from rapport.segments.views import segments

app_name = "segments"
urlpatterns = [*segments.urlpatterns]
