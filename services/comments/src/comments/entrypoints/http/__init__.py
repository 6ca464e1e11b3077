"""HTTP routers, grouped by resource."""
