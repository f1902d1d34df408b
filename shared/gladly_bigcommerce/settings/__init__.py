"""The deployment's configuration: its settings (``environment.py``: the list of environment variables;
``model.py``: ``AdaptorSettings``), the credentials secret (``secret.py``) and what a misconfiguration
says (``problems.py``). Checked at cold start, and before deploying by ``make validate-config``
(``devtools/validate_config.py``). Import each from its module."""
