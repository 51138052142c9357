"""The MCP door: the store as tools, resources and prompts for AI assistants, over streamable
HTTP at ``/v1/mcp`` (an OAuth protected resource) and over stdio (``petstore mcp``)."""
