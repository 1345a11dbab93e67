from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from rapport.core.views import api_aware_page_not_found, api_aware_server_error

urlpatterns = [
    path("", include("rapport.core.urls")),
    path("setup/", include("rapport.setup.urls")),
    path("setup/number-series/", include("rapport.numbering.urls")),
    path("", include("rapport.contacts.urls")),
    path("", include("rapport.interactions.urls")),
    path("", include("rapport.segments.urls")),
    path("", include("rapport.campaigns.urls")),
    path("", include("rapport.attachments.urls")),
    path("", include("rapport.delivery.urls")),
    path("", include("rapport.audit.urls")),
    path("api/", include("rapport.core.api.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
]

handler400 = "rapport.core.api.exceptions.api_aware_bad_request"
handler404 = api_aware_page_not_found
handler500 = api_aware_server_error
