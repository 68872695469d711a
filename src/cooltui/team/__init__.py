"""Several annotators on one corpus: assignment, agreement, adjudication, consistency, sync.

Headless: never imports textual. Each annotator's store stays their own; these modules read
several of them side by side.
"""
