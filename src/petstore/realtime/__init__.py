"""The real-time doors of the support chat: raw WebSocket at ``/v1/ws/chat``. They parse
frames, call :mod:`petstore.support.service`, and push what the event bus's live feed says
happened in the caller's conversations (on any instance)."""
