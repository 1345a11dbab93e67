"""Delivery's pages (namespace `delivery:`)."""

from django.urls import path

from rapport.delivery.views import delivery, preview

app_name = "delivery"

urlpatterns = [
    path(
        "logged-segments/<int:entry_no>/delivery/",
        delivery.LoggedSegmentDeliveryView.as_view(),
        name="logged-segment-delivery",
    ),
    path(
        "logged-segments/<int:entry_no>/delivery/resend/",
        delivery.LoggedSegmentResendView.as_view(),
        name="logged-segment-resend",
    ),
    path(
        "logged-segments/<int:entry_no>/delivery/letters/",
        delivery.LoggedSegmentLettersView.as_view(),
        name="logged-segment-letters",
    ),
    path(
        "interactions/<int:entry_no>/delivery/",
        delivery.InteractionDeliveryView.as_view(),
        name="interaction-delivery",
    ),
    path(
        "interactions/<int:entry_no>/delivery/resend/",
        delivery.InteractionResendView.as_view(),
        name="interaction-resend",
    ),
    path(
        "interactions/<int:entry_no>/delivery/letters/",
        delivery.InteractionLettersView.as_view(),
        name="interaction-letters",
    ),
    *preview.urlpatterns,
]
