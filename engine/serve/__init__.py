"""``playbook serve``: the engine as an HTTP service (FastAPI on uvicorn; the ``serve`` extra).

- ``app``: the application factory (``create_app``) and uvicorn's entry (``from_environment``);
- ``decisions``: health, the knowledge base, ``/v1/recommend`` (the dry run's JSON) and batches;
- ``journal_api``: the run journal's views and a person's done / dismiss / snooze;
- ``hooks_api``, ``forms``, ``crm/``, ``worker``: amoCRM and Bitrix24 webhooks, stored beside
  the journal (in its database on PostgreSQL) and recorded by a worker as one-client runs;
- ``edge``, ``security``, ``problems``, ``metrics``, ``openapi``, ``settings``: request ids,
  size bounds and structured logs; API tokens; the error document; Prometheus metrics; the
  OpenAPI document on the product's schemas; what the server runs with.

See docs/serve.md.
"""
