"""Everything that touches the network or the database."""
