"""The engine, free of Textual: types, errors, keys, catalog, prices, paths and settings.

Nothing under this package (nor under :mod:`openmaas_tui.providers`) imports Textual; a test
imports every module here in a fresh interpreter and checks ``sys.modules``.
"""
