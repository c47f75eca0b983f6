"""Pure messaging rules: channels, statuses, templates, consent, quiet hours, the WhatsApp window."""
