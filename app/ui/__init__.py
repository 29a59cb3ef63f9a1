"""Shared UI: state and URL namespaced per section, widgets generated from the registries, model info,
caches, the job runner, charts and the "show the code" panel. Sections import from here; nothing here
knows about a particular section."""
