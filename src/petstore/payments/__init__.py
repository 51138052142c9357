"""Paying for orders: card and bank-account sources, a processor interface, receipts."""
