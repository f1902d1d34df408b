"""The HTTP edge: API Gateway events in, Gladly's answers out; the only room that knows about HTTP.

``request.py`` reads an event into a ``GladlyRequest``; ``runtime.py`` keeps the container's settings
and credentials; ``authentication.py`` checks who calls; ``handler.py`` is the pipeline every function
runs; ``errors.py`` turns exceptions into Gladly's answers; ``lookups.py`` and ``actions.py`` hand a
verified request to the lookup and action logic (an action's GET to its form, its POST to its
submit); ``snapstart.py`` holds the SnapStart hooks. The edge depends on the logic, never the reverse:
nothing outside ``edge/`` imports it (``functions/*/app.py`` do). Import each from its module.
"""
