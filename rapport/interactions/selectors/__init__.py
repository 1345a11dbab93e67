"""Reads shared by the UI, the API and the CLI, by subject:

* `setup` — interaction groups, templates and template languages;
* `template_defaults` — what an interaction copies from its template (reference 2.1.3/2.1.4);
* `log` — the interaction log's lists and filters, an entry, its comments, a contact's timeline;
* `statistics` — the statistics and the chart's series (reference 2.8).

Import reads from here (`from rapport.interactions.selectors import interaction_log`).
"""

from rapport.interactions.selectors.log import (
    LOG_FILTERS,
    contact_timeline,
    filter_interactions,
    interaction_comment_get,
    interaction_comments,
    interaction_get,
    interaction_list,
    interaction_log,
    postponed_interactions,
)
from rapport.interactions.selectors.setup import (
    interaction_group_get,
    interaction_group_list,
    interaction_template_get,
    interaction_template_language_get,
    interaction_template_language_list,
    interaction_template_list,
)
from rapport.interactions.selectors.statistics import (
    BUCKET_MONTHS,
    DIMENSIONS,
    FILLED_BUCKETS,
    MAX_BUCKETS,
    PERIOD_BUCKETS,
    SCOPES,
    ZERO_COST,
    ZERO_DURATION,
    ContactStatistics,
    InteractionStatistics,
    MonthFigures,
    campaign_statistics,
    contact_statistics,
    group_statistics,
    monthly_series,
    salesperson_statistics,
    statistics_by,
    template_statistics,
)
from rapport.interactions.selectors.template_defaults import (
    TemplateDefaults,
    resolve_correspondence_type,
    template_defaults_for,
)

__all__ = [
    "BUCKET_MONTHS",
    "DIMENSIONS",
    "FILLED_BUCKETS",
    "LOG_FILTERS",
    "MAX_BUCKETS",
    "PERIOD_BUCKETS",
    "SCOPES",
    "ZERO_COST",
    "ZERO_DURATION",
    "ContactStatistics",
    "InteractionStatistics",
    "MonthFigures",
    "TemplateDefaults",
    "campaign_statistics",
    "contact_statistics",
    "contact_timeline",
    "filter_interactions",
    "group_statistics",
    "interaction_comment_get",
    "interaction_comments",
    "interaction_get",
    "interaction_group_get",
    "interaction_group_list",
    "interaction_list",
    "interaction_log",
    "interaction_template_get",
    "interaction_template_language_get",
    "interaction_template_language_list",
    "interaction_template_list",
    "monthly_series",
    "postponed_interactions",
    "resolve_correspondence_type",
    "salesperson_statistics",
    "statistics_by",
    "template_defaults_for",
    "template_statistics",
]
