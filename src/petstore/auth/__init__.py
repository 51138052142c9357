"""Authentication and authorization: passwords, signed tokens, scopes, login and logout."""
