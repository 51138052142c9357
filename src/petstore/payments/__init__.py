"""Paying for orders: card and bank-account sources, a processor interface, receipts, and
refunds when a paid order is cancelled."""
