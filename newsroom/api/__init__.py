"""The read-only JSON API under /api/v1/ (Django REST framework, drf-spectacular schema).

Public data only, from the same QuerySet methods and FilterSets as the public pages, so a list
endpoint gives the page's results row for row and in the same order.
"""
