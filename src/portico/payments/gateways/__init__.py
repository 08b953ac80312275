"""Payment gateways: one protocol (`base`), a registry of kinds, one folder per gateway."""
