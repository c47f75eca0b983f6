"""Message templates: an id, a title, a body with `{placeholders}`, and whether WhatsApp approved it.

Only an approved template may open a WhatsApp conversation outside the 24-hour window.
The customer's first name is always available as `first_name`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from c360.errors import InvalidInput


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    body: str
    whatsapp_approved: bool = False

    def variables(self) -> set[str]:
        return set(self.placeholders())

    def placeholders(self) -> list[str]:
        """In order of appearance: the parameters of the provider-side (e.g. WhatsApp) template."""
        return [name for _, name, _, _ in string.Formatter().parse(self.body) if name]


TEMPLATES = {
    t.id: t
    for t in (
        Template(
            "order_ready", "Your order is ready", "Hi {first_name}, your order {order_id} is ready for pickup.", True
        ),
        Template("appointment_reminder", "Reminder", "Hi {first_name}, see you on {date} at {time}.", True),
        Template("coupon_issued", "A coupon for you", "Hi {first_name}, you got {campaign_name}: code {code}.", True),
        Template(
            "redemption_otp", "Your code", "Your code to redeem {points} points is {code}. Do not share it.", True
        ),
        Template("newsletter", "News from us", "{headline}"),
    )
}


def render(template_id: str, variables: dict[str, str], first_name: str) -> tuple[Template, str, list[str]]:
    """The template, its text and its parameter values in order, or UNKNOWN_TEMPLATE / MISSING_TEMPLATE_VARIABLES."""
    template = TEMPLATES.get(template_id)
    if template is None:
        raise InvalidInput("UNKNOWN_TEMPLATE", f"There is no template '{template_id[:64]}'.", "templateId")
    values = {"first_name": first_name, **variables}
    missing = sorted(template.variables() - {k for k, v in values.items() if v})
    if missing:
        raise InvalidInput(
            "MISSING_TEMPLATE_VARIABLES", f"Template '{template_id}' needs: {', '.join(missing)}.", "variables"
        )
    return template, template.body.format_map(values), [values[name] for name in template.placeholders()]
