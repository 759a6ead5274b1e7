"""The bundled rulebooks, one TOML file each; read them with ``satsa.rules.get_preset``."""
