from django.urls import path

from rapport.interactions.views import (
    campaign_entries,
    dialog,
    log,
    statistics,
    template_languages,
)
from rapport.interactions.views import setup as views

app_name = "interactions"
urlpatterns = [
    path("setup/interaction-groups/", views.InteractionGroupListView.as_view(), name="group-list"),
    path(
        "setup/interaction-groups/new/",
        views.InteractionGroupCreateView.as_view(),
        name="group-create",
    ),
    path(
        "setup/interaction-groups/<str:code>/",
        views.InteractionGroupDetailView.as_view(),
        name="group-detail",
    ),
    path(
        "setup/interaction-groups/<str:code>/edit/",
        views.InteractionGroupEditView.as_view(),
        name="group-edit",
    ),
    path(
        "setup/interaction-groups/<str:code>/delete/",
        views.InteractionGroupDeleteView.as_view(),
        name="group-delete",
    ),
    path(
        "setup/interaction-templates/",
        views.InteractionTemplateListView.as_view(),
        name="template-list",
    ),
    path(
        "setup/interaction-templates/new/",
        views.InteractionTemplateCreateView.as_view(),
        name="template-create",
    ),
    path(
        "setup/interaction-templates/<str:code>/",
        views.InteractionTemplateDetailView.as_view(),
        name="template-detail",
    ),
    path(
        "setup/interaction-templates/<str:code>/edit/",
        views.InteractionTemplateEditView.as_view(),
        name="template-edit",
    ),
    path(
        "setup/interaction-templates/<str:code>/delete/",
        views.InteractionTemplateDeleteView.as_view(),
        name="template-delete",
    ),
    path(
        "setup/interaction-templates/<str:code>/languages/new/",
        views.InteractionTemplateLanguageCreateView.as_view(),
        name="template-language-create",
    ),
    path(
        "setup/interaction-templates/<str:code>/languages/<str:language_code>/edit/",
        views.InteractionTemplateLanguageEditView.as_view(),
        name="template-language-edit",
    ),
    path(
        "setup/interaction-templates/<str:code>/languages/<str:language_code>/delete/",
        views.InteractionTemplateLanguageDeleteView.as_view(),
        name="template-language-delete",
    ),
    *template_languages.urlpatterns,
    *dialog.urlpatterns,
    *log.urlpatterns,
    *campaign_entries.urlpatterns,
    *statistics.urlpatterns,
]
