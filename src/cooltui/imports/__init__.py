"""`cooltui import`: other tools' annotations read, checked and saved into an annotator's store.

Readers (cooltui.imports.readers) turn each format into SourceRecords as the source holds them;
the core maps their offsets onto cooltui's normalised texts, checks every span as the exporter
does, and saves. Headless: never imports textual.
"""
