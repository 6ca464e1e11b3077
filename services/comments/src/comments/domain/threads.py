"""A page of a release's thread: top-level comments, each with the replies under it.

Replies come oldest first, except the company's official replies, which are pinned first
under the comment they answer. A reply whose parent is not shown (held, hidden, deleted) is
not shown either: it would answer nothing the reader can see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from comments.domain.comment import Comment


@dataclass(frozen=True, slots=True)
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)


def threads(roots: Sequence[Comment], replies: Sequence[Comment]) -> list[Node]:
    nodes = {root.id: Node(root) for root in roots if root.visible}
    ordered = sorted(
        (r for r in replies if r.visible),
        key=lambda r: (r.place.depth, not r.is_official_reply, r.posted_at, r.id),
    )
    for reply in ordered:
        parent = nodes.get(reply.place.parent_id or "")
        if parent is None:
            continue
        node = Node(reply)
        parent.replies.append(node)
        nodes[reply.id] = node
    return [nodes[root.id] for root in roots if root.id in nodes]
