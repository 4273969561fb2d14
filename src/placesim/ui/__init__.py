"""The trainer's browser UI: two regimes side by side, stepped live on the same seed.

``twin`` (the two models in lockstep), ``journey`` (following one citizen), ``player``
(the run's own thread) and ``charts`` (figures updated in place) hold no Solara state;
``app`` lays them out as a Solara page and ``serve`` starts it offline.
"""
