"""Who may see and change what: people, roles and the permissions every write checks."""
