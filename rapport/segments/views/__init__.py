"""The segments app's pages, one module per area:

* `base` — what every page shares: the role check, the segment and line of the URL (404);
* `segments` — Active segments: the list, the segment card with its lines, the header;
* `lines` — lines by hand: add, personalise (own page or in place), remove;
* `fill` — the header's and a line's form filled from a chosen template (htmx);
* `selection` — Add / Reduce / Refine contacts, Go back, criteria, saved criteria, reuse;
* `log` — Log segment, and the logged segments.

Each module lists its own `urlpatterns`; `rapport/segments/urls.py` joins them."""
