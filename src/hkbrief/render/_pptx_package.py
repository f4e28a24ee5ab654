"""The private python-pptx calls the deck writer makes, in one place.

Why they exist: python-pptx 1.0 has no public way to list the package's own relationships, to add a relationship
without searching every existing one (``get_or_add`` is linear, so adding 1,000 slides was quadratic), or to get
the package's members without its ``save`` (which compresses each entry with its own dates and order, so builds
would not repeat byte for byte). These reach into ``OpcPackage._rels``, ``_Relationships._add_relationship`` and
``PackageWriter._write_*``; that is why python-pptx is pinned below 1.1 in pyproject.toml, and a test builds and
reopens decks on the pinned version. What would let us drop them: public equivalents in python-pptx (a package
relationships accessor, an ``add`` that trusts a new target, a writer that takes a member sink).
"""

from __future__ import annotations

__all__ = ["add_new_relationship", "package_members", "package_relationships"]


def package_relationships(package) -> list[tuple[str, object]]:  # noqa: ANN001 - python-pptx's OpcPackage
    """The package's own relationships (``_rels/.rels``) as (id, relationship) pairs."""
    return list(package._rels.items())


def add_new_relationship(rels, reltype: str, target) -> str:  # noqa: ANN001 - python-pptx's objects
    """Relate ``target`` (a part that cannot be related yet) without searching every existing relationship."""
    return rels._add_relationship(reltype, target)


class _Members(dict):
    """The package's entries by member name; stands in for the zip file python-pptx's writer would fill."""

    def write(self, pack_uri, blob: bytes) -> None:  # noqa: ANN001 - python-pptx's PackURI
        """Keep one member."""
        self[pack_uri.membername] = blob


def package_members(package) -> dict[str, bytes]:  # noqa: ANN001 - python-pptx's OpcPackage
    """Every member of the package (content types, package relationships, parts) by name, uncompressed."""
    from pptx.opc.serialized import PackageWriter

    members = _Members()
    writer = PackageWriter(None, package._rels, tuple(package.iter_parts()))
    writer._write_content_types_stream(members)
    writer._write_pkg_rels(members)
    writer._write_parts(members)
    return dict(members)
