"""The public web pages (HTML, server-rendered with Jinja2), apart from the JSON API."""
