"""OAuth 2.0 authorization server: authorization code + PKCE, device flow, client credentials."""
