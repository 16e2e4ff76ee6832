"""customlabels: a self-hosted custom-labels image system."""

__version__ = "0.1.0"
