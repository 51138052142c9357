"""The front door: ``GET /`` for a newcomer (an HTML page in a browser, an index of links for
JSON clients) and the unversioned paths people guess (``/docs``, ``/openapi.json``)."""
