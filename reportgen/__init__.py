"""reportgen: the Relazione sulla Performance of an Italian public administration, built
from its data (load → engine → content → render → files)."""

__version__ = "0.1.0"
