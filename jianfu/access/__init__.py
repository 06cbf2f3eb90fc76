"""Who may see what: local users with argon2 password hashes (or OIDC), roles and their row-level `Scope`,
expiring sessions, the append-only audit log, and `jianfu user …` / `jianfu recover`. See SECURITY.md."""
