"""The GraphQL door (``/v1/graphql``): the store's reads, writes and live changes over
GraphQL, on the same domain services, event bus and security as REST."""
