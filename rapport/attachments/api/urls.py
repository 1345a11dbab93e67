from rest_framework.routers import SimpleRouter

from rapport.attachments.api.views import AttachmentViewSet

router = SimpleRouter(trailing_slash=True)
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = [*router.urls]
