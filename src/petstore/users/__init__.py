"""User accounts: public sign-up, the caller's own record, staff administration."""
