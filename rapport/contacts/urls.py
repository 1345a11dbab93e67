from django.urls import path

from rapport.contacts import views

app_name = "contacts"
urlpatterns = [
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<str:no>/", views.ContactDetailView.as_view(), name="contact-detail"),
    path("contacts/<str:no>/edit/", views.ContactEditView.as_view(), name="contact-edit"),
    path("contacts/<str:no>/delete/", views.ContactDeleteView.as_view(), name="contact-delete"),
    path(
        "contacts/<str:no>/profile-answer/",
        views.ContactProfileAnswerView.as_view(),
        name="contact-profile-answer",
    ),
    path("salespeople/", views.SalespersonListView.as_view(), name="salesperson-list"),
    path("salespeople/new/", views.SalespersonCreateView.as_view(), name="salesperson-create"),
    path(
        "salespeople/<str:code>/",
        views.SalespersonDetailView.as_view(),
        name="salesperson-detail",
    ),
    path(
        "salespeople/<str:code>/edit/", views.SalespersonEditView.as_view(), name="salesperson-edit"
    ),
    path(
        "salespeople/<str:code>/delete/",
        views.SalespersonDeleteView.as_view(),
        name="salesperson-delete",
    ),
    path(
        "setup/profile-questionnaires/",
        views.ProfileQuestionnaireListView.as_view(),
        name="profile-questionnaire-list",
    ),
    path(
        "setup/profile-questionnaires/new/",
        views.ProfileQuestionnaireFormView.as_view(),
        name="profile-questionnaire-create",
    ),
    path(
        "setup/profile-questionnaires/<str:code>/edit/",
        views.ProfileQuestionnaireFormView.as_view(),
        name="profile-questionnaire-edit",
    ),
    path(
        "setup/profile-questionnaires/<str:code>/delete/",
        views.ProfileQuestionnaireDeleteView.as_view(),
        name="profile-questionnaire-delete",
    ),
    path("setup/salutations/", views.SalutationListView.as_view(), name="salutation-list"),
    path("setup/salutations/new/", views.SalutationCreateView.as_view(), name="salutation-create"),
    path(
        "setup/salutations/<str:code>/",
        views.SalutationDetailView.as_view(),
        name="salutation-detail",
    ),
    path(
        "setup/salutations/<str:code>/edit/",
        views.SalutationEditView.as_view(),
        name="salutation-edit",
    ),
    path(
        "setup/salutations/<str:code>/delete/",
        views.SalutationDeleteView.as_view(),
        name="salutation-delete",
    ),
]

for table in views.CODE_TABLES:
    urlpatterns += [
        path(
            f"setup/{table.slug}/",
            views.CodeTableListView.as_view(table=table),
            name=f"{table.name}-list",
        ),
        path(
            f"setup/{table.slug}/new/",
            views.CodeTableCreateView.as_view(table=table),
            name=f"{table.name}-create",
        ),
        path(
            f"setup/{table.slug}/<str:code>/edit/",
            views.CodeTableEditView.as_view(table=table),
            name=f"{table.name}-edit",
        ),
        path(
            f"setup/{table.slug}/<str:code>/delete/",
            views.CodeTableDeleteView.as_view(table=table),
            name=f"{table.name}-delete",
        ),
    ]
