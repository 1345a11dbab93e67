"""Delivery's API routes (included in `/api/v1/`)."""

from rapport.delivery.api import letters, preview, resend

urlpatterns = [*resend.urlpatterns, *letters.urlpatterns, *preview.urlpatterns]
