"""The risks app's pages, one module per page or flow; risks.urls names them.

Each view checks, loads, calls and renders: the pages are built beside the models
(risks.register, risks.detail, risks.heatmap).
"""
