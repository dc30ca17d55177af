"""Outputs of readings: stdout, file and cloud (Pub/Sub). See `base.Sink`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from hems_desktop.sinks.base import Sink, SinkError
from hems_desktop.sinks.file import FileSink
from hems_desktop.sinks.stdout import StdoutSink

if TYPE_CHECKING:
    from hems_desktop.settings import Settings

__all__ = ["FileSink", "Sink", "SinkError", "StdoutSink", "build_sinks", "cloud_sinks"]

log = logging.getLogger(__name__)


def cloud_sinks(settings: Settings) -> list[Sink]:
    """The Google Cloud Pub/Sub output: one `PubSubSink` for `settings.project` / `settings.topic`.

    google-cloud-pubsub (the `cloud` extra) is imported only here, so start-up and `--help`
    do not pay for it. Raises SinkError (with the install command) when it is missing.
    """
    from hems_desktop.settings.model import DEFAULT_PROJECT
    from hems_desktop.sinks.cloud import PubSubSink

    if settings.project == DEFAULT_PROJECT:
        log.warning("--output cloud: the Google Cloud project is the placeholder %r; set GCP_PROJECT_ID or "
                    "--project", DEFAULT_PROJECT)
    return [PubSubSink(project=settings.project, topic=settings.topic)]


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
