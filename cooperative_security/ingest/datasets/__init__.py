"""The publishers' data sets, one module per file: each reads its rows (``reader.py``: located errors, every
bad row told) and makes the triples of ``coopsec ingest-dataset`` (``ingest/ingest_dataset.py``) or the rows
of the dyad-year graph (``dyad_graph.py``, ``ingest/dyad_years.py``)."""
