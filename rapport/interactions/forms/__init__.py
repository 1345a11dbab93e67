"""The interactions app's forms, one module per page area (see `rapport.interactions.views`)."""
