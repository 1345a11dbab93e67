from django.urls import path

from rapport.contacts import views

app_name = "contacts"
urlpatterns = [
    path("salespeople/", views.SalespersonListView.as_view(), name="salesperson-list"),
    path("salespeople/new/", views.SalespersonCreateView.as_view(), name="salesperson-create"),
    path("setup/languages/", views.LanguageListView.as_view(), name="language-list"),
    path("setup/languages/new/", views.LanguageCreateView.as_view(), name="language-create"),
    path(
        "setup/languages/<str:code>/edit/", views.LanguageEditView.as_view(), name="language-edit"
    ),
    path(
        "setup/languages/<str:code>/delete/",
        views.LanguageDeleteView.as_view(),
        name="language-delete",
    ),
    path(
        "salespeople/<str:code>/", views.SalespersonDetailView.as_view(), name="salesperson-detail"
    ),
    path(
        "salespeople/<str:code>/edit/", views.SalespersonEditView.as_view(), name="salesperson-edit"
    ),
    path(
        "salespeople/<str:code>/delete/",
        views.SalespersonDeleteView.as_view(),
        name="salesperson-delete",
    ),
]
