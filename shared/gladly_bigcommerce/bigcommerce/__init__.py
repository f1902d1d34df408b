"""BigCommerce as the adaptor talks to it: the one connection per store (``connection.py``), the one
client (``client.py``: endpoints; ``http.py``: how a call is sent, retried and read), payload models by
API (``models/``), typed errors (``errors.py``), deadlines and call budgets (``deadline.py``), the
store's request quota (``quota.py``), the API-account scopes (``scopes.py``) and value readers
(``values.py``, ``lenient.py``). Import each from its module."""
