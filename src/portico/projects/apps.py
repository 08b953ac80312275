from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "portico.projects"
    label = "projects"
