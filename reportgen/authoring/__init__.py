"""Authoring: next year's report without a programmer.

``rollforward`` makes next year's project from this year's, ``skeleton`` a minimal new one,
``workbook`` writes the input workbooks for the directorates, ``collect`` reads them back
into the project, ``from_workbook`` starts a project from an existing spreadsheet.
"""
