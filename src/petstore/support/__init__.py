"""Customer support chat: conversations between a customer and staff agents, their messages
with delivery and read receipts, agent presence and assignment, and the adoption advisor
answering while no agent is online. Talked over the real-time doors (:mod:`petstore.realtime`);
read and managed over REST."""
