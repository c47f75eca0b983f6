"""Profile mutations, as fields of the root Mutation type, each with the role it needs."""

from __future__ import annotations

import strawberry

from gateway.features.profile import catalog_mutations as catalog
from gateway.features.profile import detail_mutations as details
from gateway.features.profile import note_mutations as notes
from gateway.features.profile import status_mutations as status
from gateway.features.profile.import_customers import import_customers
from gateway.features.profile.register_customer import register_customer
from gateway.features.profile.update_customer import update_customer
from gateway.permissions import Role, requires

AGENT, MANAGER, ADMIN = [requires(Role.AGENT)], [requires(Role.MANAGER)], [requires(Role.ADMIN)]


@strawberry.type
class ProfileMutations:
    register_customer = strawberry.mutation(resolver=register_customer, permission_classes=AGENT)
    update_customer = strawberry.mutation(resolver=update_customer, permission_classes=AGENT)
    set_attribute = strawberry.mutation(resolver=details.set_attribute, permission_classes=AGENT)
    define_attribute = strawberry.mutation(resolver=catalog.define_attribute, permission_classes=ADMIN)
    suspend_customer = strawberry.mutation(resolver=status.suspend_customer, permission_classes=MANAGER)
    reactivate_customer = strawberry.mutation(resolver=status.reactivate_customer, permission_classes=MANAGER)
    delete_customer = strawberry.mutation(
        resolver=status.delete_customer, permission_classes=ADMIN, description="Erases personal data everywhere."
    )
    set_tag = strawberry.mutation(resolver=details.set_tag, permission_classes=AGENT)
    remove_tag = strawberry.mutation(resolver=details.remove_tag, permission_classes=AGENT)
    add_note = strawberry.mutation(resolver=notes.add_note, permission_classes=AGENT)
    edit_note = strawberry.mutation(resolver=notes.edit_note, permission_classes=AGENT, description="Author only.")
    delete_note = strawberry.mutation(resolver=notes.delete_note, permission_classes=AGENT, description="Author only.")
    create_customer_list = strawberry.mutation(resolver=catalog.create_customer_list, permission_classes=ADMIN)
    add_to_list = strawberry.mutation(resolver=details.add_to_list, permission_classes=AGENT)
    remove_from_list = strawberry.mutation(resolver=details.remove_from_list, permission_classes=AGENT)
    set_opt_in = strawberry.mutation(resolver=details.set_opt_in, permission_classes=AGENT)
    set_channel_link = strawberry.mutation(resolver=details.set_channel_link, permission_classes=AGENT)
    import_customers = strawberry.mutation(resolver=import_customers, permission_classes=ADMIN)
