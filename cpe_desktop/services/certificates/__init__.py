"""Certificates: the stored files (``store``) and reading a PDF certificate to pre-fill a record
(``text`` reads the text layer, ``layout`` orders its lines, ``parse`` picks the facts out,
``names`` the sponsor and delivery method, ``titles`` the program and the person named).
"""
