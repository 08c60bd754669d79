"""amoCRM (Kommo) and Bitrix24: their webhooks' payloads read into events, their REST APIs asked
for the full record, and a record turned into CRM columns for the mapping file.

- amoCRM posts ``leads[add|update|status][N][...]`` with the lead's own fields (custom fields by
  id) and ``account[id]``, ``account[subdomain]``; the webhook has no signature: the secret in its
  URL and the account id are what is checked. The full lead is
  ``GET /api/v4/leads/{id}?with=contacts`` (a long-lived token as Bearer): 200 with the lead,
  204 when there is none, 401 for a bad token, 429 past the rate limit (problem+json bodies).
- Bitrix24 posts ``event=ONCRMDEALUPDATE&data[FIELDS][ID]=...&auth[application_token]=...``;
  only the id arrives. The deal is ``crm.deal.get`` through an inbound webhook
  (``{url}/{token}/crm.deal.get.json?id=...``): ``{"result": {...}, "time": {...}}``, or
  ``{"error": ..., "error_description": ...}`` (400 not found, 401 a bad token,
  503 ``QUERY_LIMIT_EXCEEDED``).

A record becomes columns as a CSV export's row does: amoCRM's lead fields by their API names
(``name``, ``price``, ``responsible_user_id``, ``status_id``, ...) and custom fields by their id
(``"512345"``); Bitrix24's deal fields by their names (``TITLE``, ``ASSIGNED_BY_ID``,
``UF_CRM_...``). Times become dates in the mapping's ``date_format``. Only the columns the
mapping names, and those named as client fields, are kept: a CRM record has dozens more.
"""
