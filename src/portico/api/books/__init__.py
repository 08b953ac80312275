"""The Books API (`/api/v1/books/…`): the business's integrations, with an organisation's key."""
