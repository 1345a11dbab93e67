"""The interactions app's pages, one module per area:

* `setup` — interaction groups and templates (with their language rows);
* `dialog` — the Create interaction dialog, also used to resume a postponed interaction;
* `log` — the interaction log, its entry actions and the postponed interactions;
* `statistics` — the statistics panels and pages with their monthly chart.

Each module lists its own `urlpatterns`; `rapport/interactions/urls.py` joins them."""
