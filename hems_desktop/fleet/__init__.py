"""The fleet path's schemas: Pub/Sub checks our cloud messages, a BigQuery subscription stores them.

* `PUBSUB_SCHEMA`: ``hems_reading.proto``, the Protocol Buffer schema of the message body (the
  seed's JSON record, unchanged); create the topic with it and ``--message-encoding=json``.
* `BIGQUERY_TABLE_SCHEMA`: ``bigquery_table.json``, the table a BigQuery subscription writes with
  "use topic schema" and "write metadata" (the metadata columns carry ``reading_id`` in
  ``attributes``). README "Fleet: Pub/Sub to BigQuery" has the commands and the deduplicating view.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
PUBSUB_SCHEMA = FOLDER / "hems_reading.proto"
PUBSUB_MESSAGE_NAME = "HemsReading"
BIGQUERY_TABLE_SCHEMA = FOLDER / "bigquery_table.json"
