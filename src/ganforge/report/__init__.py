"""Sample grids, plots and the HTML report of a run."""
from . import diagnosis  # noqa: F401 - adds the Diagnosis section after the summary card
