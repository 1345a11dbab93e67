from django.urls import path

from rapport.setup.api.views import MarketingSetupView

urlpatterns = [path("marketing-setup/", MarketingSetupView.as_view(), name="api-marketing-setup")]
