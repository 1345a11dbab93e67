from django.urls import path

from rapport.setup import views

app_name = "setup"
urlpatterns = [
    path("marketing/", views.MarketingSetupView.as_view(), name="marketing-setup"),
]
