"""Everything that talks to the outside: MongoDB repositories, key hashing, link signing."""
