from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    name = "rapport.segments"
    label = "segments"
    verbose_name = _("Segments")

    def ready(self) -> None:
        from rapport.core import jobs, tiles
        from rapport.interactions.services import register_uncancel_check
        from rapport.segments.uncancel_checks import logged_segment_uncancel_check

        # Un-canceling an interaction or a campaign entry waits for its logged segment.
        register_uncancel_check(logged_segment_uncancel_check)
        from rapport.segments.tasks import segment_log_job

        jobs.register_job_source("segment_log", segment_log_job)
        from rapport.segments.models import LoggedSegment, Segment

        tiles.register(
            tiles.Tile(
                order=20,
                label=_("Active segments"),
                url_name="segments:segment-list",
                count=lambda user: Segment.objects.count(),
                icon="people",
            )
        )
        tiles.register(
            tiles.Tile(
                order=50,
                label=_("Logged segments"),
                url_name="segments:logged-segment-list",
                count=lambda user: LoggedSegment.objects.count(),
                icon="journal-check",
            )
        )
