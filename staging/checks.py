"""Django system checks for the staging engine (filled in with the catalogue)."""
