"""The embeddable widget: the script a page includes and the frame it opens (static files)."""
