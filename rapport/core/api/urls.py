from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from rapport.core.api.views import ApiDocsView, ApiRootView, MeView, ObtainTokenView

v1: list = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("rapport.numbering.api.urls")),
    path("", include("rapport.attachments.api.urls")),
    path("", include("rapport.setup.api.urls")),
    path("", include("rapport.contacts.api.urls")),
    path("", include("rapport.campaigns.api.urls")),
    path("", include("rapport.interactions.api.urls")),
    path("", include("rapport.segments.api.urls")),
    path("", include("rapport.delivery.api.urls")),
    path("", include("rapport.audit.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
