from rest_framework.routers import SimpleRouter

from rapport.audit.api.views import AuditEntryViewSet

router = SimpleRouter(trailing_slash=True)
router.register("audit-entries", AuditEntryViewSet, basename="audit-entry")
urlpatterns = router.urls
