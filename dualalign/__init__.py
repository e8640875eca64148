"""dualalign: persona- and symptom-trajectory-aligned synthetic clinical text."""

from importlib.metadata import PackageNotFoundError, version

from dualalign.errors import DualAlignError

try:
    __version__ = version("dualalign")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

__all__ = ["DualAlignError", "__version__"]
