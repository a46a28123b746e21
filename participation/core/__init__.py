"""What every feature shares: users and roles, i18n, sanitizing, permissions, audit log, errors."""
