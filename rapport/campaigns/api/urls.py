from rest_framework.routers import SimpleRouter

from rapport.campaigns.api.views import CampaignViewSet

router = SimpleRouter(trailing_slash=True)
router.register("campaigns", CampaignViewSet, basename="campaign")
urlpatterns = router.urls
