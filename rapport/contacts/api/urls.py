from rest_framework.routers import SimpleRouter

from rapport.contacts.api.views import LanguageViewSet, SalespersonViewSet

router = SimpleRouter(trailing_slash=True)
router.register("salespeople", SalespersonViewSet, basename="salesperson")
router.register("languages", LanguageViewSet, basename="language")
urlpatterns = router.urls
