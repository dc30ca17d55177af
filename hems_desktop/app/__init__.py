"""The composition root shared by the CLI and the GUI: settings in, a running collector out
(the demo meter, the outputs, the history, the session)."""

from hems_desktop.app.endpoint import Endpoint, RunSetupError, open_endpoint
from hems_desktop.app.run import CollectorRun, prepare_run

__all__ = ["CollectorRun", "Endpoint", "RunSetupError", "open_endpoint", "prepare_run"]
