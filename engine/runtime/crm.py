"""The link to a client's record in the CRM: the client's own ``crm_url``, else a template (the
knowledge base's ``crm: {url: ...}``, or a mapping file's ``crm_url``) with ``{crm_id}`` or
``{id}`` replaced by the client's, URL-quoted. A plain replacement, never ``str.format``: the
template is text from a file, and no attribute of anything is looked up."""

from __future__ import annotations

from urllib.parse import quote

from engine.models import Client, CrmSettings


def crm_link(template: str, client_id: str, crm_id: str | None) -> str:
    """``template`` for one client: ``{crm_id}`` is its CRM id (its id when it has none: an
    export's id column is the CRM's own), ``{id}`` its id."""
    return (template.replace("{crm_id}", quote(crm_id or client_id, safe=""))
            .replace("{id}", quote(client_id, safe="")))


def crm_url(client: Client, settings: CrmSettings | None) -> str | None:
    """The client's link: its own, else the knowledge base's template's."""
    if client.crm_url or settings is None:
        return client.crm_url
    return crm_link(settings.url, client.id, client.crm_id)


def who_and_where(client: Client, settings: CrmSettings | None) -> dict[str, str | None]:
    """The client's id, name, owner, CRM id and link, as a recommendation carries them."""
    return {"client_id": client.id, "client_name": client.name, "owner": client.owner,
            "crm_id": client.crm_id, "crm_url": crm_url(client, settings)}
