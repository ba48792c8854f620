"""What the editors' pages show: the pure view model (``views``), the
Jinja2 templates and the static files. The routes that serve them are
``service.web.routes``."""

__all__: list[str] = []
