from django.urls import path

from rapport.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path("campaigns/<str:no>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<str:no>/edit/", views.CampaignEditView.as_view(), name="campaign-edit"),
    path("campaigns/<str:no>/delete/", views.CampaignDeleteView.as_view(), name="campaign-delete"),
]
