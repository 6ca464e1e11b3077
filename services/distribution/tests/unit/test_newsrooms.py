"""The newsroom read model's rule: a newsroom's state is replaced only by one at least as new."""

from distribution.domain.newsrooms import Newsroom


def newsroom(version: int, name: str = "Acme") -> Newsroom:
    return Newsroom("t1", "n1", "acme", name, "en", version)


def test_a_newer_or_equal_version_supersedes_and_an_older_one_does_not() -> None:
    stored = newsroom(2)
    assert newsroom(1).supersedes(None)
    assert newsroom(3, "Acme Three").supersedes(stored)
    assert newsroom(2).supersedes(stored)  # the same state again (a republish): harmless
    assert not newsroom(1, "Acme One").supersedes(stored)  # late: it would undo a change
