"""The interactions app's pages, one module per area:

* `setup` — interaction groups and templates (with their language rows);
* `dialog` — the Create interaction dialog, also used to resume a postponed interaction;
* `log` (a package) — the interaction log, an entry's card, its comment lines, the postponed
  interactions and Delete interaction log entries;
* `campaign_entries` — the campaign entries list and card, Cancel / Uncancel, Delete canceled;
* `delete_canceled` — the preview-then-delete flow both "delete canceled" pages share;
* `statistics` — the statistics panels and pages with their monthly chart.

Each module lists its own `urlpatterns`; `rapport/interactions/urls.py` joins them."""
