"""The parts of a tenant's public answers that the rendered-page cache versions separately
(``newsroom_shared.page_versions``): one release's thread, one newsroom's settings.

Per release, not per tenant: a comment, a reaction or a decision changes one thread, and a
version per tenant would drop every thread of a busy tenant on each of them. The count also
depends on its newsroom's settings (the comment period says whether it is open), which one
write changes for all the newsroom's releases: that is the second part, so a settings change
raises one version, not one per release.
"""

from __future__ import annotations


def release_part(release_id: str) -> str:
    return f"release:{release_id}"


def newsroom_part(newsroom_id: str) -> str:
    return f"newsroom:{newsroom_id}"
