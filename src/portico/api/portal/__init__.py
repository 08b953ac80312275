"""The Portal API (`/api/v1/portal/{org}/…`): a contact person's view, through the portal's
scope and the same selectors and services as the pages."""
