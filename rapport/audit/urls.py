from django.urls import path, re_path

from rapport.audit import views

app_name = "audit"
urlpatterns = [
    path("audit-trail/", views.AuditEntryListView.as_view(), name="entry-list"),
    # An entry's id without leading zeros (one address per entry).
    re_path(
        r"^audit-trail/(?P<pk>0|[1-9][0-9]{0,17})/$",
        views.AuditEntryDetailView.as_view(),
        name="entry-detail",
    ),
]
