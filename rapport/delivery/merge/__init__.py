"""Merge templates: the merge fields, the sandboxed Jinja2 environments with their save-time
check, the per-entry merge contexts and the merged e-mail parts (issue 10, point 3)."""
