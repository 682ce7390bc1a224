"""Replacing graphs at the cost of what changes: one SPARQL update for a small change, the copies and
the journal (replacement_journal.py) for a big one, the bulk loader for new graphs; and replacing a graph
whole from N-Triples text as it streams in (``replace_graph_ntriples``)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Mapping
from typing import BinaryIO

import pyoxigraph as ox

from .copies import Copies
from .folder import BULK_AFTER, BYTES_PER_TRIPLE, SAMPLE, SMALL_REPLACEMENT, STAGING_PREFIX, disk_full
from .graphs import graph_size, ntriples
from .replacement_journal import JournalledReplacement
from .sparql_text import difference_update, move_graph_update


class Replacement(JournalledReplacement, Copies):
    """How ``EmbeddedStore.replace_graphs`` and ``replace_graph_ntriples`` write: the choice of the way."""

    def _replace(self, materialised: dict[ox.NamedNode, list[ox.Triple]], written: int) -> int:
        if any(self._store.contains_named_graph(g) for g in materialised):
            self._replace_existing(materialised)
        elif self.path and written >= BULK_AFTER:
            self._bulk_publish(materialised)
        else:
            # Nothing to replace: one transactional extend is enough and much faster. The quads are
            # made as extend consumes them (inside its one transaction), never held in a list.
            self._store.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                               for g, ts in materialised.items() for t in ts)
            for g, ts in materialised.items():
                if not ts:
                    self._store.add_graph(g)
            if self.path:
                self._keep_copies_of(materialised)
        return written

    def _replace_existing(self, graphs: dict[ox.NamedNode, list[ox.Triple]]) -> None:
        """Replace graphs some of which exist, all or nothing, at the cost of what changes.

        What changes is found by comparing the old graphs with the new ones. A small change (or any
        change in memory) is one SPARQL update: ``DELETE DATA`` and ``INSERT DATA`` of the difference
        (a graph losing blank nodes, which ``DELETE DATA`` cannot name, is dropped and inserted whole).
        A big change on disk is committed by writing the new graphs to a file and a journal naming
        them, then the graphs are dropped and the file bulk-loaded (see ``REPLACEMENT_FILE``): no
        SPARQL text to parse, and the bulk loader's speed for the new triples. Reading a big old graph
        costs about a third of loading it, so when a sample of it shows that most of it goes, the
        difference is not computed: the big change is certain.
        """
        if self.path and self._replace_from_copies(graphs):
            return
        news = {g: set(triples) for g, triples in graphs.items()}
        if self.path:
            sizes = {g: graph_size(self._store, g) for g in graphs}
            if sum(sizes.values()) > SMALL_REPLACEMENT:
                sample = [(q.triple, q.graph_name) for g in graphs
                          for q in itertools.islice(self._store.quads_for_pattern(None, None, None, g), SAMPLE)]
                kept = len([t for t, g in sample if t in news[g]])  # type: ignore[index]
                if sample and kept < len(sample) / 2:
                    self._replace_through_journal(graphs, sizes)
                    return
        sizes = {}
        deletions: dict[ox.NamedNode, set[ox.Triple]] = {}
        insertions: dict[ox.NamedNode, set[ox.Triple] | list[ox.Triple]] = {}
        whole: list[ox.NamedNode] = []
        cost = 0
        for g, triples in graphs.items():
            new = news[g]
            old = {q.triple for q in self._store.quads_for_pattern(None, None, None, g)}
            sizes[g] = len(old)
            gone = old - new
            if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in gone):
                whole.append(g)
                insertions[g] = triples
                cost += len(old) + len(triples)
            else:
                deletions[g] = gone
                insertions[g] = new - old
                cost += len(gone) + len(new - old)
            del old
        if self.path and cost > SMALL_REPLACEMENT:
            self._replace_through_journal(graphs, sizes)
            return
        self._store.update(difference_update(deletions, insertions, whole))
        for g in graphs:
            self._store.add_graph(g)  # an empty new graph stays named (no-op for the others)
        if self.path:
            self._keep_copies_of(graphs)

    def _replace_from_copies(self, graphs: dict[ox.NamedNode, list[ox.Triple]]) -> bool:
        """A big replacement that knows the old triples from the graphs' copies (``COPIES_DIR``), without
        reading the store: committed like any (``REPLACEMENT_FILE``), then the old triples the new text
        lacks are deleted while the bulk loader loads all the new ones, and the graphs' sizes are checked.
        False (nothing done) when an existing graph has no copy, blank nodes are involved (``DELETE DATA``
        cannot name them), or the copies show a small change: that is computed from the store itself, as
        one update, since a stale copy could hide a triple the new content needs."""
        olds: dict[ox.NamedNode, list[bytes]] = {}
        for g in graphs:
            lines = self._read_copy(g) if self._store.contains_named_graph(g) else []
            if lines is None:
                return False
            olds[g] = lines
        texts = ntriples(graphs)
        if any(b"_:" in text for text in texts.values()):
            return False
        news = {g: set(text.splitlines()) for g, text in texts.items()}
        # in the copy's order (the serialiser's: by subject), which the deletion needs: in a hash set's
        # order it takes a quarter longer
        gone = {g: [line for line in olds[g] if line not in news[g]] for g in graphs}
        changed = sum(map(len, gone.values())) + sum(len(news[g].difference(olds[g])) for g in graphs)
        if changed <= SMALL_REPLACEMENT:
            return False
        self._replace_through_journal(graphs, {}, texts=texts, gone=gone, distinct={g: len(news[g]) for g in graphs})
        self._keep_copies(texts)
        return True

    def replace_graph_ntriples(self, graph: ox.NamedNode, chunks: Iterable[bytes], lenient: bool = False,
                               beside: Mapping[ox.NamedNode, list[ox.Triple]] | None = None) -> int:
        """Replace ``graph`` whole with N-Triples text in chunks (whole lines each, as the project writes them:
        ``S P O .``), all or nothing, at the bulk loader's speed; returns the lines loaded. The small graphs
        ``beside`` (the load's record, say) replace theirs in the same step: all of them, or none.

        Graphs that do not exist yet are loaded hidden and published at the end (:meth:`new_graphs`). Existing
        ones are replaced through the journal, as a big :meth:`replace_graphs` is (the text is written to
        ``REPLACEMENT_DATA`` as it comes, then the old graphs are dropped and the file loaded). A SPARQL
        ``MOVE`` of a loaded temporary graph, the way this used to be done, holds the whole move in one
        transaction: 2.3 million triples took 11 minutes and 8 GB."""
        self._writable()
        self._settle()
        count = 0
        beside = dict(beside or {})
        existing = {g for g in [graph, *beside] if self._store.contains_named_graph(g)}
        if not existing or self.path is None:
            # in memory an existing graph is loaded beside (hidden) and moved over it in one transaction
            into = {g: ox.NamedNode(f"{STAGING_PREFIX}replacing/{uuid.uuid4().hex}") if g in existing else g
                    for g in [graph, *beside]}
            with self.new_graphs(into.values()) as raw:
                for chunk in chunks:
                    count += chunk.count(b"\n")
                    raw.bulk_load(input=chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=into[graph], lenient=lenient)
                raw.extend(ox.Quad(t.subject, t.predicate, t.object, into[g]) for g, ts in beside.items() for t in ts)
                for staged in into.values():
                    raw.add_graph(staged)
                if existing:
                    raw.update(" ;\n".join(move_graph_update(into[g], g) for g in sorted(existing, key=str)))
            return count
        tail = str(graph).encode() + b" .\n"

        def write(fh: BinaryIO) -> None:
            nonlocal count
            for chunk in chunks:
                count += chunk.count(b"\n")
                fh.write(b"".join(line[:-1] + tail for line in chunk.splitlines()))

        try:
            self._replace_through_journal({graph: [], **beside},
                                          {g: graph_size(self._store, g) for g in [graph, *beside]},
                                          texts=ntriples(beside), write_data=write)
        except OSError as exc:
            if disk_full(exc):
                raise self._full(exc, BYTES_PER_TRIPLE * max(count, 1)) from exc
            raise
        return count

    def _bulk_publish(self, graphs: Mapping[ox.NamedNode, list[ox.Triple]]) -> None:
        """New graphs through the bulk loader, from their N-Triples text (about 1 s faster at 200,000 triples
        than handing it Python quads), which is then kept as the graphs' copies (``COPIES_DIR``)."""
        texts = ntriples(graphs)
        with self.new_graphs(graphs) as raw:
            if any(b"_:" in text for text in texts.values()):  # blank nodes keep their identity as objects
                raw.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g) for g, ts in graphs.items() for t in ts)
            else:
                for g, text in texts.items():
                    if text:
                        raw.bulk_load(input=text, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            for g, ts in graphs.items():
                if not ts:
                    raw.add_graph(g)
        self._keep_copies(texts)
