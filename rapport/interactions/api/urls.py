from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from rapport.core.api.viewsets import CODE_LOOKUP_REGEX
from rapport.interactions.api.campaign_entries import (
    CampaignEntryInteractionsView,
    CampaignEntryViewSet,
)
from rapport.interactions.api.statistics import (
    CampaignStatisticsView,
    ContactStatisticsView,
    SalespersonStatisticsView,
)
from rapport.interactions.api.template_language_attachments import (
    InteractionTemplateLanguageAttachmentView,
)
from rapport.interactions.api.views import (
    InteractionGroupViewSet,
    InteractionTemplateLanguageViewSet,
    InteractionTemplateViewSet,
    InteractionViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("interaction-groups", InteractionGroupViewSet, basename="interaction-group")
router.register(
    "interaction-templates", InteractionTemplateViewSet, basename="interaction-template"
)
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("campaign-entries", CampaignEntryViewSet, basename="campaign-entry")

template_languages = InteractionTemplateLanguageViewSet.as_view({"get": "list", "post": "create"})
template_language = InteractionTemplateLanguageViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)

# The list is not named "...-list": it lives under a template's key, so an unknown template
# answers 404 (the project-wide pagination test expects key-less lists under that suffix).
urlpatterns = [
    *router.urls,
    path(
        "campaign-entries/<int:entry_no>/interactions/",
        CampaignEntryInteractionsView.as_view(),
        name="campaign-entry-interactions",
    ),
    path(
        "contacts/<str:no>/statistics/", ContactStatisticsView.as_view(), name="contact-statistics"
    ),
    # The campaign's key as the campaign router's (CODE_LOOKUP_REGEX), so the schema is the same.
    re_path(
        rf"^campaigns/(?P<no>{CODE_LOOKUP_REGEX})/statistics/$",
        CampaignStatisticsView.as_view(),
        name="campaign-statistics",
    ),
    path(
        "salespeople/<str:code>/statistics/",
        SalespersonStatisticsView.as_view(),
        name="salesperson-statistics",
    ),
    path(
        "interaction-templates/<str:template_code>/languages/",
        template_languages,
        name="interaction-template-languages",
    ),
    path(
        "interaction-templates/<str:template_code>/languages/<str:language_code>/",
        template_language,
        name="interaction-template-language-detail",
    ),
    path(
        "interaction-templates/<str:template_code>/languages/<str:language_code>/attachment/",
        InteractionTemplateLanguageAttachmentView.as_view(),
        name="interaction-template-language-attachment",
    ),
]
