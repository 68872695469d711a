"""Models that learn from the annotations: a spaCy pipeline trained on the done articles
(cooltui.learn.train), scored and offered beside the rules (predict, scored, threshold), and
kept in the annotator's loop by the app (loop, worker).

Headless. The package imports nothing itself: the app imports only the light modules (loop,
layout, scored), spaCy is imported only where a model is trained or run.
"""
