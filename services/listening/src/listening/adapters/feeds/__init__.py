"""Feed sources' outside world: the HTTP fetcher and the RSS/Atom parser."""
