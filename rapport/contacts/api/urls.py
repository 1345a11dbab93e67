from rest_framework.routers import SimpleRouter

from rapport.contacts.api import views

router = SimpleRouter(trailing_slash=True)
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("salespeople", views.SalespersonViewSet, basename="salesperson")
router.register("languages", views.LanguageViewSet, basename="language")
router.register("countries", views.CountryViewSet, basename="country")
router.register("territories", views.TerritoryViewSet, basename="territory")
router.register("mailing-groups", views.MailingGroupViewSet, basename="mailing-group")
router.register("industry-groups", views.IndustryGroupViewSet, basename="industry-group")
router.register(
    "job-responsibilities", views.JobResponsibilityViewSet, basename="job-responsibility"
)
router.register("business-relations", views.BusinessRelationViewSet, basename="business-relation")
router.register(
    "profile-questionnaires", views.ProfileQuestionnaireViewSet, basename="profile-questionnaire"
)
router.register("salutations", views.SalutationViewSet, basename="salutation")
urlpatterns = router.urls
