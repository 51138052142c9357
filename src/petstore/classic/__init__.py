"""The Classic Petstore API (Swagger Petstore v3) at ``/api/v3``: a sandbox with its own data.

A door of its own (it is mounted as a sub-application with its own OpenAPI 3.0 document, docs
and error rendering) over its own tables: the classic store's pets, orders and users are not
the modern API's, exactly as on the public reference server, which anyone may reset.
"""
