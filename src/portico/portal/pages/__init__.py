"""The portal's document pages: one module per section, reading through scoped selectors."""
