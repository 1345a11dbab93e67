"""The segments app's pages, one module per area:

* `segments` — Active segments: the list, the segment card with its lines, the header and lines;
* `selection` — Add / Reduce / Refine contacts, Go back, criteria, saved criteria, reuse;
* `log` — Log segment, and the logged segments.

Each module lists its own `urlpatterns`; `rapport/segments/urls.py` joins them."""
