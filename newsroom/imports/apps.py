from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "newsroom.imports"
    label = "imports"
    verbose_name = "Imports"
