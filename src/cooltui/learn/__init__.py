"""Models that learn from the annotations: a spaCy pipeline trained on the done articles.

Headless, and never imported by the app's launch; spaCy (the `cooltui[spacy]` extra) is
imported only when a model is trained.
"""

from cooltui.learn.train import Trained, TrainError, TrainOptions, train_model

__all__ = ["TrainError", "TrainOptions", "Trained", "train_model"]
