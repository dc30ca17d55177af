"""A loopback gRPC server that plays Google Cloud Pub/Sub's Publisher service for tests.

The real google-cloud-pubsub client talks to it through ``PUBSUB_EMULATOR_HOST=127.0.0.1:PORT``.
It implements Publish, GetTopic and CreateTopic (the client's publish() only uses Publish),
records every message it accepted, and can be switched to misbehave:

* ``mode = "up"`` (default): accept; ``"unavailable"``: answer UNAVAILABLE (service down);
  ``"not_found"``: NOT_FOUND (topic missing); ``"permission_denied"``: PERMISSION_DENIED.
* ``stop()`` / ``start()``: really close and reopen the listening port (connection refused).

Binds to 127.0.0.1 only.
"""

from __future__ import annotations

import threading
import time
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.pubsub_v1.types import GetTopicRequest, PublishRequest, PublishResponse, Topic

SERVICE = "google.pubsub.v1.Publisher"

_MODES: dict[str, tuple[grpc.StatusCode, str]] = {
    "unavailable": (grpc.StatusCode.UNAVAILABLE, "the service is down (test)"),
    "not_found": (grpc.StatusCode.NOT_FOUND, "Resource not found (resource=hems-test)."),
    "permission_denied": (grpc.StatusCode.PERMISSION_DENIED, "User not authorized to perform this action."),
}


@dataclass
class Received:
    topic: str
    data: bytes
    attributes: dict[str, str]
    ordering_key: str
    message_id: str
    at: float = field(default_factory=time.perf_counter)  # receipt time (perf_counter)


class FakePublisherServer:
    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.mode = "up"
        self.messages: list[Received] = []
        self.rpcs = 0  # Publish calls (any outcome)
        self.rejected = 0  # Publish calls answered with an error
        self.topics: set[str] = set()
        self._cond = threading.Condition()
        self._server: Any = None
        self._next_id = 1

    # ---- lifecycle ----

    def start(self) -> FakePublisherServer:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        handlers = {
            "Publish": grpc.unary_unary_rpc_method_handler(
                self._publish, request_deserializer=PublishRequest.deserialize,
                response_serializer=PublishResponse.serialize),
            "GetTopic": grpc.unary_unary_rpc_method_handler(
                self._get_topic, request_deserializer=GetTopicRequest.deserialize,
                response_serializer=Topic.serialize),
            "CreateTopic": grpc.unary_unary_rpc_method_handler(
                self._create_topic, request_deserializer=Topic.deserialize, response_serializer=Topic.serialize),
        }
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
        port = server.add_insecure_port(f"127.0.0.1:{self.port}")
        if port == 0:
            raise RuntimeError(f"cannot bind 127.0.0.1:{self.port}")
        self.port = port
        server.start()
        self._server = server
        return self

    def stop(self) -> None:
        """Close the port: clients get connection refused (UNAVAILABLE) until `start()`."""
        if self._server is not None:
            self._server.stop(grace=None).wait()
            self._server = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> FakePublisherServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- inspection ----

    def wait_for(self, count: int, timeout: float) -> bool:
        """Wait until at least `count` messages were accepted."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.messages) >= count, timeout)

    def reading_ids(self) -> list[str]:
        with self._cond:
            return [m.attributes.get("reading_id", "") for m in self.messages]

    # ---- handlers ----

    def _fail_if_switched(self, context: grpc.ServicerContext) -> None:
        if self.mode != "up":
            code, details = _MODES[self.mode]
            with self._cond:
                self.rejected += 1
            context.abort(code, details)

    def _publish(self, request: PublishRequest, context: grpc.ServicerContext) -> PublishResponse:
        with self._cond:
            self.rpcs += 1
        self._fail_if_switched(context)
        ids: list[str] = []
        with self._cond:
            for message in request.messages:
                message_id = str(self._next_id)
                self._next_id += 1
                self.messages.append(Received(request.topic, bytes(message.data), dict(message.attributes),
                                              message.ordering_key, message_id))
                ids.append(message_id)
            self._cond.notify_all()
        return PublishResponse(message_ids=ids)

    def _get_topic(self, request: GetTopicRequest, context: grpc.ServicerContext) -> Topic:
        self._fail_if_switched(context)
        return Topic(name=request.topic)

    def _create_topic(self, request: Topic, context: grpc.ServicerContext) -> Topic:
        self._fail_if_switched(context)
        self.topics.add(request.name)
        return Topic(name=request.name)
