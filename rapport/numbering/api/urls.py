from rest_framework.routers import SimpleRouter

from rapport.numbering.api.views import NumberSeriesViewSet

router = SimpleRouter(trailing_slash=True)
router.register("number-series", NumberSeriesViewSet, basename="number-series")
urlpatterns = router.urls
