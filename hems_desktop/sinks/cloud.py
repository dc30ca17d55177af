"""--output cloud: publish readings to Google Cloud Pub/Sub without losing any.

Data flow::

    write(reading) --> Spool (SQLite, durable) --> publisher thread --> PublisherClient --> Pub/Sub
                                     ^                                        |
                                     +------ row deleted only on ack <--------+

* `PubSubSink.write` only inserts the message into the spool (`hems_desktop.sinks.spool`) and
  wakes the publisher thread: it never waits for the network.
* The publisher thread creates the `google.cloud.pubsub_v1.PublisherClient` lazily, with message
  ordering enabled; the ordering key is the meter id. It publishes the spooled rows oldest first
  and deletes a row only after Pub/Sub acknowledged it. On a failure it calls
  `resume_publish(topic, ordering_key)` for the affected keys and retries with capped
  exponential backoff and jitter; the rows stay in the spool (also across restarts).
* Delivery: every reading is published in order and, from the spool's point of view, exactly
  once (deleted on ack). A duplicate delivery is still possible in theory: when the process
  dies (or `close` gives up) between Pub/Sub's acknowledgement and the row's deletion, or when
  an acknowledgement is lost on the network, the message is published again at the next
  attempt. Every message carries the `reading_id` attribute so that subscribers can
  deduplicate.

Message format: data = the seed's JSON record (`Reading.to_record()`, UTF-8, seed field names,
no trailing newline), or the record of the `--fields` chosen; attributes = `reading_id`,
`meter_id`, `schema_version` ("1" for the seed's fields, "2" for any other field list: its body
follows the schema's version-2 fields, see fleet/hems_reading.proto), `source` ("hems-desktop")
and `timestamp` (the reading's ISO 8601 time).

Problems (no credentials, topic not found, permission denied, network down) are reported once
per episode, not per reading, through `logging.warning` and the optional ``on_error`` callback
(called from the publisher thread, or from `write` for the spool's fill-level warnings); messages
never contain credentials.

google-cloud-pubsub (the ``cloud`` extra) is imported only here, when a `PubSubSink` is built.
`PUBSUB_EMULATOR_HOST` is honoured by the client itself (insecure channel, anonymous credentials).
"""

from __future__ import annotations

import concurrent.futures
import importlib
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hems_desktop.backoff import backoff_s
from hems_desktop.describe import describe_google_error
from hems_desktop.reading import RECORD_FIELDS, Reading, choose_fields, reading_id
from hems_desktop.sinks.base import SinkError
from hems_desktop.sinks.spool import DEFAULT_MAX_MESSAGES, Spool, SpooledMessage, SpoolError

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"  # the seed's five fields
FIELDS_SCHEMA_VERSION = "2"  # a --fields list: the schema's optional version-2 fields may be present
SOURCE = "hems-desktop"
INSTALL_HINT = "pip install 'hems-desktop[cloud]'"
DEFAULT_GRACE_S = 30.0
DEFAULT_ORDERING_KEY = "unknown-meter"  # readings without a meter id still keep their order
ROWS_PER_ROUND = 500  # spool rows handed to the client at once (the client batches them into RPCs)
_POLL_S = 0.25  # how often waits look at the stop flag
_STOP_JOIN_S = 5.0  # after the grace period: how long close() waits for the thread to notice



def _import_pubsub() -> Any:
    """google.cloud.pubsub_v1, or SinkError telling how to install it."""
    try:
        return importlib.import_module("google.cloud.pubsub_v1")
    except ImportError:
        raise SinkError(f"--output cloud needs google-cloud-pubsub: {INSTALL_HINT}", "cloud") from None


def encode_message(reading: Reading, fields: tuple[str, ...] = RECORD_FIELDS) -> bytes:
    """The message body: the seed's JSON record (or the chosen fields'), UTF-8."""
    try:
        return json.dumps(reading.to_record(fields), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ValueError:
        raise ValueError("the reading holds a value JSON cannot represent (NaN or infinity)") from None


def effective_reading_id(reading: Reading) -> str:
    if reading.reading_id:
        return reading.reading_id
    return reading_id(reading.meter_id, reading.timestamp)


def schema_version(fields: tuple[str, ...]) -> str:
    """"1" for the seed's record, "2" for any other field list (it changes only then)."""
    return SCHEMA_VERSION if tuple(fields) == RECORD_FIELDS else FIELDS_SCHEMA_VERSION


def message_attributes(reading: Reading, reading_id: str, version: str = SCHEMA_VERSION) -> dict[str, str]:
    return {
        "reading_id": reading_id,
        "meter_id": reading.meter_id,
        "schema_version": version,
        "source": SOURCE,
        "timestamp": reading.timestamp.isoformat(),
    }


def ordering_key(reading: Reading) -> str:
    return reading.meter_id or DEFAULT_ORDERING_KEY


class PubSubSink:
    """Durable, ordered Pub/Sub output. See the module docstring.

    `grace_seconds`: how long `close` keeps publishing what is spooled before giving up (the
    rest stays in the spool for the next start). `spool_path`: the SQLite file (default
    ``<user data dir>/hems-desktop/pubsub-spool.sqlite3``); `max_spooled`: its bound.
    `backoff_base_s`/`backoff_cap_s`: the retry delays (doubling, with jitter);
    `publish_timeout_s`: the deadline of one Publish RPC; `max_latency_s`: the client's
    batching delay. `fields`: the record's fields (`--fields`; default the seed's five).

    Raises SinkError when google-cloud-pubsub is not installed or the spool cannot be opened.
    """

    def __init__(
        self,
        project: str,
        topic: str,
        *,
        spool_path: Path | str | None = None,
        max_spooled: int = DEFAULT_MAX_MESSAGES,
        grace_seconds: float = DEFAULT_GRACE_S,
        on_error: Callable[[str], None] | None = None,
        backoff_base_s: float = 1.0,
        backoff_cap_s: float = 60.0,
        publish_timeout_s: float = 60.0,
        max_latency_s: float = 0.01,
        fields: tuple[str, ...] = RECORD_FIELDS,
    ) -> None:
        self.name = "cloud"
        try:
            self.fields = choose_fields(fields)
        except ValueError as exc:
            raise SinkError(f"--fields: {exc}", "cloud") from None
        self.schema_version = schema_version(self.fields)
        if "timestamp" not in self.fields:
            log.warning("--fields without timestamp: the fleet's Pub/Sub schema (hems_reading.proto) requires it, "
                        "so a topic with that schema refuses these messages")
        self.project = project
        self.topic = topic
        self.topic_path = f"projects/{project}/topics/{topic}"
        self.grace_seconds = max(0.0, grace_seconds)
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.publish_timeout_s = publish_timeout_s
        self.max_latency_s = max_latency_s
        self.published = 0  # messages acknowledged by Pub/Sub in this run
        self._on_error = on_error
        self._pubsub = _import_pubsub()
        try:
            self.spool = Spool(spool_path, max_messages=max_spooled, on_warning=self._notify)
        except SpoolError as exc:
            raise SinkError(str(exc), self.name) from None
        self._client: Any = None
        self._reported: set[str] = set()
        self._failures = 0
        self._closed = False
        self._close_lock = threading.Lock()
        self._wake = threading.Event()  # new rows, or close
        self._interrupt = threading.Event()  # cut a backoff short (close starts, stop)
        self._closing = threading.Event()  # no new rows: finish what is spooled
        self._stop_now = threading.Event()  # grace period over
        waiting = len(self.spool)
        if waiting:
            log.info("%d reading(s) from an earlier run are waiting in the Pub/Sub spool %s", waiting, self.spool.path)
        self._thread = threading.Thread(target=self._run, name="hems-pubsub-publisher", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"PubSubSink({self.topic_path!r}, spool={str(self.spool.path)!r})"

    # ---- Sink interface ----

    def write(self, reading: Reading) -> None:
        """Spool the reading (durably) and wake the publisher. Never waits for the network."""
        if self._closed:
            raise SinkError("the Pub/Sub output is closed", self.name)
        rid = effective_reading_id(reading)
        try:
            data = encode_message(reading, self.fields)
        except ValueError as exc:
            raise SinkError(str(exc), self.name) from None
        try:
            self.spool.put(rid, data, message_attributes(reading, rid, self.schema_version), ordering_key(reading))
        except SpoolError as exc:
            raise SinkError(str(exc), self.name) from None
        self._wake.set()

    def close(self) -> None:
        """Stop taking readings, publish what is spooled for up to `grace_seconds`, then stop.

        Whatever is still spooled then is logged and kept for the next start. Idempotent.
        """
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        waiting = len(self.spool)
        if waiting and self.grace_seconds > 0 and self._thread.is_alive():
            log.info("publishing %d spooled reading(s) to Pub/Sub before exit (up to %g s)", waiting,
                     self.grace_seconds)
        self._closing.set()
        self._interrupt.set()
        self._wake.set()
        self._thread.join(self.grace_seconds)
        self._stop_now.set()
        self._interrupt.set()
        self._wake.set()
        self._thread.join(_STOP_JOIN_S)
        left = len(self.spool)
        if left:
            log.warning("%d reading(s) are still waiting in the Pub/Sub spool %s: they will be published at the "
                        "next start", left, self.spool.path)
        if self.spool.dropped:
            log.warning("%d reading(s) were dropped because the Pub/Sub spool was full", self.spool.dropped)
        self.spool.close()

    def abandon(self) -> None:
        """Stop publishing at once (a second Ctrl-C during the exit's flush); the spool keeps the rest."""
        self._stop_now.set()
        self._interrupt.set()
        self._wake.set()

    # ---- helpers for callers and tests ----

    @property
    def pending(self) -> int:
        """Readings spooled and not yet acknowledged."""
        return len(self.spool)

    def wait_until_empty(self, timeout: float) -> bool:
        """Wait until everything spooled was acknowledged; False on timeout."""
        deadline = time.monotonic() + timeout
        while len(self.spool):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    # ---- the publisher thread ----

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # a bug: say so once, the rows stay spooled
            log.exception("the Pub/Sub publisher stopped")
            self._notify(f"the Pub/Sub publisher stopped ({type(exc).__name__}); "
                         "spooled readings will be sent at the next start")
        finally:
            self._shutdown_client()

    def _loop(self) -> None:
        while not self._stop_now.is_set():
            self._wake.clear()
            try:
                rows = self.spool.peek(ROWS_PER_ROUND)
            except SpoolError as exc:
                self._failed("spool", str(exc))
                continue
            if not rows:
                if self._closing.is_set():
                    return
                self._wake.wait(1.0)
                continue
            error = self._publish(rows)
            if error is None:
                if self._failures:
                    log.info("Pub/Sub publishing works again")
                self._failures = 0
                self._reported.clear()
            elif not self._stop_now.is_set():
                self._failed(*describe_google_error(error, self.project, self.topic))

    def _publish(self, rows: list[SpooledMessage]) -> BaseException | None:
        """Publish rows in order, delete the acknowledged ones; the first failure (None: all acked)."""
        try:
            client = self._ensure_client()
        except Exception as exc:
            return exc
        sent: list[tuple[SpooledMessage, concurrent.futures.Future[Any]]] = []
        first_error: BaseException | None = None
        failed_keys: set[str] = set()
        for row in rows:
            try:
                future = client.publish(self.topic_path, row.data, ordering_key=row.ordering_key, retry=None,
                                        timeout=self.publish_timeout_s, **row.attributes)
            except Exception as exc:  # e.g. a paused ordering key, a message too large
                first_error = exc
                failed_keys.add(row.ordering_key)
                break
            sent.append((row, future))
        pending = {future for _, future in sent}
        while pending and not self._stop_now.is_set():
            _, pending = concurrent.futures.wait(pending, timeout=_POLL_S)
        acked: list[int] = []
        failed: list[SpooledMessage] = []
        for row, future in sent:
            if not future.done():
                continue  # abandoned at stop: stays spooled
            error = future.exception()
            if error is None:
                acked.append(row.id)
            else:
                failed.append(row)
                first_error = first_error if first_error is not None else error
        try:
            self.spool.delete(acked)
        except SpoolError as exc:  # acknowledged but still spooled: published again later
            return exc
        self.published += len(acked)
        if first_error is not None:
            self.spool.record_failure([row.id for row in failed])
            # An ordered key is paused after an error until resumed; the rows are re-sent next round.
            for key in sorted(failed_keys | {row.ordering_key for row in failed}):
                try:
                    client.resume_publish(self.topic_path, key)
                except Exception as exc:  # not paused (yet), or the client was stopped
                    log.debug("resume_publish(%s): %s", key, exc)
        return first_error

    def _ensure_client(self) -> Any:
        if self._client is None:
            types = self._pubsub.types
            self._client = self._pubsub.PublisherClient(
                batch_settings=types.BatchSettings(max_latency=self.max_latency_s),
                publisher_options=types.PublisherOptions(enable_message_ordering=True),
            )
        return self._client

    def _shutdown_client(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.stop()
        except Exception as exc:
            log.debug("stopping the Pub/Sub client: %s", exc)
        try:
            client.transport.close()
        except Exception as exc:
            log.debug("closing the Pub/Sub channel: %s", exc)

    def _failed(self, kind: str, message: str) -> None:
        """Report (once per kind until the next success), then back off."""
        if kind not in self._reported:
            self._reported.add(kind)
            self._notify(message)
        else:
            log.debug("%s", message)
        self._failures += 1
        if self._interrupt.wait(backoff_s(self._failures, self.backoff_base_s, self.backoff_cap_s)):
            self._interrupt.clear()

    def _notify(self, message: str) -> None:
        log.warning("output cloud: %s", message)
        if self._on_error is not None:
            try:
                self._on_error(message)
            except Exception:
                log.exception("on_error callback failed")
