"""PyInstaller runtime hook: stand-ins for PySide6.QtOpenGL and PySide6.QtOpenGLWidgets.

The bundle leaves both bindings out (~9 MB). pyqtgraph 0.14 still imports them when it is imported, for
its optional OpenGL curve drawing, which the app never turns on (pyqtgraph's useOpenGL stays False).
This finder sits last on sys.meta_path, so a bundle that does contain the real modules uses them; when
they are missing it hands pyqtgraph a module whose every name is a class that raises when used.
"""

import importlib.abc
import importlib.machinery
import sys

_STUBBED = {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"}


class NotInThisBuild:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("OpenGL drawing is not part of the HEMS Desktop standalone build")


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None  # a plain module

    def exec_module(self, module):
        def __getattr__(name):
            if name.startswith("__"):
                raise AttributeError(name)
            return NotInThisBuild

        module.__getattr__ = __getattr__


class _StubFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in _STUBBED:
            return importlib.machinery.ModuleSpec(fullname, _StubLoader())
        return None


sys.meta_path.append(_StubFinder())
