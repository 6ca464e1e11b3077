"""The Swedish VADER (``vaderSentiment-swedish`` 1.0.3, MIT, vendored: see PROVENANCE.md).

Its PyPI package installs a module named ``vaderSentiment``, the English package's name, so
the two overwrite each other in one environment. Here it lives under its own name, unchanged,
beside the English package, which stays a normal dependency.
"""

from listening.adapters.vader_swedish.vader import SentimentIntensityAnalyzer

__all__ = ["SentimentIntensityAnalyzer"]
