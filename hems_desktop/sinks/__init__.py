"""Outputs of readings: stdout, file (and cloud, later). See `base.Sink`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from hems_desktop.sinks.base import Sink, SinkError
from hems_desktop.sinks.file import FileSink
from hems_desktop.sinks.stdout import StdoutSink

if TYPE_CHECKING:
    from hems_desktop.config import Settings

__all__ = ["FileSink", "Sink", "SinkError", "StdoutSink", "build_sinks", "cloud_sinks"]

log = logging.getLogger(__name__)


def cloud_sinks(settings: Settings) -> list[Sink]:
    """Hook for the Google Cloud Pub/Sub output (a later issue): returns no sink yet.

    When it exists it will publish `Reading.to_record()` as JSON to `settings.project` /
    `settings.topic`, importing google-cloud-pubsub (the `cloud` extra) only here.
    """
    log.warning("--output cloud is not available in this version: readings are not sent to Pub/Sub "
                "(project %s, topic %s)", settings.project, settings.topic)
    return []


def build_sinks(settings: Settings) -> list[Sink]:
    """The sinks for settings.output: none, stdout, file, cloud, or all of them.

    Raises SinkError when the file cannot be opened (checked at startup).
    """
    sinks: list[Sink] = []
    for output in settings.outputs:
        if output == "stdout":
            sinks.append(StdoutSink(settings.format))
        elif output == "file":
            sinks.append(FileSink(settings.file, settings.format))
        elif output == "cloud":
            sinks.extend(cloud_sinks(settings))
    return sinks
