from django.urls import path

from rapport.attachments import views

app_name = "attachments"
urlpatterns = [
    path("attachments/<int:no>/", views.AttachmentDetailView.as_view(), name="attachment-detail"),
    path("attachments/<int:no>/edit/", views.AttachmentEditView.as_view(), name="attachment-edit"),
    path(
        "attachments/<int:no>/content/",
        views.AttachmentContentView.as_view(),
        name="attachment-content",
    ),
    path(
        "attachments/<int:no>/body/",
        views.AttachmentBodyView.as_view(),
        name="attachment-body",
    ),
    path(
        "attachments/<int:no>/import/",
        views.AttachmentImportView.as_view(),
        name="attachment-import",
    ),
    path(
        "attachments/<int:no>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment-delete",
    ),
]
