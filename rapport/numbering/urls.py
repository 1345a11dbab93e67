from django.urls import path

from rapport.numbering import views

app_name = "numbering"
urlpatterns = [
    path("", views.NumberSeriesListView.as_view(), name="list"),
    path("new/", views.NumberSeriesCreateView.as_view(), name="create"),
    path("<str:code>/", views.NumberSeriesDetailView.as_view(), name="detail"),
    path("<str:code>/edit/", views.NumberSeriesEditView.as_view(), name="edit"),
    path("<str:code>/delete/", views.NumberSeriesDeleteView.as_view(), name="delete"),
    path("<str:code>/draw/", views.NumberSeriesDrawView.as_view(), name="draw"),
]
